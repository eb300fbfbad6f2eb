import {
  LEDGER_ACCOUNT_TYPES,
  type LedgerAccount,
  type ListAccountsResponse,
  type Reconciliation,
  type Transfer,
  TRANSFER_KINDS,
} from '@kasho/contracts';
import { z } from 'zod';

const limit = z
  .string()
  .regex(/^[0-9]{1,3}$/, 'Must be a whole number from 1 to 100.')
  .transform(Number)
  .pipe(
    z.int().min(1, 'Must be a whole number from 1 to 100.').max(100, 'Must be a whole number from 1 to 100.'),
  )
  .default(20);

/**
 * `POST /v1/admin/ledger/transfers`. `amount` and `currency` are checked first by @kasho/money (422
 * `invalid_amount` / `invalid_currency`); the patterns here document them and never refuse what money accepted.
 */
export const adminTransferBody = z.strictObject({
  debitAccountId: z.uuid(),
  creditAccountId: z.uuid(),
  amount: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/)
    .meta({
      description: 'Minor units as a string of digits, 1 to 2^63-1 (EUR 2 decimals, JPY 0, BHD 3)',
      examples: ['1050'],
    }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .meta({ description: 'An upper-case ISO 4217 code the platform supports', examples: ['EUR'] }),
  reason: z
    .string()
    .trim()
    .min(1, 'A reason is required.')
    .max(500)
    .meta({ description: 'Why the adjustment is made; kept in the audit log' }),
});
export type AdminTransferBody = z.output<typeof adminTransferBody>;

export const transferResponse = z.object({
  id: z.uuid(),
  kind: z.enum([...TRANSFER_KINDS, 'expire_pending']),
  debitAccountId: z.uuid(),
  creditAccountId: z.uuid(),
  amount: z.string(),
  currency: z.string(),
  code: z.int(),
  pendingId: z.uuid().nullable(),
  timeoutAt: z.iso.datetime().nullable(),
  reference: z.string(),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.iso.datetime(),
}) satisfies z.ZodType<Transfer>;

/** `GET /v1/admin/ledger/accounts`: the type and currency filters are shapes here; the ledger owns the rules. */
export const adminAccountsQuery = z.strictObject({
  type: z.enum(LEDGER_ACCOUNT_TYPES).optional(),
  currency: z.string().min(1).max(8).optional(),
  limit,
  cursor: z.string().min(1).max(512).optional(),
});

const adminAccount = z.object({
  id: z.uuid(),
  type: z.enum(LEDGER_ACCOUNT_TYPES),
  currency: z.string(),
  debitsPosted: z.string(),
  creditsPosted: z.string(),
  debitsPending: z.string(),
  creditsPending: z.string(),
  balance: z.string().meta({ description: 'credits posted − debits posted, signed' }),
});
export type AdminLedgerAccount = z.output<typeof adminAccount>;

export const adminAccountsPage = z.object({ data: z.array(adminAccount), nextCursor: z.string().nullable() });
export type AdminAccountsPage = z.output<typeof adminAccountsPage>;

/** The back office's view of a ledger account: totals and balance, no flags or metadata. */
export function toAdminAccountsPage(page: ListAccountsResponse): AdminAccountsPage {
  return {
    data: page.data.map((account: LedgerAccount) => ({
      id: account.id,
      type: account.type,
      currency: account.currency,
      debitsPosted: account.debitsPosted,
      creditsPosted: account.creditsPosted,
      debitsPending: account.debitsPending,
      creditsPending: account.creditsPending,
      balance: account.balance,
    })),
    nextCursor: page.nextCursor,
  };
}

/** `GET /v1/admin/ledger/reconciliation`: now, or at an RFC 3339 time (an addition to API.md). */
export const reconciliationQuery = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional(),
});

export const reconciliationResponse = z.object({
  asOf: z.iso.datetime(),
  balanced: z.boolean(),
  currencies: z.array(
    z.object({
      currency: z.string(),
      debitsPosted: z.string(),
      creditsPosted: z.string(),
      debitsPending: z.string(),
      creditsPending: z.string(),
      balanced: z.boolean(),
    }),
  ),
}) satisfies z.ZodType<Reconciliation>;
