import {
  type CustomerDetail,
  type CustomerSearchResult,
  type DataExport,
  KYC_DOCUMENT_TYPES,
  KYC_STATUSES,
  KYC_TIERS,
  type KycDecisionView,
  type KycSubmissionView,
  type KycView,
  type TransactionView,
  type ProfileView,
  WALLET_STATUSES,
  type WalletBalanceAt,
  type WalletList,
  type WalletStatement,
  type WalletWithBalance,
} from '@kasho/contracts';
import { z } from 'zod';

// Shapes only: the account service owns every rule (and validates again). Fields are documented here, so the
// OpenAPI document says what each one means.

const limit = z
  .string()
  .regex(/^[0-9]{1,3}$/, 'Must be a whole number from 1 to 100.')
  .transform(Number)
  .pipe(
    z.int().min(1, 'Must be a whole number from 1 to 100.').max(100, 'Must be a whole number from 1 to 100.'),
  )
  .default(20);

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date YYYY-MM-DD.');
const country = z.string().regex(/^[A-Z]{2}$/, 'An ISO 3166-1 alpha-2 code such as FR.');

const address = z.strictObject({
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  postalCode: z.string().min(1).max(20),
  country,
});

/** `PATCH /v1/me/profile`: a field absent stays as it is; `null` clears it. */
export const profilePatchBody = z.strictObject({
  fullName: z.string().min(1).max(200).nullable().optional(),
  phone: z
    .string()
    .min(1)
    .max(32)
    .nullable()
    .optional()
    .meta({ description: 'International format, e.g. +33612345678' }),
  address: address.nullable().optional(),
  dateOfBirth: date.nullable().optional(),
});
export type ProfilePatchBody = z.output<typeof profilePatchBody>;

export const profileResponse = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  fullName: z.string().nullable(),
  phone: z.string().nullable(),
  address: address.nullable(),
  dateOfBirth: z.string().nullable(),
  kycStatus: z.enum(KYC_STATUSES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
}) satisfies z.ZodType<ProfileView>;

export const dataExportResponse = z.object({
  subjectId: z.uuid(),
  generatedAt: z.iso.datetime(),
  sections: z
    .record(z.string(), z.object({ status: z.enum(['ok', 'unavailable']), data: z.unknown().optional() }))
    .meta({ description: 'One section per service, in its own shape' }),
}) satisfies z.ZodType<unknown>;
export type DataExportResponse = DataExport;

/** `POST /v1/kyc/submissions`. */
export const kycSubmissionBody = z.strictObject({
  fullName: z.string().min(1).max(200),
  dateOfBirth: date,
  nationality: country,
  document: z.strictObject({
    type: z.enum(KYC_DOCUMENT_TYPES),
    number: z.string().min(1).max(64),
    issuingCountry: country,
    expiresOn: date,
  }),
  documentReferences: z
    .array(z.string().regex(/^[A-Za-z0-9._:/-]{1,200}$/))
    .min(1)
    .max(10)
    .meta({ description: 'References of documents uploaded to the document store (never the files)' }),
});
export type KycSubmissionBody = z.output<typeof kycSubmissionBody>;

const submission = z.object({
  id: z.uuid(),
  status: z.enum(['pending', 'verified', 'rejected']),
  submittedAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  reason: z.string().nullable(),
});
export const kycSubmissionResponse = submission satisfies z.ZodType<KycSubmissionView>;

const tierLimits = z.object({
  maxBalance: z.string(),
  maxSinglePayment: z.string(),
  dailyOutgoing: z.string(),
  monthlyOutgoing: z.string(),
  payoutsAllowed: z.boolean(),
});

export const kycResponse = z.object({
  status: z.enum(KYC_STATUSES),
  tier: z.enum(KYC_TIERS),
  limits: tierLimits.meta({ description: 'Minor units of the wallet currency' }),
  submissions: z.array(submission),
}) satisfies z.ZodType<KycView>;

/** `POST /v1/accounts`. `currency` is checked by @kasho/money first (422 `invalid_currency`). */
export const openAccountBody = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .meta({ description: 'A supported ISO 4217 code', examples: ['EUR'] }),
  nickname: z.string().min(1).max(64).optional(),
});
export type OpenAccountBody = z.output<typeof openAccountBody>;

const wallet = z.object({
  id: z.uuid(),
  currency: z.string(),
  status: z.enum(WALLET_STATUSES),
  nickname: z.string().nullable(),
  ledgerAccountId: z.uuid(),
  createdAt: z.iso.datetime(),
});
const walletWithBalance = wallet.extend({
  balance: z.object({
    available: z.string().meta({ description: 'What can be spent now: posted − held' }),
    posted: z.string(),
    pending: z.string().meta({ description: 'Held for outgoing payments' }),
  }),
});
export const accountResponse = walletWithBalance satisfies z.ZodType<WalletWithBalance>;
export const accountListResponse = z.object({
  data: z.array(walletWithBalance),
}) satisfies z.ZodType<WalletList>;

export const accountIdParam = z.uuid();

export const statementQuery = z.strictObject({
  limit,
  cursor: z.string().min(1).max(512).optional(),
});

export const statementResponse = z.object({
  data: z.array(
    z.object({
      id: z.uuid(),
      transferId: z.uuid(),
      occurredAt: z.iso.datetime(),
      direction: z.enum(['debit', 'credit']),
      amount: z.string(),
      balanceAfter: z.string().meta({ description: 'The posted balance after this line' }),
      description: z.string(),
      paymentId: z.uuid().optional(),
    }),
  ),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<WalletStatement>;

export const transactionIdParam = z.uuid();

export const transactionResponse = z.object({
  id: z.uuid(),
  accountId: z.uuid().meta({ description: 'The caller’s account the transfer touches' }),
  direction: z.enum(['debit', 'credit']),
  kind: z.enum(['single', 'pending', 'post_pending', 'void_pending', 'expire_pending']),
  amount: z.string(),
  currency: z.string(),
  description: z.string(),
  createdAt: z.iso.datetime(),
  paymentId: z.uuid().optional(),
}) satisfies z.ZodType<TransactionView>;

export const balanceQuery = z.strictObject({ at: z.iso.datetime({ offset: true }).optional() });

export const balanceResponse = z.object({
  accountId: z.uuid(),
  currency: z.string(),
  at: z.iso.datetime(),
  posted: z.string(),
}) satisfies z.ZodType<WalletBalanceAt>;

// ---- back office --------------------------------------------------------------------------------------------------

export const customerSearchQuery = z.strictObject({
  q: z
    .string()
    .min(1)
    .max(200)
    .meta({ description: 'An email or phone (exact), a customer id, or words of a name (each must match)' }),
  limit,
});

const summary = z.object({
  id: z.uuid(),
  status: z.enum(['active', 'erased']),
  kycStatus: z.enum(KYC_STATUSES),
  fullName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const customerSearchResponse = z.object({
  data: z.array(summary),
}) satisfies z.ZodType<CustomerSearchResult>;

export const customerIdParam = z.uuid();

export const customerDetailResponse = summary.extend({
  view: z.enum(['masked', 'full']),
  address: address.nullable(),
  dateOfBirth: z.string().nullable(),
  kycTier: z.enum(KYC_TIERS),
  wallets: z.array(wallet),
  kycSubmissions: z.array(submission),
}) satisfies z.ZodType<CustomerDetail>;

export const kycDecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().trim().min(1, 'A reason is required.').max(500),
});

export const kycDecisionResponse = z.object({
  submissionId: z.uuid(),
  customerId: z.uuid(),
  status: z.enum(['verified', 'rejected']),
  decidedAt: z.iso.datetime(),
}) satisfies z.ZodType<KycDecisionView>;

export const staffReasonBody = z.strictObject({
  reason: z.string().trim().min(1, 'A reason is required.').max(500),
});
