import { getOrCreateCounter } from '@kasho/observability';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { expiryTransferId } from '../ledger-ids';
import { LedgerWriter } from '../write/ledger-writer';
import { LedgerExpiryRepository } from './ledger-expiry.repository';

export const LEDGER_EXPIRY_OPTIONS = Symbol('LEDGER_EXPIRY_OPTIONS');

export interface LedgerExpiryOptions {
  /** Time between rounds; 0 turns the job off (tests run rounds by hand). */
  intervalMs: number;
}

/** Pending transfers expired per writer request. */
export const EXPIRY_BATCH_SIZE = 1000;

/**
 * Voids pending transfers whose timeout passed: every interval it reads the due ones and submits them to the
 * LedgerWriter as expirations. The state is in the database, so a restart simply finds them on its first round;
 * each expiration's id derives from its pending transfer, so a retry or another replica doing the same round
 * answers `exists` or `pending_transfer_expired` instead of expiring twice.
 */
@Injectable()
export class LedgerExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LedgerExpiry');
  private readonly expired = getOrCreateCounter({
    name: 'kasho_ledger_expired_transfers_total',
    help: 'Pending transfers voided by the expiry job.',
  });
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: LedgerExpiryRepository,
    private readonly writer: LedgerWriter,
    @Inject(LEDGER_EXPIRY_OPTIONS) private readonly options: LedgerExpiryOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.intervalMs === 0 || this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round.catch(() => undefined);
  }

  /** One round: expires everything due, in writer requests of EXPIRY_BATCH_SIZE; answers how many it expired. */
  runOnce(): Promise<number> {
    const round = this.round.catch(() => undefined).then(() => this.expireDue());
    this.round = round;
    return round;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce()
        .then((count) => {
          if (count > 0) this.logger.log(`Expired ${count} pending transfers`);
        })
        .catch((error: unknown) =>
          this.logger.warn(`Expiry round failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          if (this.running) this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      if (!this.dataSource.isInitialized) return total;
      const due = await this.repository.due(EXPIRY_BATCH_SIZE);
      if (due.length === 0) return total;
      const results = await this.writer.submit({
        expirations: due.map((pendingId) => ({ id: expiryTransferId(pendingId), pendingId })),
      });
      const created = results.filter((result) => result.result === 'created').length;
      total += created;
      if (created > 0) this.expired.inc(created);
      // A short page means nothing else is due; a page that expired nothing (another replica won) ends the round
      // too, rather than reading the same rows again.
      if (due.length < EXPIRY_BATCH_SIZE || created === 0) return total;
    }
  }
}
