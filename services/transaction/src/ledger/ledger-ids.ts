import { createHash } from 'node:crypto';

/** The namespace of every id the ledger derives itself (RFC 9562 name-based, SHA-1: "UUID v5"). */
export const LEDGER_ID_NAMESPACE = '6f2c3a51-8a0e-4d4b-9b1e-3c6d2f7e9a10';

/** A UUID v5 of `name` in `namespace`: the same name always gives the same id (RFC 9562 section 5.5). */
export function uuidV5(name: string, namespace: string = LEDGER_ID_NAMESPACE): string {
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

/** The operator account of `type` in `currency` (created by migration; the same id in every environment). */
export function operatorAccountId(type: string, currency: string): string {
  return uuidV5(`operator:${type}:${currency}`);
}

/** A back-office transfer: the same actor with the same Idempotency-Key always names the same transfer. */
export function adminTransferId(actorId: string, idempotencyKey: string): string {
  return uuidV5(`admin-transfer:${actorId}:${idempotencyKey}`);
}

/** The expire_pending transfer of a pending transfer: a retry or a second replica names the same one. */
export function expiryTransferId(pendingId: string): string {
  return uuidV5(`expire:${pendingId}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuidText(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Lower case, as PostgreSQL prints a uuid: the only spelling the ledger accepts as an id. */
export function isCanonicalUuid(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL_UUID.test(value);
}
