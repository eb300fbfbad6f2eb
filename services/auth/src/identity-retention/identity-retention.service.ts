import { getOrCreateCounter } from '@kasho/observability';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../identity-core/auth-settings';
import { SESSION_LIFETIME_MS } from '../sessions/sessions.service';
import { IdentityRetentionRepository } from './identity-retention.repository';

const DAY_MS = 24 * 3600 * 1000;
/** Rows deleted per statement. */
export const RETENTION_BATCH_SIZE = 1000;
/** Dead refresh and one-time tokens are kept this long: enough to investigate a report of misuse, then gone. */
export const TOKEN_GRACE_MS = 7 * DAY_MS;
/** Sign-in challenges live five minutes; a day is plenty to look into a burst of them. */
export const CHALLENGE_GRACE_MS = 1 * DAY_MS;

export type RetentionTable = 'refresh_tokens' | 'one_time_tokens' | 'mfa_challenges' | 'sessions';

/** Rows one round deleted per table, or `skipped` when another replica held the lock. */
export type RetentionRound =
  { skipped: true } | { skipped: false; deleted: Record<RetentionTable, number>; durationMs: number };

/**
 * Deletes identity rows nobody can use any more, every AUTH_RETENTION_INTERVAL_SECONDS, in batches, one replica at a
 * time (an advisory lock; a replica that finds it taken skips the round). It never touches the audit log, users,
 * TOTP factors or recovery codes.
 *
 * Refresh tokens: a used (rotated) token is what reuse detection recognises. If it came back and were no longer
 * found, the thief would get a plain 401 while the session went on (the legitimate client keeps refreshing), instead
 * of the whole session being revoked (RFC 9700 4.14.2). So a used token is kept for as long as its session can
 * still be refreshed: it goes only when the session is revoked (7 days after its use), or 7 days after it expired,
 * which is the session's absolute expiry. Both only ever select tokens of dead sessions, whose answer to any token,
 * known or not, is the same 401 with nothing left to revoke. Live sessions' tokens are never candidates.
 *
 * One-time tokens and challenges: dead once used or expired; kept 7 days and 1 day for investigation.
 * Sessions: kept AUTH_SESSION_HISTORY_DAYS after their expiry or revocation, as the login history a data export
 * shows; then deleted (after their tokens, which are gone by then).
 */
@Injectable()
export class IdentityRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IdentityRetention');
  private readonly deletedRows = getOrCreateCounter({
    name: 'kasho_auth_retention_deleted_rows_total',
    help: 'Identity rows deleted by the retention job, by table.',
    labelNames: ['table'] as const,
  });
  private readonly intervalMs: number;
  private readonly sessionHistoryMs: number;
  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IdentityRetentionRepository,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.intervalMs = config.AUTH_RETENTION_INTERVAL_SECONDS * 1000;
    this.sessionHistoryMs = config.AUTH_SESSION_HISTORY_DAYS * DAY_MS;
  }

  /** The first round comes soon after start (within a minute, spread across replicas), then every interval. */
  onApplicationBootstrap(): void {
    if (this.intervalMs === 0 || this.running) return;
    this.running = true;
    this.stopping = false;
    this.schedule(Math.random() * Math.min(this.intervalMs, 60_000));
  }

  /** Before the pools close: no new round, and a round in progress ends after its current batch. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round.catch(() => undefined);
  }

  /** One round (rounds of one process never overlap). `now` is for tests. */
  runOnce(now = new Date()): Promise<RetentionRound> {
    const round = this.round.catch(() => undefined).then(() => this.prune(now));
    this.round = round;
    return round;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce()
        .then((round) => {
          if (!round.skipped) this.logger.log(summary(round.deleted, round.durationMs));
        })
        .catch((error: unknown) =>
          this.logger.warn(
            `Identity retention round failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => {
          if (this.running) this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async prune(now: Date): Promise<RetentionRound> {
    if (!this.dataSource.isInitialized) return { skipped: true };
    const started = Date.now();
    const runner = this.dataSource.createQueryRunner();
    try {
      const manager = runner.manager;
      if (!(await this.repository.tryLock(manager))) return { skipped: true };
      try {
        const deleted = await this.pruneLocked(manager, now.getTime());
        return { skipped: false, deleted, durationMs: Date.now() - started };
      } finally {
        await this.repository.unlock(manager);
      }
    } finally {
      await runner.release();
    }
  }

  private async pruneLocked(manager: EntityManager, now: number): Promise<Record<RetentionTable, number>> {
    const tokenCutoff = new Date(now - TOKEN_GRACE_MS);
    const limit = RETENTION_BATCH_SIZE;
    const r = this.repository;
    // Revocations older than this have only expired tokens left (a token expires with its session, at most a
    // session lifetime after the revocation), which the first statement deletes: a bound on the second's scan.
    const revokedSince = new Date(now - SESSION_LIFETIME_MS - TOKEN_GRACE_MS);
    const refreshTokens =
      (await this.drain('refresh_tokens', () => r.deleteExpiredRefreshTokens(manager, tokenCutoff, limit))) +
      (await this.drain('refresh_tokens', () =>
        r.deleteUsedRefreshTokensOfRevokedSessions(manager, tokenCutoff, revokedSince, limit),
      ));
    const oneTimeTokens = await this.drain('one_time_tokens', () =>
      r.deleteDeadOneTimeTokens(manager, tokenCutoff, limit),
    );
    const challenges = await this.drain('mfa_challenges', () =>
      r.deleteDeadMfaChallenges(manager, new Date(now - CHALLENGE_GRACE_MS), limit),
    );
    const sessions = await this.drain('sessions', () =>
      r.deleteEndedSessions(manager, new Date(now - this.sessionHistoryMs), limit),
    );
    return {
      refresh_tokens: refreshTokens,
      one_time_tokens: oneTimeTokens,
      mfa_challenges: challenges,
      sessions,
    };
  }

  /** Repeats one batch delete until a batch comes back short (or shutdown began); counts what it deleted. */
  private async drain(table: RetentionTable, deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted > 0) this.deletedRows.inc({ table }, deleted);
      // Short: nothing old is left (or the rest is locked by a request right now; next round).
      if (deleted < RETENTION_BATCH_SIZE || this.stopping) return total;
    }
  }
}

function summary(deleted: Record<RetentionTable, number>, durationMs: number): string {
  const parts = Object.entries(deleted).map(([table, count]) => `${count} ${table}`);
  return `Identity retention deleted ${parts.join(', ')} in ${durationMs} ms`;
}
