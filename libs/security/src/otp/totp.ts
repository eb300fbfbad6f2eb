import { randomBytes } from 'node:crypto';
import { codesEqual, DEFAULT_ALGORITHM, DEFAULT_DIGITS, hotp, type OtpAlgorithm } from './hotp';

export interface TotpOptions {
  digits?: number;
  algorithm?: OtpAlgorithm;
  /** Seconds per step; 30 (Kasho's, and what authenticator apps assume). */
  period?: number;
  /** How many steps before and after the current one are also accepted, for clock drift; 1 by default. */
  window?: number;
}

export const DEFAULT_PERIOD_SECONDS = 30;
export const DEFAULT_WINDOW = 1;
/** RFC 4226 section 4 asks for at least 128 bits and recommends 160: one SHA-1 block's worth of key. */
export const SECRET_BYTES = 20;

export type TotpAcceptance = { ok: true; step: number } | { ok: false };

export function generateTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** RFC 6238 T: whole periods since the Unix epoch (T0 = 0). */
export function timeStep(now: Date, period: number = DEFAULT_PERIOD_SECONDS): number {
  const millis = now.getTime();
  if (!Number.isFinite(millis) || millis < 0) {
    throw new RangeError('now must be a valid date after the Unix epoch');
  }
  return Math.floor(millis / 1000 / period);
}

/** RFC 6238 TOTP: HOTP of the current time step. */
export function totp(secret: Uint8Array, now: Date, options: TotpOptions = {}): string {
  return hotp(secret, timeStep(now, options.period), options);
}

/**
 * The time steps within the window whose code equals `code`, oldest first. Every step is computed and compared
 * (no early exit), so the response time does not tell which step, if any, matched.
 */
function matchingSteps(secret: Uint8Array, code: string, now: Date, options: TotpOptions): number[] {
  const digits = options.digits ?? DEFAULT_DIGITS;
  if (!new RegExp(`^[0-9]{${digits}}$`).test(code)) {
    return [];
  }
  const window = options.window ?? DEFAULT_WINDOW;
  const current = timeStep(now, options.period);
  const matches: number[] = [];
  for (let step = Math.max(0, current - window); step <= current + window; step++) {
    const expected = hotp(secret, step, { digits, algorithm: options.algorithm ?? DEFAULT_ALGORITHM });
    if (codesEqual(code, expected)) {
      matches.push(step);
    }
  }
  return matches;
}

/** The time step whose code `code` is (within ±window steps of now), or null. Does not prevent replay. */
export function verifyTotp(
  secret: Uint8Array,
  code: string,
  now: Date,
  options: TotpOptions = {},
): number | null {
  return matchingSteps(secret, code, now, options)[0] ?? null;
}

/**
 * The once-only rule (RFC 6238 section 5.2): a code is accepted only for a time step later than the last one
 * accepted for this user, so a code seen by an onlooker, or accepted from the next step for drift, cannot be
 * used again. The caller stores the returned step as the user's new `lastAcceptedStep` (null: none yet), in the
 * same transaction that acts on the acceptance.
 */
export function acceptTotp(
  secret: Uint8Array,
  code: string,
  now: Date,
  lastAcceptedStep: number | null,
  options: TotpOptions = {},
): TotpAcceptance {
  const step = matchingSteps(secret, code, now, options).find(
    (candidate) => lastAcceptedStep === null || candidate > lastAcceptedStep,
  );
  return step === undefined ? { ok: false } : { ok: true, step };
}
