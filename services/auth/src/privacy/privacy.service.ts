import { AuditLog } from '@kasho/audit';
import {
  type CustomerErasedPayload,
  type EventEnvelope,
  type PrivacyExportRequest,
  type PrivacyExportSection,
} from '@kasho/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionsService } from '../sessions/sessions.service';
import { PrivacyRepository } from './privacy.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The privacy contract for identity (`libs/contracts/src/privacy.ts`): the export of a user's account, sessions
 * and sign-in history, and erasure on `account.customer.erased.v1`: every session revoked (database and the
 * gateway's revocation list), the user row pseudonymised, MFA material and one-time tokens deleted.
 */
@Injectable()
export class PrivacyService {
  private readonly logger = new Logger(PrivacyService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly privacy: PrivacyRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
  ) {}

  async export(request: PrivacyExportRequest): Promise<PrivacyExportSection> {
    if (typeof request?.userId !== 'string' || !UUID.test(request.userId))
      return { service: 'auth', data: {} };
    const manager = this.dataSource.manager;
    const user = await this.privacy.user(manager, request.userId);
    if (!user) return { service: 'auth', data: { user: null } };
    const sessions = await this.privacy.sessions(manager, request.userId);
    const signIns = await this.privacy.signIns(manager, request.userId);
    return {
      service: 'auth',
      data: {
        user: {
          id: user.id,
          email: user.email,
          fullName: user.full_name,
          roles: user.roles,
          emailVerified: user.email_verified_at !== null,
          mfaEnabled: user.mfa_enabled,
          createdAt: user.created_at.toISOString(),
        },
        sessions: sessions.map((session) => ({
          id: session.id,
          createdAt: session.created_at.toISOString(),
          lastUsedAt: session.last_used_at.toISOString(),
          ip: session.ip,
          userAgent: session.user_agent,
          methods: session.amr,
          revokedAt: session.revoked_at ? session.revoked_at.toISOString() : null,
          revokeReason: session.revoke_reason,
        })),
        signInHistory: signIns.map((entry) => ({
          at: entry.occurred_at.toISOString(),
          action: entry.action,
          outcome: entry.outcome,
          ip: entry.ip,
        })),
      },
    };
  }

  /**
   * Runs in the inbox transaction. The revocations are written to Redis before that transaction commits (an event
   * handler has no "after commit"): if the commit fails the event is retried and writes them again, and a revoked
   * session of a user being erased is never wrong.
   */
  async erase(envelope: EventEnvelope<CustomerErasedPayload>, manager: EntityManager): Promise<void> {
    const { customerId } = envelope.payload;
    if (!UUID.test(customerId)) return;
    const now = new Date();
    const revoked = await this.sessions.revokeAllOfUser(manager, customerId, 'erased', now);
    const found = await this.privacy.pseudonymise(manager, customerId, now);
    if (!found) return;
    await this.audit.append(manager, {
      actorType: 'system',
      action: 'auth.user.erased',
      subjectType: 'user',
      subjectId: customerId,
      outcome: 'success',
      details: { sessionsRevoked: revoked.sessionIds.length },
      occurredAt: now,
    });
    await this.sessions.publish(revoked);
    this.logger.log(`user ${customerId} erased: ${revoked.sessionIds.length} session(s) revoked`);
  }
}
