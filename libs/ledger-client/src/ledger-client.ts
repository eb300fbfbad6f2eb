import {
  type CreateTransfer,
  type CreateTransferBatchesRequest,
  ledgerRpc,
  MAX_TRANSFERS_PER_REQUEST,
  type RpcContract,
  type TransferResult,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { currentContext } from '@kasho/logging';
import { type RpcCallOptions } from '@kasho/messaging';

/** What the client needs of `@kasho/messaging`'s RpcClient. */
export interface RpcCaller {
  call<Request, Response>(
    contract: RpcContract<Request, Response>,
    payload: Request,
    options?: RpcCallOptions,
  ): Promise<Response>;
}

export interface LedgerClientOptions {
  /**
   * Messages in flight at once (default 2, the ledger writer's lanes). Callers arriving while that many are out
   * wait and leave together in the next one: the fewer in flight, the larger the batches.
   */
  maxInFlight?: number;
  /** Each message's deadline (default the RpcClient's); every caller of a message that times out gets the error. */
  timeoutMs?: number;
}

interface Waiting {
  transfers: CreateTransfer[];
  correlationId: string | undefined;
  resolve(results: TransferResult[]): void;
  reject(error: unknown): void;
}

/**
 * Creates ledger transfers for many concurrent callers with few messages. Each `createTransfers` call is one
 * request to the ledger (its own boundaries, correlation id and answer); requests made in the same turn, or while
 * `maxInFlight` messages are out, share one `transfers.create-batches` message of at most
 * MAX_TRANSFERS_PER_REQUEST transfers. A caller never learns less than a lone call would: a timeout or an
 * unreachable ledger rejects it with the same retryable error, and a retry with the same transfer ids is safe.
 */
export class LedgerClient {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private readonly maxInFlight: number;

  constructor(
    private readonly rpc: RpcCaller,
    private readonly options: LedgerClientOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Resolves with one result per transfer, in order (see TRANSFER_RESULTS); rejects as the RPC would. */
  createTransfers(
    transfers: CreateTransfer[],
    options: { correlationId?: string } = {},
  ): Promise<TransferResult[]> {
    return new Promise((resolve, reject) => {
      const correlationId = options.correlationId ?? currentContext()?.correlationId;
      this.waiting.push({ transfers, correlationId, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Next turn, not a timer: callers of the same turn leave together, and nobody waits for a clock. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight >= this.maxInFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const message = this.take();
      this.inFlight += 1;
      void this.send(message).finally(() => {
        this.inFlight -= 1;
        // Whoever arrived while this message was out leaves now, together.
        this.flush();
      });
    }
  }

  /** The waiting requests, in order, up to MAX_TRANSFERS_PER_REQUEST transfers (a larger one leaves alone). */
  private take(): Waiting[] {
    let total = 0;
    let count = 0;
    for (const waiting of this.waiting) {
      if (count > 0 && total + waiting.transfers.length > MAX_TRANSFERS_PER_REQUEST) break;
      total += waiting.transfers.length;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }

  private async send(message: Waiting[]): Promise<void> {
    const request: CreateTransferBatchesRequest = {
      requests: message.map(({ transfers, correlationId }) =>
        correlationId === undefined ? { transfers } : { transfers, correlationId },
      ),
    };
    try {
      const { answers } = await this.rpc.call(ledgerRpc.createTransferBatches, request, {
        timeoutMs: this.options.timeoutMs,
        correlationId: message[0].correlationId,
      });
      message.forEach((waiting, index) => {
        const answer = answers[index];
        if (answer === undefined) {
          waiting.reject(
            new DomainError(ErrorCode.InternalError, 'The ledger answered fewer requests than it was sent'),
          );
        } else if ('error' in answer) {
          waiting.reject(DomainError.fromJSON(answer.error));
        } else {
          waiting.resolve(answer.results);
        }
      });
    } catch (error) {
      for (const waiting of message) waiting.reject(error);
    }
  }
}
