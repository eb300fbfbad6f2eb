import { Messaging, type OutboxEvent, type OutboxExpander, type OutboxQuery } from '@kasho/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { storedTransferOf, TRANSFER_COLUMNS, type TransferRow } from '../ledger-mappers';
import {
  type AccountBalances,
  LEDGER_BATCH_EVENTS,
  type LedgerBatchReference,
  transferEvent,
} from './ledger-events';

const BALANCE_COLUMNS = ['debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'] as const;

/**
 * The batches the references name (through their first transfer), each transfer in batch order with both
 * accounts' history rows: a batch's history rows carry the batch's time, which is its transfers' `created_at`, so
 * the (account, created_at) index finds them.
 */
const READ_BATCHES =
  'SELECT r."id" AS "named_by", ' +
  TRANSFER_COLUMNS.split(', ')
    .map((column) => `t.${column}${column === '"amount"' ? '::text' : ''}`)
    .join(', ') +
  ', ' +
  ['d', 'c']
    .flatMap((alias) => BALANCE_COLUMNS.map((column) => `${alias}."${column}"::text AS "${alias}_${column}"`))
    .join(', ') +
  ' FROM "transfers" r JOIN "transfers" t ON t."batch_sequence" = r."batch_sequence" ' +
  'LEFT JOIN "balance_history" d ON d."account_id" = t."debit_account_id" AND d."created_at" = t."created_at" ' +
  'AND d."transfer_id" = t."id" ' +
  'LEFT JOIN "balance_history" c ON c."account_id" = t."credit_account_id" AND c."created_at" = t."created_at" ' +
  'AND c."transfer_id" = t."id" ' +
  'WHERE r."id" = ANY($1::uuid[]) ORDER BY t."batch_sequence", t."batch_index"';

/** A transfer of a batch, `named_by` the reference's transfer, with both accounts' balances after it. */
type BatchRow = TransferRow & { named_by: string } & Record<
    `${'d' | 'c'}_${(typeof BALANCE_COLUMNS)[number]}`,
    string | null
  >;

/**
 * Reads a batch's events back from its committed transfers and balance history, for the outbox relay: the
 * fallback when the publication right after the commit did not happen (a crash, the broker away). Registered with
 * the service's Messaging under LEDGER_BATCH_EVENTS.
 */
@Injectable()
export class LedgerEventExpander implements OutboxExpander, OnModuleInit {
  constructor(private readonly messaging: Messaging) {}

  onModuleInit(): void {
    this.messaging.useOutboxExpander(LEDGER_BATCH_EVENTS, this);
  }

  /** A reference whose batch or history rows are missing answers undefined: the relay keeps it, marked failed. */
  async expand(
    references: readonly unknown[],
    query: OutboxQuery,
  ): Promise<Array<OutboxEvent[] | undefined>> {
    const parsed = references.map(parseReference);
    const ids = parsed.flatMap((reference) => (reference ? [reference.transfer] : []));
    const rows = ids.length === 0 ? [] : ((await query(READ_BATCHES, [ids])) as unknown as BatchRow[]);
    const byReference = new Map<string, BatchRow[]>();
    for (const row of rows) {
      const batch = byReference.get(row.named_by);
      if (batch) batch.push(row);
      else byReference.set(row.named_by, [row]);
    }
    return parsed.map((reference) => {
      const batch = reference && byReference.get(reference.transfer);
      return reference && batch ? eventsOf(batch, reference.correlationIds) : undefined;
    });
  }
}

function eventsOf(rows: readonly BatchRow[], correlationIds: readonly string[]): OutboxEvent[] | undefined {
  if (rows.length !== correlationIds.length) return undefined;
  const events: OutboxEvent[] = [];
  for (const [index, row] of rows.entries()) {
    const debit = balances(row, 'd', row.debit_account_id);
    const credit = balances(row, 'c', row.credit_account_id);
    if (!debit || !credit) return undefined;
    events.push(transferEvent(storedTransferOf(row), debit, credit, correlationIds[index]));
  }
  return events;
}

function balances(row: BatchRow, alias: 'd' | 'c', accountId: string): AccountBalances | undefined {
  const [debitsPending, debitsPosted, creditsPending, creditsPosted] = BALANCE_COLUMNS.map(
    (column) => row[`${alias}_${column}`],
  );
  if (debitsPending === null || debitsPosted === null || creditsPending === null || creditsPosted === null)
    return undefined;
  return { id: accountId, debitsPending, debitsPosted, creditsPending, creditsPosted };
}

function parseReference(value: unknown): LedgerBatchReference | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { transfer, correlationIds } = value as Partial<LedgerBatchReference>;
  if (typeof transfer !== 'string' || !Array.isArray(correlationIds)) return undefined;
  if (!correlationIds.every((id) => typeof id === 'string')) return undefined;
  return { transfer, correlationIds };
}
