import { AuditLog } from '@kasho/audit';
import { withTransaction } from '@kasho/database';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';
import { KycRepository } from '../kyc/kyc.repository';

export const KYC_RETENTION_BATCH = 200;
const DAY_MS = 86_400_000;

/**
 * Purges KYC material (the sealed identity data and document references) ACCOUNT_KYC_RETENTION_DAYS after the
 * customer's last wallet closed, and at once for an erased customer (already unreadable). The submission rows stay
 * (status, dates, decision) for the audit of decisions. Each batch is logged and audited by id.
 */
@Injectable()
export class KycRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KycRetentionService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kyc: KycRepository,
    private readonly audit: AuditLog,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.ACCOUNT_RETENTION_INTERVAL_SECONDS;
    if (seconds === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.round()
        .catch((error: unknown) =>
          this.logger.warn(
            `KYC retention round failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => (this.running = undefined));
    }, seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round: batches until nothing is due. Answers the ids of the submissions purged. */
  async round(now = new Date()): Promise<string[]> {
    const closedBefore = new Date(now.getTime() - this.config.ACCOUNT_KYC_RETENTION_DAYS * DAY_MS);
    const purged: string[] = [];
    for (;;) {
      const batch = await withTransaction(this.dataSource, async (manager) => {
        const rows = await this.kyc.purgeAfterClose(manager, closedBefore, now, KYC_RETENTION_BATCH);
        if (rows.length > 0) {
          await this.audit.append(manager, {
            actorType: 'system',
            action: 'account.kyc.purged',
            subjectType: 'kyc_submission',
            outcome: 'success',
            details: {
              submissionIds: rows.map((row) => row.id),
              customerIds: [...new Set(rows.map((row) => row.customer_id))],
              retentionDays: this.config.ACCOUNT_KYC_RETENTION_DAYS,
            },
            occurredAt: now,
          });
        }
        return rows;
      });
      if (batch.length === 0) break;
      this.logger.log(
        `purged the KYC material of ${batch.length} submission(s): ${batch.map((row) => row.id).join(', ')}`,
      );
      purged.push(...batch.map((row) => row.id));
      if (batch.length < KYC_RETENTION_BATCH) break;
    }
    return purged;
  }
}
