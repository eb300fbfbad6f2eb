import { createHash } from 'node:crypto';

/** The namespace of every id the account service derives (RFC 9562 name-based, SHA-1: "UUID v5"). */
const ACCOUNT_ID_NAMESPACE = '3b0f7d1e-52c4-4f0a-a7a9-0c1d2e3f4a5b';

/** A UUID v5 of `name`: the same name always gives the same id. */
export function uuidV5(name: string, namespace: string = ACCOUNT_ID_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A wallet opened with an Idempotency-Key: the same customer and key always name the same wallet. */
export function walletIdFor(customerId: string, idempotencyKey: string): string {
  return uuidV5(`wallet:${customerId}:${idempotencyKey}`);
}

/** Fixed before the ledger is asked, so a retry or the recovery job can only ever name this one account. */
export function ledgerAccountIdFor(walletId: string): string {
  return uuidV5(`wallet-ledger-account:${walletId}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Lower-case canonical UUID text (anything else cannot name a row: answer it like an unknown id). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
