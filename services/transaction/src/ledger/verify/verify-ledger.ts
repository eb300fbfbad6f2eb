import { type DataSource } from 'typeorm';
import { batchDigest, LEDGER_GENESIS_HASH, linkHash } from '../ledger-hash';
import { storedTransferOf, TRANSFER_COLUMNS, type TransferRow } from '../ledger-mappers';

/**
 * Why a link is broken: `sequence-gap` (a link is missing, or the first is not 1), `prev-hash-mismatch` (it does
 * not point at the link before), `hash-mismatch` (its own fields no longer give its hash), `digest-mismatch` (its
 * transfers were altered, added or removed: the digest over them differs), `count-mismatch` (the number of its
 * transfers differs from the one it recorded).
 */
export type LedgerChainBreak =
  'sequence-gap' | 'prev-hash-mismatch' | 'hash-mismatch' | 'digest-mismatch' | 'count-mismatch';

export interface CurrencyTotals {
  currency: string;
  debitsPosted: string;
  creditsPosted: string;
  debitsPending: string;
  creditsPending: string;
  balanced: boolean;
}

export interface LedgerVerification {
  chain:
    | { ok: true; links: number; transfers: number; head?: { sequence: string; hash: string } }
    | {
        ok: false;
        brokenAt: string;
        reason: LedgerChainBreak;
        message: string;
        /** Intact links before the broken one. */
        links: number;
      };
  /** Per currency, the sums over every account: debits equal credits, posted and pending. */
  currencies: CurrencyTotals[];
  balanced: boolean;
  /**
   * Transfers naming an account or a chain link that does not exist (accounts are never deleted, links never
   * change, and a link is written with its transfers: always 0 when intact). The chain walk covers only the
   * transfers of existing links; this covers the rest.
   */
  orphanTransfers: number;
}

interface LinkRow {
  sequence: string;
  created_at: Date;
  transfer_count: number;
  digest: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

interface BatchedTransferRow extends TransferRow {
  batch_sequence: string;
}

const LINKS =
  'SELECT "sequence", "created_at", "transfer_count", "digest", "prev_hash", "hash" FROM "ledger_batches" ' +
  'WHERE "sequence" > $1 ORDER BY "sequence" LIMIT $2';
const TRANSFERS_OF_LINKS =
  `SELECT ${TRANSFER_COLUMNS}, "batch_sequence" FROM "transfers" WHERE "batch_sequence" BETWEEN $1 AND $2 ` +
  'ORDER BY "batch_sequence", "batch_index"';
const TOTALS =
  'SELECT "currency", sum("debits_posted")::text AS "debits_posted", sum("credits_posted")::text AS ' +
  '"credits_posted", sum("debits_pending")::text AS "debits_pending", sum("credits_pending")::text AS ' +
  '"credits_pending" FROM "ledger_accounts" GROUP BY "currency" ORDER BY "currency"';

const ORPHAN_TRANSFERS =
  'SELECT count(*)::int AS "orphans" FROM "transfers" t WHERE NOT EXISTS ' +
  '(SELECT 1 FROM "ledger_accounts" a WHERE a."id" = t."debit_account_id") OR NOT EXISTS ' +
  '(SELECT 1 FROM "ledger_accounts" a WHERE a."id" = t."credit_account_id") OR NOT EXISTS ' +
  '(SELECT 1 FROM "ledger_batches" b WHERE b."sequence" = t."batch_sequence")';

/**
 * Walks the ledger's hash chain from the first link, recomputing each link's digest from its transfers (in batch
 * order) and its hash from its fields and the previous hash; answers the first broken link. Then checks that every
 * currency sums to zero and that every transfer's accounts and link exist. Reads in pages of `batchSize` links; safe to run while the ledger writes (a link is
 * visible only with its transfers: both commit together).
 */
export async function verifyLedger(dataSource: DataSource, batchSize = 200): Promise<LedgerVerification> {
  const chain = await verifyChain(dataSource, batchSize);
  const rows = await dataSource.query<
    Array<{
      currency: string;
      debits_posted: string;
      credits_posted: string;
      debits_pending: string;
      credits_pending: string;
    }>
  >(TOTALS);
  const currencies = rows.map((row) => ({
    currency: row.currency,
    debitsPosted: row.debits_posted,
    creditsPosted: row.credits_posted,
    debitsPending: row.debits_pending,
    creditsPending: row.credits_pending,
    balanced: row.debits_posted === row.credits_posted && row.debits_pending === row.credits_pending,
  }));
  const [{ orphans }] = await dataSource.query<Array<{ orphans: number }>>(ORPHAN_TRANSFERS);
  return { chain, currencies, balanced: currencies.every((c) => c.balanced), orphanTransfers: orphans };
}

async function verifyChain(dataSource: DataSource, batchSize: number): Promise<LedgerVerification['chain']> {
  let expected = 1n;
  let prevHash: Buffer = LEDGER_GENESIS_HASH;
  let links = 0;
  let transfers = 0;
  let after = '0';
  for (;;) {
    const page = await dataSource.query<LinkRow[]>(LINKS, [after, batchSize]);
    if (page.length === 0) break;
    const rows = await dataSource.query<BatchedTransferRow[]>(TRANSFERS_OF_LINKS, [
      page[0].sequence,
      page[page.length - 1].sequence,
    ]);
    const byLink = new Map<string, BatchedTransferRow[]>();
    for (const row of rows) {
      const list = byLink.get(row.batch_sequence) ?? [];
      list.push(row);
      byLink.set(row.batch_sequence, list);
    }
    for (const link of page) {
      const broken = (reason: LedgerChainBreak, message: string) => ({
        ok: false as const,
        brokenAt: link.sequence,
        reason,
        message,
        links,
      });
      if (BigInt(link.sequence) !== expected) {
        return broken('sequence-gap', `expected link ${expected}, found ${link.sequence}`);
      }
      if (!link.prev_hash.equals(prevHash)) {
        return broken('prev-hash-mismatch', 'the link does not point at the hash of the link before it');
      }
      const own = byLink.get(link.sequence) ?? [];
      if (own.length !== link.transfer_count) {
        return broken(
          'count-mismatch',
          `the link recorded ${link.transfer_count} transfers, ${own.length} are stored`,
        );
      }
      if (!batchDigest(own.map(storedTransferOf)).equals(link.digest)) {
        return broken('digest-mismatch', 'the stored transfers of this link differ from what it recorded');
      }
      const hash = linkHash({
        sequence: link.sequence,
        createdAt: link.created_at,
        digest: link.digest,
        prevHash: link.prev_hash,
      });
      if (!hash.equals(link.hash)) {
        return broken('hash-mismatch', "the link's fields no longer give its hash");
      }
      prevHash = link.hash;
      expected += 1n;
      links += 1;
      transfers += own.length;
    }
    after = page[page.length - 1].sequence;
  }
  return {
    ok: true,
    links,
    transfers,
    ...(links > 0 ? { head: { sequence: (expected - 1n).toString(), hash: prevHash.toString('hex') } } : {}),
  };
}
