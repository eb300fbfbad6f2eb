import { AuditLog } from '@kasho/audit';
import {
  accountEvents,
  type Balance,
  type CallerContext,
  type EventContract,
  type OpenWalletRequest,
  type StaffWalletAction,
  type TransactionRequest,
  type TransactionView,
  type WalletBalance,
  type WalletBalanceAt,
  type WalletBalanceAtRequest,
  type WalletEventPayload,
  type WalletList,
  type WalletRequest,
  type WalletStatement,
  type WalletStatementLine,
  type WalletStatementRequest,
  type WalletView,
  type WalletWithBalance,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox, uuidv7 } from '@kasho/messaging';
import { parseCurrency, parseSupportedCurrencies } from '@kasho/money';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';
import { isUuid, ledgerAccountIdFor, uuidV5, walletIdFor } from '../core/ids';
import { CustomersService, requireUserId } from '../customers/customers.service';
import { validText } from '../customers/profile-validation';
import { BalanceCache } from './balance-cache';
import { LedgerClient } from './ledger.client';
import { type WalletEntity } from './wallet.entity';
import { WalletsRepository } from './wallets.repository';

const notFound = () => new DomainError(ErrorCode.NotFound, 'No such account.');
const RECOVERY_BATCH = 50;
const PAYMENT_REFERENCE = /^payment:([0-9a-f-]{36})$/;

/**
 * Wallets: opened against the ledger idempotently (the wallet row first, in `opening`, with its ledger account id
 * fixed in advance; then the ledger, idempotent on that id; then `active`), read with balances from the ledger
 * through the cache, closed at zero balance only, frozen and unfrozen by compliance. Ownership is checked on every
 * read: another customer's wallet answers 404 exactly like an unknown id.
 */
@Injectable()
export class WalletsService {
  private readonly logger = new Logger(WalletsService.name);
  private readonly supportedCurrencies: readonly string[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly wallets: WalletsRepository,
    private readonly customers: CustomersService,
    private readonly ledger: LedgerClient,
    private readonly cache: BalanceCache,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
  ) {
    this.supportedCurrencies = parseSupportedCurrencies(config.SUPPORTED_CURRENCIES);
  }

  async open(request: OpenWalletRequest): Promise<WalletWithBalance> {
    const customerId = requireUserId(request);
    const currency = parseCurrency(request.currency, { supported: this.supportedCurrencies });
    let nickname: string | null = null;
    if (request.nickname !== undefined && request.nickname !== null) {
      nickname = validText(request.nickname, 64) ?? null;
      if (nickname === null)
        throw new DomainError(ErrorCode.ValidationFailed, 'The nickname is not valid.', {
          errors: [{ pointer: '/nickname', detail: '1 to 64 characters.' }],
        });
    }
    const id =
      typeof request.idempotencyKey === 'string' && request.idempotencyKey.length > 0
        ? walletIdFor(customerId, request.idempotencyKey)
        : uuidv7();
    const now = new Date();
    const wallet = await withTransaction(this.dataSource, async (manager) => {
      const customer = await this.customers.ensure(manager, customerId, now);
      if (customer.status === 'erased')
        throw new DomainError(ErrorCode.Forbidden, 'This customer is erased.');
      return this.wallets.insertOpening(manager, {
        id,
        customerId,
        currency,
        nickname,
        ledgerAccountId: ledgerAccountIdFor(id),
        now,
      });
    });
    if (wallet.customerId !== customerId || wallet.currency !== currency || wallet.nickname !== nickname) {
      throw new DomainError(
        ErrorCode.IdempotencyKeyReused,
        'This Idempotency-Key was used to open a different account.',
      );
    }
    const opened = wallet.status === 'opening' ? await this.finishOpening(wallet) : wallet;
    return this.withBalance(opened);
  }

  async list(caller: CallerContext): Promise<WalletList> {
    const customerId = requireUserId(caller);
    const rows = await this.wallets.listOwned(this.dataSource.manager, customerId);
    return { data: await Promise.all(rows.map((row) => this.withBalance(row))) };
  }

  async get(request: WalletRequest): Promise<WalletWithBalance> {
    return this.withBalance(await this.owned(request));
  }

  async statement(request: WalletStatementRequest): Promise<WalletStatement> {
    const wallet = await this.owned(request);
    const statement = await this.ledger.statement({
      accountId: wallet.ledgerAccountId,
      limit: request.limit,
      ...(request.cursor ? { cursor: request.cursor } : {}),
    });
    const data: WalletStatementLine[] = [];
    for (const line of statement.data) {
      // Held funds show in balance.pending, not as lines: only changes of the posted balance are lines.
      if (line.kind !== 'single' && line.kind !== 'post_pending') continue;
      const amount = BigInt(line.amount);
      const payment = PAYMENT_REFERENCE.exec(line.reference);
      data.push({
        id: uuidV5(`statement-line:${wallet.ledgerAccountId}:${line.transferId}`),
        transferId: line.transferId,
        occurredAt: line.at,
        direction: amount < 0n ? 'debit' : 'credit',
        amount: (amount < 0n ? -amount : amount).toString(),
        balanceAfter: line.balanceAfter,
        description: line.description,
        ...(payment ? { paymentId: payment[1] } : {}),
      });
    }
    return { data, nextCursor: statement.nextCursor };
  }

  /** A transfer that touches one of the caller's wallets; any other id (or someone else's) answers 404 alike. */
  async transaction(request: TransactionRequest): Promise<TransactionView> {
    const customerId = requireUserId(request);
    const notFoundTransfer = () => new DomainError(ErrorCode.NotFound, 'No such transaction.');
    if (!isUuid(request.transferId)) throw notFoundTransfer();
    const transfer = await this.ledger.transfer(request.transferId);
    if (!transfer) throw notFoundTransfer();
    const owned = await this.wallets.listOwned(this.dataSource.manager, customerId);
    const debited = owned.find((wallet) => wallet.ledgerAccountId === transfer.debitAccountId);
    const credited = owned.find((wallet) => wallet.ledgerAccountId === transfer.creditAccountId);
    const wallet = debited ?? credited;
    if (!wallet) throw notFoundTransfer();
    const payment = PAYMENT_REFERENCE.exec(transfer.reference);
    return {
      id: transfer.id,
      accountId: wallet.id,
      direction: debited ? 'debit' : 'credit',
      kind: transfer.kind,
      amount: transfer.amount,
      currency: transfer.currency,
      description: transfer.description,
      createdAt: transfer.createdAt,
      ...(payment ? { paymentId: payment[1] } : {}),
    };
  }

  async balanceAt(request: WalletBalanceAtRequest): Promise<WalletBalanceAt> {
    const wallet = await this.owned(request);
    const balance = await this.ledger.balance(wallet.ledgerAccountId, request.at);
    return { accountId: wallet.id, currency: wallet.currency, at: balance.asOf, posted: balance.posted };
  }

  /**
   * Only an active wallet at zero (nothing posted, nothing held either way) closes; else 422 `account_not_empty`.
   * The ledger closes its account first, checking emptiness in the same statement, so money arriving meanwhile
   * either lands before (and the close is refused) or is refused by the ledger (`account_closed`).
   */
  async close(request: WalletRequest): Promise<WalletWithBalance> {
    const customerId = requireUserId(request);
    const accountId = this.accountId(request);
    const closed = await withTransaction(this.dataSource, async (manager) => {
      const wallet = await this.wallets.lock(manager, accountId, customerId);
      if (!wallet || wallet.status === 'opening') throw notFound();
      if (wallet.status === 'closed') return wallet;
      if (wallet.status === 'frozen')
        throw new DomainError(ErrorCode.AccountFrozen, 'A frozen account cannot be closed.');
      return this.closeLocked(manager, wallet, ErrorCode.AccountNotEmpty);
    });
    return this.withBalance(closed);
  }

  /**
   * Erasure: every wallet of the customer closed (frozen and opening ones too), each in its own transaction after
   * the ledger closed its account; the first one holding money stops it with `balance_not_zero` (the empty ones
   * before it stay closed, as the customer asked).
   */
  async closeAllForErasure(customerId: string): Promise<number> {
    let closed = 0;
    for (const { id } of await this.wallets.listAll(this.dataSource.manager, customerId)) {
      await withTransaction(this.dataSource, async (manager) => {
        const wallet = await this.wallets.lock(manager, id, customerId);
        if (!wallet || wallet.status === 'closed') return;
        await this.closeLocked(manager, wallet, ErrorCode.BalanceNotZero);
        closed += 1;
      });
    }
    return closed;
  }

  private async closeLocked(
    manager: EntityManager,
    wallet: WalletEntity,
    whenNotEmpty: ErrorCode.AccountNotEmpty | ErrorCode.BalanceNotZero,
  ): Promise<WalletEntity> {
    const outcome = await this.ledger.closeIfEmpty(wallet.ledgerAccountId);
    if (outcome === 'not_empty')
      throw new DomainError(
        whenNotEmpty,
        whenNotEmpty === ErrorCode.AccountNotEmpty
          ? 'The account holds money (or has money on hold); move it out before closing the account.'
          : 'Your accounts still hold money (or money on hold); pay it out before asking for erasure.',
      );
    // `account_not_found`: a wallet still opening whose ledger account was never made; nothing can be in it.
    if (outcome === 'account_not_found' && wallet.status !== 'opening')
      throw new DomainError(ErrorCode.InternalError, 'The ledger does not know this account.');
    const now = new Date();
    const updated = await this.wallets.setStatus(
      manager,
      wallet.id,
      ['opening', 'active', 'frozen'],
      'closed',
      now,
    );
    if (!updated) throw notFound();
    if (wallet.status !== 'opening') await this.publish(manager, accountEvents.accountClosed, updated, now);
    await this.cache.invalidate([wallet.ledgerAccountId]);
    return updated;
  }

  freeze(action: StaffWalletAction): Promise<WalletWithBalance> {
    return this.staffAction(action, 'freeze');
  }

  unfreeze(action: StaffWalletAction): Promise<WalletWithBalance> {
    return this.staffAction(action, 'unfreeze');
  }

  /**
   * Finishes wallets a crash left in `opening` (the ledger call, then `active`). Each is locked with SKIP LOCKED
   * while its ledger call runs, so two replicas never work on one; the ledger call is idempotent on the fixed id.
   */
  async recoverOpening(now = new Date()): Promise<number> {
    const olderThan = new Date(now.getTime() - this.config.ACCOUNT_WALLET_RECOVERY_AFTER_MS);
    let finished = 0;
    await withTransaction(this.dataSource, async (manager) => {
      const stale = await this.wallets.lockStaleOpening(manager, olderThan, RECOVERY_BATCH);
      for (const wallet of stale) {
        await this.ledger.createWalletAccount(ledgerAccountOf(wallet));
        if (await this.activate(manager, wallet, new Date())) finished += 1;
      }
    });
    if (finished > 0) this.logger.log(`finished ${finished} wallet(s) left opening`);
    return finished;
  }

  private async staffAction(
    action: StaffWalletAction,
    kind: 'freeze' | 'unfreeze',
  ): Promise<WalletWithBalance> {
    const accountId = this.accountId(action);
    const actorId = action.actorId;
    if (!isUuid(actorId)) throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
    const reason = validText(action.reason, 500);
    if (!reason)
      throw new DomainError(ErrorCode.ValidationFailed, 'A reason is required.', {
        errors: [{ pointer: '/reason', detail: '1 to 500 characters.' }],
      });
    const now = new Date();
    const result = await withTransaction(this.dataSource, async (manager) => {
      const wallet = await this.wallets.lock(manager, accountId);
      if (!wallet || wallet.status === 'opening') throw notFound();
      const [from, to] =
        kind === 'freeze' ? (['active', 'frozen'] as const) : (['frozen', 'active'] as const);
      if (wallet.status === to) return wallet;
      if (wallet.status !== from)
        throw new DomainError(
          ErrorCode.Conflict,
          `A ${wallet.status} account cannot be ${kind === 'freeze' ? 'frozen' : 'unfrozen'}.`,
        );
      const updated = await this.wallets.setStatus(manager, wallet.id, [from], to, now);
      if (!updated) throw notFound();
      await this.publish(
        manager,
        kind === 'freeze' ? accountEvents.accountFrozen : accountEvents.accountUnfrozen,
        updated,
        now,
        actorId,
      );
      await this.audit.append(manager, {
        actorType: 'staff',
        actorId,
        action: kind === 'freeze' ? 'account.wallet.frozen' : 'account.wallet.unfrozen',
        subjectType: 'wallet',
        subjectId: wallet.id,
        outcome: 'success',
        ip: action.ip ?? null,
        requestId: action.requestId ?? null,
        details: { customerId: wallet.customerId, reason },
        occurredAt: now,
      });
      return updated;
    });
    return this.withBalance(result);
  }

  private async finishOpening(wallet: WalletEntity): Promise<WalletEntity> {
    await this.ledger.createWalletAccount(ledgerAccountOf(wallet));
    return withTransaction(this.dataSource, async (manager) => {
      await this.activate(manager, wallet, new Date());
      const row = await this.wallets.lock(manager, wallet.id);
      if (!row) throw notFound();
      return row;
    });
  }

  /** opening → active and `account.opened`, once (the status guard makes a second caller a no-op). */
  private async activate(manager: EntityManager, wallet: WalletEntity, now: Date): Promise<boolean> {
    const updated = await this.wallets.setStatus(manager, wallet.id, ['opening'], 'active', now);
    if (!updated) return false;
    await this.publish(manager, accountEvents.accountOpened, updated, now);
    return true;
  }

  private async publish(
    manager: EntityManager,
    event: EventContract<WalletEventPayload>,
    wallet: WalletEntity,
    now: Date,
    actorId?: string,
  ): Promise<void> {
    await this.outbox.enqueue(manager, event, {
      customerId: wallet.customerId,
      accountId: wallet.id,
      ledgerAccountId: wallet.ledgerAccountId,
      currency: wallet.currency,
      status: publicStatus(wallet.status),
      at: now.toISOString(),
      ...(actorId ? { actorId } : {}),
    });
  }

  private async owned(request: WalletRequest): Promise<WalletEntity> {
    const customerId = requireUserId(request);
    const wallet = await this.wallets.findOwned(this.dataSource.manager, customerId, this.accountId(request));
    if (!wallet) throw notFound();
    return wallet;
  }

  private accountId(request: { accountId?: unknown }): string {
    if (!isUuid(request.accountId)) throw notFound();
    return request.accountId;
  }

  private async withBalance(wallet: WalletEntity): Promise<WalletWithBalance> {
    const balance = await this.cache.read(wallet.ledgerAccountId, async () =>
      toWalletBalance(await this.ledger.balance(wallet.ledgerAccountId)),
    );
    return { ...toView(wallet), balance };
  }
}

function ledgerAccountOf(wallet: WalletEntity) {
  return {
    ledgerAccountId: wallet.ledgerAccountId,
    walletId: wallet.id,
    customerId: wallet.customerId,
    currency: wallet.currency,
  };
}

function publicStatus(status: WalletEntity['status']): WalletView['status'] {
  return status === 'opening' ? 'active' : status;
}

export function toView(wallet: WalletEntity): WalletView {
  return {
    id: wallet.id,
    currency: wallet.currency,
    status: publicStatus(wallet.status),
    nickname: wallet.nickname,
    ledgerAccountId: wallet.ledgerAccountId,
    createdAt: wallet.createdAt.toISOString(),
  };
}

/** `pending`: what is on hold for outgoing payments (the ledger's pending debits). */
export function toWalletBalance(balance: Balance): WalletBalance {
  return { available: balance.available, posted: balance.posted, pending: balance.debitsPending };
}
