import { type SessionList } from '@kasho/contracts';
import { z } from 'zod';

export const sessionListResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      createdAt: z.iso.datetime(),
      lastUsedAt: z.iso.datetime(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      current: z.boolean().meta({ description: "True for the session the caller's own token belongs to" }),
    }),
  ),
}) satisfies z.ZodType<SessionList>;

/** A session id as the auth service issues them; anything else cannot name a session (answered 404). */
export const sessionIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
