import { type MeView } from '@kasho/contracts';
import { z } from 'zod';

export const meResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  fullName: z.string(),
  roles: z.array(z.string()),
  mfaEnabled: z.boolean(),
  emailVerified: z.boolean(),
  createdAt: z.iso.datetime(),
}) satisfies z.ZodType<MeView>;
