import { type TotpActivateResponse, type TotpSetupResponse } from '@kasho/contracts';
import { z } from 'zod';
import { codeField } from './identity-fields.dto';

export const mfaCodeBody = z.strictObject({ code: codeField });

export const totpSetupResponse = z.object({
  secret: z.string().meta({ description: 'Base32 TOTP secret (SHA-1, 6 digits, 30 s)' }),
  otpauthUri: z.string().meta({ example: 'otpauth://totp/Kasho:ada@example.com?secret=...&issuer=Kasho' }),
}) satisfies z.ZodType<TotpSetupResponse>;

export const totpActivateResponse = z.object({
  recoveryCodes: z.array(z.string()).meta({ description: 'One-time recovery codes, shown once' }),
}) satisfies z.ZodType<TotpActivateResponse>;
