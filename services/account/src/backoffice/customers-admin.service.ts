import { AuditLog } from '@kasho/audit';
import {
  type CustomerDetail,
  type CustomerDetailRequest,
  type CustomerSearchRequest,
  type CustomerSearchResult,
  type CustomerSummary,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid } from '../core/ids';
import { BlindIndex, nameWords, normalizePhone } from '../crypto/blind-index';
import { type CustomerEntity } from '../customers/customer.entity';
import { CustomersRepository } from '../customers/customers.repository';
import { CustomersService, type OpenedCustomer } from '../customers/customers.service';
import { validText } from '../customers/profile-validation';
import { KycRepository } from '../kyc/kyc.repository';
import { toSubmissionView } from '../kyc/kyc.service';
import { tierOf } from '../kyc/tiers';
import { toView } from '../wallets/wallets.service';
import { WalletsRepository } from '../wallets/wallets.repository';
import { maskAddress, maskDate, maskEmail, maskName, maskPhone } from './masking';

type QueryKind = 'id' | 'email' | 'phone' | 'name';

/**
 * The back office's customer search and view. Search goes through the blind indexes only: an exact email or phone
 * (HMAC), a customer id, or every word of a name (hashed words in a full-text index): the database never sees a
 * plaintext query or value. Results are masked; a compliance user may see one customer in full. Every read of a
 * customer's personal data by staff is appended to the audit trail, in the transaction of the read (which names
 * the customers read, never the query text or the data).
 */
@Injectable()
export class CustomersAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customerRows: CustomersRepository,
    private readonly customers: CustomersService,
    private readonly wallets: WalletsRepository,
    private readonly kyc: KycRepository,
    private readonly index: BlindIndex,
    private readonly audit: AuditLog,
  ) {}

  async search(request: CustomerSearchRequest): Promise<CustomerSearchResult> {
    if (!isUuid(request.actorId))
      throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
    const q = validText(request.q, 200);
    if (!q)
      throw new DomainError(ErrorCode.ValidationFailed, 'A query is required.', {
        errors: [
          { pointer: '/q', detail: '1 to 200 characters: an email, a phone, a customer id or a name.' },
        ],
      });
    const limit =
      Number.isInteger(request.limit) && request.limit >= 1 && request.limit <= 100 ? request.limit : 20;
    return withTransaction(this.dataSource, async (manager) => {
      const { kind, rows } = await this.find(manager, q, limit);
      const data: CustomerSummary[] = [];
      for (const row of rows) data.push(this.summary(await this.customers.open(manager, row), 'masked'));
      await this.audit.append(manager, {
        actorType: 'staff',
        actorId: request.actorId,
        action: 'account.customer.searched',
        subjectType: 'customer',
        outcome: 'success',
        ip: request.ip ?? null,
        requestId: request.requestId ?? null,
        details: { queryKind: kind, customerIds: rows.map((row) => row.id) },
      });
      return { data };
    });
  }

  async get(request: CustomerDetailRequest): Promise<CustomerDetail> {
    if (!isUuid(request.actorId))
      throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
    if (!isUuid(request.customerId)) throw new DomainError(ErrorCode.NotFound, 'No such customer.');
    const view = request.view === 'full' ? 'full' : 'masked';
    return withTransaction(this.dataSource, async (manager) => {
      const row = await this.customerRows.find(manager, request.customerId);
      if (!row) throw new DomainError(ErrorCode.NotFound, 'No such customer.');
      const opened = await this.customers.open(manager, row);
      const wallets = (await this.wallets.listAll(manager, row.id))
        .filter((wallet) => wallet.status !== 'opening')
        .map(toView);
      const submissions = (await this.kyc.listOf(manager, row.id)).map(toSubmissionView);
      await this.audit.append(manager, {
        actorType: 'staff',
        actorId: request.actorId,
        action: 'account.customer.viewed',
        subjectType: 'customer',
        subjectId: row.id,
        outcome: 'success',
        ip: request.ip ?? null,
        requestId: request.requestId ?? null,
        details: { view },
      });
      const masked = view === 'masked';
      return {
        ...this.summary(opened, view),
        view,
        address: masked ? maskAddress(opened.profile.address) : opened.profile.address,
        dateOfBirth: masked ? maskDate(opened.profile.dateOfBirth) : opened.profile.dateOfBirth,
        kycTier: tierOf(row.kycStatus),
        wallets,
        kycSubmissions: submissions,
      };
    });
  }

  private async find(
    manager: EntityManager,
    q: string,
    limit: number,
  ): Promise<{ kind: QueryKind; rows: CustomerEntity[] }> {
    const lower = q.toLowerCase();
    if (isUuid(lower)) {
      const row = await this.customerRows.find(manager, lower);
      return { kind: 'id', rows: row ? [row] : [] };
    }
    if (q.includes('@'))
      return {
        kind: 'email',
        rows: await this.customerRows.findByEmailBidx(manager, this.index.email(q), limit),
      };
    const phone = normalizePhone(q);
    if (phone !== null) {
      const bidx = this.index.phone(phone);
      return {
        kind: 'phone',
        rows: bidx ? await this.customerRows.findByPhoneBidx(manager, bidx, limit) : [],
      };
    }
    if (nameWords(q).length === 0) return { kind: 'name', rows: [] };
    return {
      kind: 'name',
      rows: await this.customerRows.findByNameTokens(manager, this.index.nameTokens(q), limit),
    };
  }

  private summary(opened: OpenedCustomer, view: 'masked' | 'full'): CustomerSummary {
    const masked = view === 'masked';
    return {
      id: opened.row.id,
      status: opened.row.status,
      kycStatus: opened.row.kycStatus,
      fullName: masked ? maskName(opened.profile.fullName) : opened.profile.fullName,
      email: masked ? maskEmail(opened.email) : opened.email,
      phone: masked ? maskPhone(opened.profile.phone) : opened.profile.phone,
      createdAt: opened.row.createdAt.toISOString(),
    };
  }
}
