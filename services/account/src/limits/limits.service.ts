import {
  type IncomingCheck,
  type IncomingCheckRequest,
  type LimitReservation,
  type LimitsRequest,
  type LimitsView,
  OUTGOING_KINDS,
  type ReleaseLimitRequest,
  type ReserveLimitRequest,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { isIsoCurrency, parseAmount } from '@kasho/money';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';
import { isUuid } from '../core/ids';
import { CustomersRepository } from '../customers/customers.repository';
import { limitsOf, tierOf } from '../kyc/tiers';
import { LedgerClient } from '../wallets/ledger.client';
import { WalletsRepository } from '../wallets/wallets.repository';
import { type LimitReservationEntity } from './limit-reservation.entity';
import { LimitsRepository } from './limits.repository';

function invalid(pointer: string, detail: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'The reservation is not valid.', {
    errors: [{ pointer, detail }],
  });
}

const limitExceeded = (detail: string) => new DomainError(ErrorCode.LimitExceeded, detail);

/**
 * The outgoing allowance of a customer (for the payment service): a reservation is checked against the tier's
 * single-payment, daily and monthly limits and written in one transaction that holds the customer's row lock, so
 * reservations of one customer are decided one at a time and two racing for the last of an allowance cannot both
 * get it; customers do not wait for each other. Days and months are UTC. Idempotent by payment id; a refused
 * reservation writes nothing (asking again decides again).
 */
@Injectable()
export class LimitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reservations: LimitsRepository,
    private readonly customers: CustomersRepository,
    private readonly wallets: WalletsRepository,
    private readonly ledger: LedgerClient,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
  ) {}

  async limits(request: LimitsRequest): Promise<LimitsView> {
    if (!isUuid(request.customerId)) throw new DomainError(ErrorCode.NotFound, 'No such customer.');
    const customer = await this.customers.find(this.dataSource.manager, request.customerId);
    const tier = tierOf(customer?.kycStatus ?? 'none');
    return { tier, limits: limitsOf(tier, this.config) };
  }

  async reserve(request: ReserveLimitRequest): Promise<LimitReservation> {
    if (!isUuid(request.paymentId)) throw invalid('/paymentId', 'A lower-case UUID.');
    if (!isUuid(request.customerId)) throw invalid('/customerId', 'A lower-case UUID.');
    if (!isUuid(request.accountId)) throw invalid('/accountId', 'A lower-case UUID.');
    if (!(OUTGOING_KINDS as readonly string[]).includes(request.kind))
      throw invalid('/kind', `One of ${OUTGOING_KINDS.join(', ')}.`);
    const amount = BigInt(parseAmount(request.amount));
    if (!isIsoCurrency(request.currency))
      throw new DomainError(ErrorCode.InvalidCurrency, 'Not an ISO 4217 currency.');
    const now = new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return withTransaction(this.dataSource, async (manager) => {
      const customer = await this.customers.lock(manager, request.customerId);
      if (!customer || customer.status === 'erased')
        throw new DomainError(ErrorCode.NotFound, 'No such customer.');
      const usage = async () => ({
        daily: await this.reservations.reservedSince(manager, customer.id, request.currency, dayStart),
        monthly: await this.reservations.reservedSince(manager, customer.id, request.currency, monthStart),
      });
      const existing = await this.reservations.find(manager, request.paymentId);
      if (existing) {
        if (!sameReservation(existing, request, amount))
          throw new DomainError(ErrorCode.Conflict, 'This payment id has a reservation with other fields.');
        return toReservation(existing, await usage());
      }
      const wallet = await this.wallets.lock(manager, request.accountId, customer.id);
      if (!wallet || wallet.status === 'opening')
        throw new DomainError(ErrorCode.NotFound, 'No such account.');
      if (wallet.status === 'frozen')
        throw new DomainError(ErrorCode.AccountFrozen, 'The account is frozen.');
      if (wallet.status === 'closed')
        throw new DomainError(ErrorCode.AccountClosed, 'The account is closed.');
      if (wallet.currency !== request.currency)
        throw new DomainError(ErrorCode.CurrencyMismatch, 'The currency is not the account’s.');
      const limits = limitsOf(tierOf(customer.kycStatus), this.config);
      if (request.kind === 'payout' && !limits.payoutsAllowed)
        throw limitExceeded('Payouts need a verified identity (KYC).');
      if (amount > BigInt(limits.maxSinglePayment))
        throw limitExceeded('The amount is above the single-payment limit.');
      const used = await usage();
      if (used.daily + amount > BigInt(limits.dailyOutgoing))
        throw limitExceeded('The amount is above what remains of the daily limit.');
      if (used.monthly + amount > BigInt(limits.monthlyOutgoing))
        throw limitExceeded('The amount is above what remains of the monthly limit.');
      const row = {
        paymentId: request.paymentId,
        customerId: customer.id,
        accountId: wallet.id,
        kind: request.kind,
        currency: request.currency,
        amount: amount.toString(),
        status: 'reserved' as const,
        createdAt: now,
      };
      await this.reservations.insert(manager, row);
      return toReservation(
        { ...row, releasedAt: null },
        { daily: used.daily + amount, monthly: used.monthly + amount },
      );
    });
  }

  async checkIncoming(request: IncomingCheckRequest): Promise<IncomingCheck> {
    const amount = BigInt(parseAmount(request.amount));
    if (!isIsoCurrency(request.currency))
      throw new DomainError(ErrorCode.InvalidCurrency, 'Not an ISO 4217 currency.');
    if (!isUuid(request.accountId)) throw new DomainError(ErrorCode.NotFound, 'No such account.');
    const manager = this.dataSource.manager;
    const wallet = await this.wallets.find(manager, request.accountId);
    if (!wallet || wallet.status === 'opening') throw new DomainError(ErrorCode.NotFound, 'No such account.');
    if (wallet.status === 'closed') throw new DomainError(ErrorCode.AccountClosed, 'The account is closed.');
    if (wallet.currency !== request.currency)
      throw new DomainError(ErrorCode.CurrencyMismatch, 'The currency is not the account’s.');
    const customer = await this.customers.find(manager, wallet.customerId);
    const limits = limitsOf(tierOf(customer?.kycStatus ?? 'none'), this.config);
    const balance = await this.ledger.balance(wallet.ledgerAccountId);
    const balanceAfter = BigInt(balance.posted) + BigInt(balance.creditsPending) + amount;
    if (balanceAfter > BigInt(limits.maxBalance))
      throw limitExceeded('The account would hold more than its tier allows.');
    return {
      accountId: wallet.id,
      customerId: wallet.customerId,
      ledgerAccountId: wallet.ledgerAccountId,
      status: wallet.status,
      balanceAfter: balanceAfter.toString(),
      maxBalance: limits.maxBalance,
    };
  }

  async release(request: ReleaseLimitRequest): Promise<void> {
    if (!isUuid(request.paymentId)) return;
    await withTransaction(this.dataSource, (manager) =>
      this.reservations.release(manager, request.paymentId, new Date()),
    );
  }
}

function sameReservation(row: LimitReservationEntity, request: ReserveLimitRequest, amount: bigint): boolean {
  return (
    row.customerId === request.customerId &&
    row.accountId === request.accountId &&
    row.kind === request.kind &&
    row.currency === request.currency &&
    BigInt(row.amount) === amount
  );
}

function toReservation(
  row: LimitReservationEntity,
  used: { daily: bigint; monthly: bigint },
): LimitReservation {
  return {
    paymentId: row.paymentId,
    status: row.status,
    amount: BigInt(row.amount).toString(),
    currency: row.currency,
    dailyUsed: used.daily.toString(),
    monthlyUsed: used.monthly.toString(),
  };
}
