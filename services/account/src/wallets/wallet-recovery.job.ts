import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ACCOUNT_CONFIG, type AccountConfig } from '../config';
import { WalletsService } from './wallets.service';

/** Runs `recoverOpening` every ACCOUNT_WALLET_RECOVERY_INTERVAL_MS (0: off; tests run rounds by hand). */
@Injectable()
export class WalletRecoveryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WalletRecoveryJob.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly wallets: WalletsService,
    @Inject(ACCOUNT_CONFIG) private readonly config: AccountConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.ACCOUNT_WALLET_RECOVERY_INTERVAL_MS;
    if (interval === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.wallets
        .recoverOpening()
        .catch((error: unknown) =>
          this.logger.warn(
            `wallet recovery round failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .finally(() => (this.running = undefined));
    }, interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
