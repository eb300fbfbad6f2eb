import { type AuditLogPage } from '@kasho/contracts';
import { z } from 'zod';

/** API.md lists: `limit` 1–100 (default 20, otherwise 422) and an opaque `cursor`. */
export const auditLogQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, 'Must be a whole number from 1 to 100.')
    .transform(Number)
    .pipe(
      z
        .int()
        .min(1, 'Must be a whole number from 1 to 100.')
        .max(100, 'Must be a whole number from 1 to 100.'),
    )
    .default(20),
  cursor: z.string().min(1).max(512).optional(),
});

export const auditLogPageResponse = z.object({
  data: z.array(
    z.object({
      sequence: z.string(),
      id: z.string(),
      occurredAt: z.iso.datetime(),
      actorType: z.enum(['user', 'client', 'staff', 'system']),
      actorId: z.string().nullable(),
      action: z.string(),
      subjectType: z.string().nullable(),
      subjectId: z.string().nullable(),
      outcome: z.enum(['success', 'failure']),
      ip: z.string().nullable(),
      requestId: z.string().nullable(),
      correlationId: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      prevHash: z.string().meta({ description: 'Hex hash of the previous entry' }),
      hash: z.string().meta({ description: 'Hex hash of this entry, chained to the previous one' }),
    }),
  ),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<AuditLogPage>;
