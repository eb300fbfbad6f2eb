export { decodeBase32, encodeBase32, InvalidBase32Error } from './base32';
export { codesEqual, DEFAULT_ALGORITHM, DEFAULT_DIGITS, hotp } from './hotp';
export type { HotpOptions, OtpAlgorithm } from './hotp';
export {
  acceptTotp,
  DEFAULT_PERIOD_SECONDS,
  DEFAULT_WINDOW,
  generateTotpSecret,
  SECRET_BYTES,
  timeStep,
  totp,
  verifyTotp,
} from './totp';
export type { TotpAcceptance, TotpOptions } from './totp';
