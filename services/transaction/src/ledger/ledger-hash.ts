import { createHash } from 'node:crypto';

/** The fields of a transfer the chain covers: everything stored except its place in the chain. */
export interface HashedTransfer {
  id: string;
  kind: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint | string;
  currency: string;
  code: number;
  pendingId: string | null;
  timeoutAt: Date | null;
  reference: string;
  description: string;
  metadata: Record<string, string>;
  createdAt: Date;
}

export interface HashedLink {
  sequence: bigint | string;
  createdAt: Date;
  digest: Buffer;
  prevHash: Buffer;
}

/** Bumped (and verification taught the old one) if the canonical form ever changes. */
export const LEDGER_HASH_VERSION = 1;
/** The previous hash of the first link. */
export const LEDGER_GENESIS_HASH = Buffer.alloc(32);

/**
 * One transfer as one line: a JSON array in a fixed field order, ids lower case, amounts as decimal strings,
 * times as ISO 8601 to the millisecond (what the database stores for the Dates the writer gives it), metadata
 * with its keys sorted (jsonb does not keep the order).
 */
export function canonicalTransfer(transfer: HashedTransfer): string {
  const metadata = Object.keys(transfer.metadata)
    .sort()
    .map((key) => [key, transfer.metadata[key]]);
  return JSON.stringify([
    LEDGER_HASH_VERSION,
    transfer.id.toLowerCase(),
    transfer.kind,
    transfer.debitAccountId.toLowerCase(),
    transfer.creditAccountId.toLowerCase(),
    transfer.amount.toString(),
    transfer.currency,
    transfer.code,
    transfer.pendingId?.toLowerCase() ?? null,
    transfer.timeoutAt?.toISOString() ?? null,
    transfer.reference,
    transfer.description,
    metadata,
    transfer.createdAt.toISOString(),
  ]);
}

/** SHA-256 over the batch's transfers in batch order, one canonical line each. */
export function batchDigest(transfers: readonly HashedTransfer[]): Buffer {
  const hash = createHash('sha256');
  for (const transfer of transfers) hash.update(canonicalTransfer(transfer)).update('\n');
  return hash.digest();
}

/** SHA-256 of the link: its sequence, time, digest and the previous link's hash. */
export function linkHash(link: HashedLink): Buffer {
  return createHash('sha256')
    .update(
      JSON.stringify([
        LEDGER_HASH_VERSION,
        link.sequence.toString(),
        link.createdAt.toISOString(),
        link.digest.toString('hex'),
        link.prevHash.toString('hex'),
      ]),
    )
    .digest();
}
