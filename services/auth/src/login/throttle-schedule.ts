/**
 * The growing delay after failed sign-ins: the first `freeFailures` cost nothing; from then on every further
 * attempt must wait 2^(failures - freeFailures) seconds after the last failure (1, 2, 4, 8, ... s), capped.
 */
export interface ThrottleSchedule {
  freeFailures: number;
  maxDelaySeconds: number;
}

export function throttleDelaySeconds(failures: number, schedule: ThrottleSchedule): number {
  if (!Number.isFinite(failures) || failures < schedule.freeFailures) return 0;
  const exponent = failures - schedule.freeFailures;
  // 2^exponent overflows nothing below 2^31, and the cap is far below that anyway.
  return exponent >= 31 ? schedule.maxDelaySeconds : Math.min(2 ** exponent, schedule.maxDelaySeconds);
}

/** Seconds until another attempt is allowed (0: now), given the last failure's time. */
export function secondsUntilAllowed(
  failures: number,
  lastFailureAtMs: number,
  nowMs: number,
  schedule: ThrottleSchedule,
): number {
  const delay = throttleDelaySeconds(failures, schedule);
  if (delay === 0) return 0;
  const remainingMs = lastFailureAtMs + delay * 1000 - nowMs;
  return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
}
