import { type MfaChallenge, type RegisterResponse, type TokenPair } from '@kasho/contracts';
import { z } from 'zod';
import { codeField, emailField, oneTimeTokenField, passwordField } from './identity-fields.dto';

export const registerBody = z.strictObject({
  email: emailField,
  password: passwordField,
  fullName: z.string().min(1).max(200),
});

export const verifyEmailBody = z.strictObject({ token: oneTimeTokenField });

export const loginBody = z.strictObject({ email: emailField, password: passwordField });

export const mfaVerifyBody = z.strictObject({
  mfaToken: z.string().min(1).max(2048),
  code: codeField.meta({ description: 'A TOTP code or a recovery code' }),
});

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const registerResponse = z.object({ userId: z.uuid() }) satisfies z.ZodType<RegisterResponse>;

export const tokenPairResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.int().meta({ description: 'Seconds until the access token expires' }),
  tokenType: z.literal('Bearer'),
}) satisfies z.ZodType<TokenPair>;

export const mfaChallengeResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string(),
}) satisfies z.ZodType<MfaChallenge>;

export const loginResponse = z.union([tokenPairResponse, mfaChallengeResponse]);
