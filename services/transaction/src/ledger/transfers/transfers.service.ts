import { type AuditEntryInput, InvalidAuditEntryError, validateAuditEntry } from '@kasho/audit';
import {
  type AdminTransferRequest,
  type CreateTransfer,
  type CreateTransferBatchesRequest,
  type CreateTransferBatchesResponse,
  type CreateTransfersAnswer,
  type CreateTransfersRequest,
  type CreateTransfersResponse,
  type LookupTransfersRequest,
  type LookupTransfersResponse,
  MAX_TRANSFERS_PER_REQUEST,
  type Transfer,
  type TransferResult,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Injectable } from '@nestjs/common';
import { type TransferOutcome } from '../engine/engine.types';
import { adminTransferId, isCanonicalUuid } from '../ledger-ids';
import { transferOf } from '../ledger-mappers';
import { containsNul, invalid, isRecord, requireArray } from '../ledger-validation';
import { LedgerWriter } from '../write/ledger-writer';
import { TransfersRepository } from './transfers.repository';

/** The business code of a back-office adjustment. */
export const ADMIN_TRANSFER_CODE = 9;
const MAX_REASON_LENGTH = 500;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const DIGITS = /^(?:0|[1-9][0-9]*)$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Transfers: created through the LedgerWriter (group commit), looked up directly. The engine judges every
 * transfer (each gets its own result code); this service only refuses requests whose shape would hurt the batch
 * they would share.
 */
@Injectable()
export class TransfersService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly transfers: TransfersRepository,
  ) {}

  async create(request: CreateTransfersRequest, correlationId?: string): Promise<CreateTransfersResponse> {
    if (!isRecord(request)) throw invalid('', 'must be an object');
    const transfers = requireArray(request.transfers, '/transfers', MAX_TRANSFERS_PER_REQUEST);
    if (containsNul(transfers)) throw invalid('/transfers', 'text must not contain NUL characters');
    if (transfers.length === 0) return { results: [] };
    const outcomes = await this.writer.submit(
      { transfers: transfers as CreateTransfer[] },
      { correlationId },
    );
    return { results: outcomes.map(resultOf) };
  }

  /**
   * Independent requests sent together: each is submitted to the writer as if it came alone (its own boundaries,
   * correlation id and answer), so they share batches exactly as separate calls would. A request the writer or the
   * validation refuses answers its own error; the others are unaffected.
   */
  async createBatches(request: CreateTransferBatchesRequest): Promise<CreateTransferBatchesResponse> {
    if (!isRecord(request)) throw invalid('', 'must be an object');
    const requests = requireArray(request.requests, '/requests', MAX_TRANSFERS_PER_REQUEST);
    let total = 0;
    for (const [index, item] of requests.entries()) {
      if (!isRecord(item)) throw invalid(`/requests/${index}`, 'must be an object');
      total += Array.isArray(item.transfers) ? item.transfers.length : 0;
    }
    if (total > MAX_TRANSFERS_PER_REQUEST) {
      throw invalid('/requests', `must hold at most ${MAX_TRANSFERS_PER_REQUEST} transfers in all`);
    }
    const answers = await Promise.all(
      (requests as Array<CreateTransferBatchesRequest['requests'][number]>).map((item) => {
        const correlationId = typeof item.correlationId === 'string' ? item.correlationId : undefined;
        return this.create(item, correlationId).then(
          (response): CreateTransfersAnswer => response,
          (error: unknown): CreateTransfersAnswer => {
            if (error instanceof DomainError) return { error: error.toJSON() };
            throw error;
          },
        );
      }),
    );
    return { answers };
  }

  /** The transfers found, in the order asked; unknown ids are left out. */
  async lookup(request: LookupTransfersRequest): Promise<LookupTransfersResponse> {
    if (!isRecord(request)) throw invalid('', 'must be an object');
    const ids = requireArray(request.ids, '/ids', MAX_TRANSFERS_PER_REQUEST);
    const wanted = ids.filter(isCanonicalUuid);
    const found = new Map((await this.transfers.findByIds(wanted)).map((t) => [t.id, t]));
    const seen = new Set<string>();
    const answer: Transfer[] = [];
    for (const id of wanted) {
      const transfer = found.get(id);
      if (transfer && !seen.has(id)) answer.push(transferOf(transfer));
      seen.add(id);
    }
    return { transfers: answer };
  }

  /**
   * A staff member's adjustment: one `single` transfer whose id derives from the actor and the Idempotency-Key,
   * audited in the transaction that creates it. A retry answers the same transfer (and is not audited twice).
   */
  async adminCreate(request: AdminTransferRequest): Promise<Transfer> {
    const valid = validAdminTransfer(request);
    const id = adminTransferId(valid.actorId, valid.idempotencyKey);
    const audit: AuditEntryInput = {
      actorType: 'staff',
      actorId: valid.actorId,
      action: 'ledger.admin_transfer.created',
      subjectType: 'transfer',
      subjectId: id,
      outcome: 'success',
      ip: valid.ip ?? null,
      requestId: valid.requestId ?? null,
      details: {
        debitAccountId: valid.debitAccountId,
        creditAccountId: valid.creditAccountId,
        amount: valid.amount,
        currency: valid.currency,
        reason: valid.reason,
      },
    };
    try {
      // Checked here: an entry the audit log refuses would otherwise fail the whole batch at append time.
      validateAuditEntry(audit);
    } catch (error) {
      if (error instanceof InvalidAuditEntryError) throw invalid('', error.message);
      throw error;
    }
    const [outcome] = await this.writer.submit(
      {
        transfers: [
          {
            id,
            kind: 'single',
            debitAccountId: valid.debitAccountId,
            creditAccountId: valid.creditAccountId,
            amount: valid.amount,
            currency: valid.currency,
            code: ADMIN_TRANSFER_CODE,
            reference: `admin:${valid.idempotencyKey}`,
            description: valid.reason,
            metadata: { actorId: valid.actorId },
          },
        ],
      },
      { audit },
    );
    return adminAnswer(outcome);
  }
}

function resultOf(outcome: TransferOutcome): TransferResult {
  return {
    id: outcome.id,
    result: outcome.result,
    ...(outcome.field !== undefined ? { field: outcome.field } : {}),
    ...(outcome.transfer ? { transfer: transferOf(outcome.transfer) } : {}),
  };
}

/** created and exists answer the transfer; a refusal becomes the money error a client can act on. */
export function adminAnswer(outcome: TransferOutcome): Transfer {
  if ((outcome.result === 'created' || outcome.result === 'exists') && outcome.transfer) {
    return transferOf(outcome.transfer);
  }
  switch (outcome.result) {
    case 'exceeds_credits':
      return fail(ErrorCode.InsufficientFunds, 'The debit account does not hold enough funds');
    case 'currency_mismatch':
      return fail(ErrorCode.CurrencyMismatch, 'Both accounts must hold the transfer currency');
    case 'account_not_found':
      return fail(ErrorCode.NotFound, 'Ledger account not found');
    case 'account_closed':
      return fail(ErrorCode.AccountClosed, 'A ledger account of this transfer is closed');
    default:
      return fail(
        ErrorCode.TransferRejected,
        `The ledger refused the transfer: ${outcome.result}${outcome.field ? ` (${outcome.field})` : ''}`,
      );
  }
}

function fail(code: ErrorCode, detail: string): never {
  throw new DomainError(code, detail);
}

function validAdminTransfer(request: AdminTransferRequest): AdminTransferRequest {
  if (!isRecord(request)) throw invalid('', 'must be an object');
  const text = (name: keyof AdminTransferRequest, max: number): string => {
    const value = request[name];
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
      throw invalid(`/${name}`, `must be a non-empty string of at most ${max} characters`);
    }
    if (value.includes('\u0000')) throw invalid(`/${name}`, 'must not contain NUL characters');
    return value;
  };
  const actorId = text('actorId', 256);
  const idempotencyKey = text('idempotencyKey', MAX_IDEMPOTENCY_KEY_LENGTH);
  const reason = text('reason', MAX_REASON_LENGTH).trim();
  for (const name of ['debitAccountId', 'creditAccountId'] as const) {
    if (!isCanonicalUuid(request[name])) throw invalid(`/${name}`, 'must be a ledger account id');
  }
  if (typeof request.amount !== 'string' || !DIGITS.test(request.amount) || request.amount === '0') {
    throw new DomainError(ErrorCode.InvalidAmount, 'amount must be a positive integer of minor units', {
      errors: [{ pointer: '/amount', detail: 'must be a string of digits, above zero' }],
    });
  }
  if (typeof request.currency !== 'string' || !CURRENCY.test(request.currency)) {
    throw new DomainError(ErrorCode.InvalidCurrency, 'currency must be an ISO 4217 code', {
      errors: [{ pointer: '/currency', detail: 'must be three capital letters' }],
    });
  }
  return { ...request, actorId, idempotencyKey, reason };
}
