import { DomainError, ErrorCode } from '@kasho/errors';

/** The 422 of a request whose shape the ledger cannot take (the RPC layer carries it as is). */
export function invalid(pointer: string, detail: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, detail, { errors: [{ pointer, detail }] });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** PostgreSQL text and jsonb refuse NUL: one in a batch would fail every request written with it. */
export function containsNul(value: unknown): boolean {
  return JSON.stringify(value)?.includes('\\u0000') ?? false;
}

/** An array of 0..max items at `pointer`, or a 422. */
export function requireArray(value: unknown, pointer: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw invalid(pointer, 'must be an array');
  if (value.length > max) throw invalid(pointer, `must hold at most ${max} items`);
  return value;
}
