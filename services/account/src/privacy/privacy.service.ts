import { AuditLog } from '@kasho/audit';
import {
  accountEvents,
  type CallerContext,
  type DataExport,
  type ErasureReceipt,
  type PrivacyExportRequest,
  type PrivacyExportSection,
  privacyExportRpcs,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox, RpcClient } from '@kasho/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid } from '../core/ids';
import { CustomerVault } from '../customers/customer-vault';
import { CustomersRepository } from '../customers/customers.repository';
import { CustomersService, requireUserId } from '../customers/customers.service';
import { KycRepository } from '../kyc/kyc.repository';
import { toSubmissionView } from '../kyc/kyc.service';
import { tierOf } from '../kyc/tiers';
import { toView, WalletsService } from '../wallets/wallets.service';
import { WalletsRepository } from '../wallets/wallets.repository';

/** How long the export waits for each other service. */
const EXPORT_TIMEOUT_MS = 10_000;

/**
 * The privacy contract for the account service, and its orchestration for the whole platform. The export gathers
 * `privacy.export` from every service in PRIVACY_PARTICIPANTS (the account service's own part answered directly).
 * Erasure destroys the customer's data key (crypto-shredding: every value sealed under it, backups included, is
 * unreadable), drops the blind indexes, closes the wallets and tells every other service by
 * `account.customer.erased.v1` (through the outbox) to erase or pseudonymise what it holds; the auth service revokes
 * the sessions. The ledger's history stays: it holds pseudonymous ids only.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger(PrivacyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly rpc: RpcClient,
    private readonly customers: CustomersService,
    private readonly customerRows: CustomersRepository,
    private readonly vault: CustomerVault,
    private readonly wallets: WalletsRepository,
    private readonly kyc: KycRepository,
    private readonly walletsService: WalletsService,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
  ) {}

  async exportAll(caller: CallerContext): Promise<DataExport> {
    const userId = requireUserId(caller);
    const sections: DataExport['sections'] = {};
    const own = this.exportSection({ userId });
    const others = privacyExportRpcs('account').map(async (contract) => {
      try {
        const section = await this.rpc.call(contract, { userId }, { timeoutMs: EXPORT_TIMEOUT_MS });
        sections[contract.service] = { status: 'ok', data: section.data };
      } catch (error) {
        this.logger.warn(
          `data export: ${contract.service} did not answer (${error instanceof DomainError ? error.code : 'error'})`,
        );
        sections[contract.service] = { status: 'unavailable' };
      }
    });
    const [account] = await Promise.all([own, ...others]);
    sections.account = { status: 'ok', data: account.data };
    return { subjectId: userId, generatedAt: new Date().toISOString(), sections };
  }

  /** The account service's part: profile, KYC (with the submitted data while it is readable), wallets, limits. */
  async exportSection(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    if (!isUuid(request.userId)) return { service: 'account', data: {} };
    const manager = this.dataSource.manager;
    const row = await this.customerRows.find(manager, request.userId);
    if (!row) return { service: 'account', data: { customer: null } };
    const opened = await this.customers.open(manager, row);
    const key = await this.vault.dataKey(manager, row.id);
    const submissions = (await this.kyc.listOf(manager, row.id)).map((submission) => ({
      ...toSubmissionView(submission),
      data:
        key && submission.dataEnc
          ? this.vault.openJson(key, `kyc:${submission.id}`, submission.dataEnc)
          : null,
    }));
    const reservations = await manager.query<Array<Record<string, unknown>>>(
      'SELECT "payment_id" AS "paymentId", "account_id" AS "accountId", "kind", "currency", "amount"::text AS "amount", ' +
        '"status", "created_at" AS "createdAt" FROM "limit_reservations" WHERE "customer_id" = $1 ORDER BY "created_at"',
      [row.id],
    );
    return {
      service: 'account',
      data: {
        customer: {
          id: row.id,
          status: row.status,
          email: opened.email,
          ...opened.profile,
          kycStatus: row.kycStatus,
          kycTier: tierOf(row.kycStatus),
          createdAt: row.createdAt.toISOString(),
          erasedAt: row.erasedAt ? row.erasedAt.toISOString() : null,
        },
        kycSubmissions: submissions,
        wallets: (await this.wallets.listAll(manager, row.id)).map(toView),
        limitReservations: reservations,
      },
    };
  }

  async eraseMe(caller: CallerContext): Promise<ErasureReceipt> {
    const customerId = requireUserId(caller);
    const existing = await this.customerRows.find(this.dataSource.manager, customerId);
    if (existing?.status === 'erased' && existing.erasedAt)
      return { customerId, erasedAt: existing.erasedAt.toISOString() };
    // Every wallet closed first, the ledger checking each is empty as it closes it (balance_not_zero otherwise).
    const walletsClosed = await this.walletsService.closeAllForErasure(customerId);
    const now = new Date();
    const receipt = await withTransaction(this.dataSource, async (manager) => {
      const customer = await this.customers.ensure(manager, customerId, now);
      if (customer.status === 'erased' && customer.erasedAt)
        return { customerId, erasedAt: customer.erasedAt.toISOString() };
      const open = (await this.wallets.listAll(manager, customerId)).filter((w) => w.status !== 'closed');
      if (open.length > 0)
        throw new DomainError(ErrorCode.Conflict, 'An account was opened meanwhile; try again.', {
          retryable: true,
        });
      await this.vault.destroy(manager, customerId, now);
      await this.customerRows.markErased(manager, customerId, now);
      await this.outbox.enqueue(manager, accountEvents.customerErased, {
        customerId,
        erasedAt: now.toISOString(),
      });
      await this.audit.append(manager, {
        actorType: 'user',
        actorId: customerId,
        action: 'account.customer.erased',
        subjectType: 'customer',
        subjectId: customerId,
        outcome: 'success',
        details: { walletsClosed },
        occurredAt: now,
      });
      return { customerId, erasedAt: now.toISOString() };
    });
    this.logger.log(`customer ${customerId} erased (data key destroyed)`);
    return receipt;
  }
}
