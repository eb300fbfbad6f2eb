import { AuditLog } from '@kasho/audit';
import {
  accountEvents,
  type CallerContext,
  type KycDecisionRequest,
  type KycDecisionView,
  type KycSubmissionView,
  type KycView,
  type SubmitKycRequest,
} from '@kasho/contracts';
import { withTransaction } from '@kasho/database';
import { DomainError, ErrorCode } from '@kasho/errors';
import { Outbox, uuidv7 } from '@kasho/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';
import { isUuid } from '../core/ids';
import { CustomerVault } from '../customers/customer-vault';
import { CustomersRepository } from '../customers/customers.repository';
import { CustomersService, requireUserId } from '../customers/customers.service';
import { validText } from '../customers/profile-validation';
import { type KycSubmissionEntity } from './kyc-submission.entity';
import { KycRepository } from './kyc.repository';
import { parseKycSubmission } from './kyc-validation';
import { limitsOf, tierOf } from './tiers';

const notFound = () => new DomainError(ErrorCode.NotFound, 'No such KYC submission.');

/**
 * KYC: a customer submits identity data and document references (sealed under their data key); a compliance user
 * approves or rejects it (audited, in the transaction of the decision); the customer's tier, and so their limits,
 * follow the status: `none → pending → verified | rejected` (a rejected customer may submit again).
 */
@Injectable()
export class KycService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly submissions: KycRepository,
    private readonly customers: CustomersService,
    private readonly customerRows: CustomersRepository,
    private readonly vault: CustomerVault,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
  ) {}

  async submit(request: SubmitKycRequest): Promise<KycSubmissionView> {
    const customerId = requireUserId(request);
    const data = parseKycSubmission(request.submission);
    const now = new Date();
    return withTransaction(this.dataSource, async (manager) => {
      const customer = await this.customers.ensure(manager, customerId, now);
      if (customer.status === 'erased')
        throw new DomainError(ErrorCode.Forbidden, 'This customer is erased.');
      if (customer.kycStatus === 'pending')
        throw new DomainError(ErrorCode.Conflict, 'A submission is already waiting for a decision.');
      if (customer.kycStatus === 'verified')
        throw new DomainError(ErrorCode.Conflict, 'The identity is already verified.');
      const key = await this.vault.dataKey(manager, customerId);
      if (!key) throw new DomainError(ErrorCode.Forbidden, 'This customer is erased.');
      const id = uuidv7();
      const row = await this.submissions.insert(manager, {
        id,
        customerId,
        dataEnc: this.vault.sealJson(key, `kyc:${id}`, data),
        now,
      });
      await this.customerRows.setKyc(manager, customerId, 'pending', 'tier0', now);
      await this.outbox.enqueue(manager, accountEvents.kycSubmitted, {
        customerId,
        submissionId: id,
        submittedAt: now.toISOString(),
      });
      return toSubmissionView(row);
    });
  }

  async get(caller: CallerContext): Promise<KycView> {
    const customerId = requireUserId(caller);
    const manager = this.dataSource.manager;
    const customer = await this.customerRows.find(manager, customerId);
    const status = customer?.kycStatus ?? 'none';
    const tier = tierOf(status);
    return {
      status,
      tier,
      limits: limitsOf(tier, this.config),
      submissions: (await this.submissions.listOf(manager, customerId)).map(toSubmissionView),
    };
  }

  async decide(request: KycDecisionRequest): Promise<KycDecisionView> {
    if (!isUuid(request.actorId))
      throw new DomainError(ErrorCode.Forbidden, 'You are not allowed to do this.');
    if (!isUuid(request.submissionId)) throw notFound();
    if (request.decision !== 'approve' && request.decision !== 'reject')
      throw new DomainError(ErrorCode.ValidationFailed, 'The decision is not valid.', {
        errors: [{ pointer: '/decision', detail: 'approve or reject.' }],
      });
    const reason = validText(request.reason, 500);
    if (!reason)
      throw new DomainError(ErrorCode.ValidationFailed, 'A reason is required.', {
        errors: [{ pointer: '/reason', detail: '1 to 500 characters.' }],
      });
    const now = new Date();
    return withTransaction(this.dataSource, async (manager) => {
      const submission = await this.submissions.lock(manager, request.submissionId);
      if (!submission) throw notFound();
      const customer = await this.customerRows.lock(manager, submission.customerId);
      if (!customer || customer.status === 'erased') throw notFound();
      if (submission.status !== 'pending')
        throw new DomainError(ErrorCode.Conflict, `The submission was already ${submission.status}.`);
      const status = request.decision === 'approve' ? 'verified' : 'rejected';
      const tier = tierOf(status);
      await this.submissions.decide(manager, submission.id, {
        status,
        decidedBy: request.actorId,
        reason,
        now,
      });
      await this.customerRows.setKyc(manager, customer.id, status, tier, now);
      await this.outbox.enqueue(
        manager,
        status === 'verified' ? accountEvents.kycVerified : accountEvents.kycRejected,
        {
          customerId: customer.id,
          submissionId: submission.id,
          tier,
          decidedBy: request.actorId,
          decidedAt: now.toISOString(),
        },
      );
      await this.audit.append(manager, {
        actorType: 'staff',
        actorId: request.actorId,
        action: status === 'verified' ? 'account.kyc.approved' : 'account.kyc.rejected',
        subjectType: 'kyc_submission',
        subjectId: submission.id,
        outcome: 'success',
        ip: request.ip ?? null,
        requestId: request.requestId ?? null,
        details: { customerId: customer.id, tier },
        occurredAt: now,
      });
      return { submissionId: submission.id, customerId: customer.id, status, decidedAt: now.toISOString() };
    });
  }

  /** Submissions of a customer, for their export or a staff view (decrypted data only when asked). */
  async submissionsOf(manager: EntityManager, customerId: string): Promise<KycSubmissionEntity[]> {
    return this.submissions.listOf(manager, customerId);
  }
}

export function toSubmissionView(row: KycSubmissionEntity): KycSubmissionView {
  return {
    id: row.id,
    status: row.status,
    submittedAt: row.submittedAt.toISOString(),
    decidedAt: row.decidedAt ? row.decidedAt.toISOString() : null,
    reason: row.reason,
  };
}
