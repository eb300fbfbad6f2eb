import { randomBytes, randomUUID } from 'node:crypto';

/** A short random lowercase hex string: unique enough to keep parallel and repeated test runs apart. */
export function uniqueSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

/** `<label>-<random>@example.test`: a valid address that cannot collide with another test's user or reach anyone. */
export function uniqueEmail(label = 'user'): string {
  const safeLabel =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 20) || 'user';
  return `${safeLabel}-${uniqueSuffix()}@example.test`;
}

/** A fresh UUID v4, the shape the API expects in `Idempotency-Key` headers and command ids. */
export function uniqueIdempotencyKey(): string {
  return randomUUID();
}
