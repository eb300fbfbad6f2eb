// HOTP, TOTP and base32 live in @kasho/security (tests of other projects compute codes with them too).
export {
  acceptTotp,
  codesEqual,
  decodeBase32,
  DEFAULT_ALGORITHM,
  DEFAULT_DIGITS,
  DEFAULT_PERIOD_SECONDS,
  DEFAULT_WINDOW,
  encodeBase32,
  generateTotpSecret,
  hotp,
  InvalidBase32Error,
  SECRET_BYTES,
  timeStep,
  totp,
  verifyTotp,
} from '@kasho/security';
export type { HotpOptions, OtpAlgorithm, TotpAcceptance, TotpOptions } from '@kasho/security';
export { buildOtpauthUri } from './otpauth-uri';
export type { OtpauthUriInput } from './otpauth-uri';
export {
  findRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  verifyRecoveryCode,
} from './recovery-codes';
