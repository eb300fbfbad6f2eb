import { defineEvent } from './events';
import type { CallerContext } from './identity';
import type { DataExport } from './privacy';
import { defineRpc } from './rpc';

/**
 * The account service: customers (profile, KYC), wallets and the limits the payment service checks. A customer's
 * id is their user id (auth). Field names follow the public API (`API.md`, Customers and accounts); the gateway
 * validates shape, the account service validates again and owns every rule, ownership above all: another
 * customer's wallet answers `not_found` exactly like an unknown id. Amounts are strings of minor units.
 */

export interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** The personal data of a profile: encrypted at rest under the customer's own data key. */
export interface CustomerProfile {
  fullName: string | null;
  phone: string | null;
  address: PostalAddress | null;
  /** YYYY-MM-DD. */
  dateOfBirth: string | null;
}

export interface ProfileView extends CustomerProfile {
  id: string;
  email: string | null;
  kycStatus: KycStatus;
  createdAt: string;
  updatedAt: string;
}

/** A PATCH: a field absent stays as it is; `null` clears it. */
export interface UpdateProfileRequest extends CallerContext {
  changes: Partial<CustomerProfile>;
}

export const WALLET_STATUSES = ['active', 'frozen', 'closed'] as const;
export type WalletStatus = (typeof WALLET_STATUSES)[number];

export interface WalletBalance {
  available: string;
  posted: string;
  pending: string;
}

export interface WalletView {
  id: string;
  currency: string;
  status: WalletStatus;
  nickname: string | null;
  ledgerAccountId: string;
  createdAt: string;
}

export interface WalletWithBalance extends WalletView {
  balance: WalletBalance;
}

export interface OpenWalletRequest extends CallerContext {
  currency: string;
  nickname?: string;
  /** The client's Idempotency-Key: the same key names the same wallet (a retry never opens a second one). */
  idempotencyKey?: string;
}

export interface WalletRequest extends CallerContext {
  accountId: string;
}

export interface WalletList {
  data: WalletWithBalance[];
}

export interface WalletStatementRequest extends WalletRequest {
  limit: number;
  cursor?: string;
}

export interface WalletStatementLine {
  id: string;
  transferId: string;
  occurredAt: string;
  direction: 'debit' | 'credit';
  amount: string;
  balanceAfter: string;
  description: string;
  paymentId?: string;
}

export interface WalletStatement {
  data: WalletStatementLine[];
  nextCursor: string | null;
}

export interface WalletBalanceAtRequest extends WalletRequest {
  at?: string;
}

export interface WalletBalanceAt {
  accountId: string;
  currency: string;
  at: string;
  posted: string;
}

/** `GET /v1/transactions/{id}`: a ledger transfer that touches one of the caller's wallets (else not_found). */
export interface TransactionRequest extends CallerContext {
  transferId: string;
}

export interface TransactionView {
  id: string;
  /** The caller's wallet the transfer touches (the debited one when it touches two of theirs). */
  accountId: string;
  direction: 'debit' | 'credit';
  kind: 'single' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';
  amount: string;
  currency: string;
  description: string;
  createdAt: string;
  paymentId?: string;
}

/** A staff action on a wallet (freeze, unfreeze), audited with the actor and the reason. */
export interface StaffWalletAction {
  actorId: string;
  accountId: string;
  reason: string;
  ip?: string;
  requestId?: string;
}

export const KYC_STATUSES = ['none', 'pending', 'verified', 'rejected'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export const KYC_DOCUMENT_TYPES = ['passport', 'national_id', 'driving_licence', 'residence_permit'] as const;
export type KycDocumentType = (typeof KYC_DOCUMENT_TYPES)[number];

/** What a customer submits: identity data and references to documents stored elsewhere (never the files). */
export interface KycSubmissionData {
  fullName: string;
  dateOfBirth: string;
  nationality: string;
  document: {
    type: KycDocumentType;
    number: string;
    issuingCountry: string;
    expiresOn: string;
  };
  /** Opaque references to uploaded documents (object store keys), 1–10. */
  documentReferences: string[];
}

export interface SubmitKycRequest extends CallerContext {
  submission: KycSubmissionData;
}

export interface KycSubmissionView {
  id: string;
  status: Exclude<KycStatus, 'none'>;
  submittedAt: string;
  decidedAt: string | null;
  reason: string | null;
}

/** Limits in minor units of the wallet's currency (each currency is counted on its own). */
export interface TierLimits {
  maxBalance: string;
  maxSinglePayment: string;
  dailyOutgoing: string;
  monthlyOutgoing: string;
  payoutsAllowed: boolean;
}

export const KYC_TIERS = ['tier0', 'tier1'] as const;
export type KycTier = (typeof KYC_TIERS)[number];

export interface KycView {
  status: KycStatus;
  tier: KycTier;
  limits: TierLimits;
  submissions: KycSubmissionView[];
}

export interface KycDecisionRequest {
  actorId: string;
  submissionId: string;
  decision: 'approve' | 'reject';
  reason: string;
  ip?: string;
  requestId?: string;
}

export interface KycDecisionView {
  submissionId: string;
  customerId: string;
  status: 'verified' | 'rejected';
  decidedAt: string;
}

export const OUTGOING_KINDS = ['p2p', 'payout'] as const;
export type OutgoingKind = (typeof OUTGOING_KINDS)[number];

/**
 * The payment service reserves a customer's allowance before it moves money out of a wallet: checked against the
 * tier's single-payment, daily and monthly limits and reserved atomically (two payments racing for the last of an
 * allowance: exactly one gets it). Idempotent by `paymentId`: asking again answers the first outcome.
 */
export interface ReserveLimitRequest {
  paymentId: string;
  customerId: string;
  accountId: string;
  kind: OutgoingKind;
  amount: string;
  currency: string;
}

export interface LimitReservation {
  paymentId: string;
  status: 'reserved' | 'released';
  amount: string;
  currency: string;
  /** Outgoing totals of the UTC day and month after this reservation. */
  dailyUsed: string;
  monthlyUsed: string;
}

/** A failed payment gives its allowance back; releasing twice (or an unknown payment) is harmless. */
export interface ReleaseLimitRequest {
  paymentId: string;
}

/**
 * Before crediting a wallet (a p2p payment's destination, a top-up), the payment service asks whether it may: the
 * wallet exists and is not closed (a frozen wallet still receives), the currency is the wallet's, and the balance
 * after (posted plus incoming holds plus `amount`) stays within the tier's maximum balance; else `not_found`,
 * `account_closed`, `currency_mismatch` or `limit_exceeded`. A check, not a reservation.
 */
export interface IncomingCheckRequest {
  accountId: string;
  amount: string;
  currency: string;
}
export interface IncomingCheck {
  accountId: string;
  customerId: string;
  ledgerAccountId: string;
  status: WalletStatus;
  balanceAfter: string;
  maxBalance: string;
}

export interface LimitsRequest {
  customerId: string;
}
export interface LimitsView {
  tier: KycTier;
  limits: TierLimits;
}

/** Back office. `q`: an email or phone (exact, through blind indexes), a customer id, or words of a name. */
export interface CustomerSearchRequest {
  actorId: string;
  q: string;
  limit: number;
  ip?: string;
  requestId?: string;
}

export interface CustomerSummary {
  id: string;
  status: 'active' | 'erased';
  kycStatus: KycStatus;
  /** Masked (`A*** S***`, `a***@example.com`, `+33******78`): support sees no more than it needs. */
  fullName: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
}

export interface CustomerSearchResult {
  data: CustomerSummary[];
}

/** `full` for compliance (a permission the gateway checks), `masked` for support. */
export interface CustomerDetailRequest {
  actorId: string;
  customerId: string;
  view: 'masked' | 'full';
  ip?: string;
  requestId?: string;
}

export interface CustomerDetail extends CustomerSummary {
  view: 'masked' | 'full';
  address: PostalAddress | null;
  dateOfBirth: string | null;
  kycTier: KycTier;
  wallets: WalletView[];
  kycSubmissions: KycSubmissionView[];
}

/** `DELETE /v1/me` and `GET /v1/me/data-export`: the account service gathers and orchestrates (see privacy.ts). */
export interface ErasureReceipt {
  customerId: string;
  erasedAt: string;
}

type Empty = Record<string, never>;

export const accountRpc = {
  getProfile: defineRpc<CallerContext, ProfileView>('account', 'profile.get'),
  updateProfile: defineRpc<UpdateProfileRequest, ProfileView>('account', 'profile.update'),
  openWallet: defineRpc<OpenWalletRequest, WalletWithBalance>('account', 'wallets.open'),
  listWallets: defineRpc<CallerContext, WalletList>('account', 'wallets.list'),
  getWallet: defineRpc<WalletRequest, WalletWithBalance>('account', 'wallets.get'),
  statement: defineRpc<WalletStatementRequest, WalletStatement>('account', 'wallets.statement'),
  balanceAt: defineRpc<WalletBalanceAtRequest, WalletBalanceAt>('account', 'wallets.balance-at'),
  closeWallet: defineRpc<WalletRequest, WalletWithBalance>('account', 'wallets.close'),
  getTransaction: defineRpc<TransactionRequest, TransactionView>('account', 'transactions.get'),
  freezeWallet: defineRpc<StaffWalletAction, WalletWithBalance>('account', 'wallets.freeze'),
  unfreezeWallet: defineRpc<StaffWalletAction, WalletWithBalance>('account', 'wallets.unfreeze'),
  submitKyc: defineRpc<SubmitKycRequest, KycSubmissionView>('account', 'kyc.submit'),
  getKyc: defineRpc<CallerContext, KycView>('account', 'kyc.get'),
  decideKyc: defineRpc<KycDecisionRequest, KycDecisionView>('account', 'kyc.decide'),
  limits: defineRpc<LimitsRequest, LimitsView>('account', 'limits.get'),
  reserveLimit: defineRpc<ReserveLimitRequest, LimitReservation>('account', 'limits.reserve'),
  releaseLimit: defineRpc<ReleaseLimitRequest, Empty>('account', 'limits.release'),
  checkIncoming: defineRpc<IncomingCheckRequest, IncomingCheck>('account', 'limits.check-incoming'),
  searchCustomers: defineRpc<CustomerSearchRequest, CustomerSearchResult>('account', 'customers.search'),
  getCustomer: defineRpc<CustomerDetailRequest, CustomerDetail>('account', 'customers.get'),
  exportMyData: defineRpc<CallerContext, DataExport>('account', 'privacy.export-all'),
  eraseMe: defineRpc<CallerContext, ErasureReceipt>('account', 'privacy.erase-me'),
} as const;

/** Events carry ids and states, never personal data (they outlive an erasure in every consumer's inbox). */
export interface CustomerCreatedPayload {
  customerId: string;
  createdAt: string;
}
export interface KycSubmittedPayload {
  customerId: string;
  submissionId: string;
  submittedAt: string;
}
export interface KycDecidedPayload {
  customerId: string;
  submissionId: string;
  tier: KycTier;
  decidedBy: string;
  decidedAt: string;
}
export interface WalletEventPayload {
  customerId: string;
  accountId: string;
  ledgerAccountId: string;
  currency: string;
  status: WalletStatus;
  at: string;
  /** Freeze and unfreeze: the compliance user. */
  actorId?: string;
}
export interface CustomerErasedPayload {
  customerId: string;
  erasedAt: string;
}

export const accountEvents = {
  customerCreated: defineEvent<CustomerCreatedPayload>('account.customer.created.v1'),
  kycSubmitted: defineEvent<KycSubmittedPayload>('account.kyc.submitted.v1'),
  kycVerified: defineEvent<KycDecidedPayload>('account.kyc.verified.v1'),
  kycRejected: defineEvent<KycDecidedPayload>('account.kyc.rejected.v1'),
  accountOpened: defineEvent<WalletEventPayload>('account.account.opened.v1'),
  accountFrozen: defineEvent<WalletEventPayload>('account.account.frozen.v1'),
  accountUnfrozen: defineEvent<WalletEventPayload>('account.account.unfrozen.v1'),
  accountClosed: defineEvent<WalletEventPayload>('account.account.closed.v1'),
  /** The customer's data key is destroyed; every service erases or pseudonymises what it holds about them. */
  customerErased: defineEvent<CustomerErasedPayload>('account.customer.erased.v1'),
} as const;
