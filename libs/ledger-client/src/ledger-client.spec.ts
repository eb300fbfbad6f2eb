import {
  type CreateTransfer,
  type CreateTransferBatchesRequest,
  type CreateTransferBatchesResponse,
  type RpcContract,
} from '@kasho/contracts';
import { DomainError, ErrorCode } from '@kasho/errors';
import { runWithContext } from '@kasho/logging';
import { type RpcCallOptions } from '@kasho/messaging';
import { LedgerClient, type RpcCaller } from './ledger-client';

/** Records each message; answers when the test says so. */
class ScriptedRpc implements RpcCaller {
  readonly messages: Array<{ request: CreateTransferBatchesRequest; options?: RpcCallOptions }> = [];
  private readonly replies: Array<{ resolve(value: unknown): void; reject(error: unknown): void }> = [];

  call<Request, Response>(
    contract: RpcContract<Request, Response>,
    payload: Request,
    options?: RpcCallOptions,
  ): Promise<Response> {
    expect(contract.method).toBe('transfers.create-batches');
    this.messages.push({ request: payload as CreateTransferBatchesRequest, options });
    return new Promise<Response>((resolve, reject) => {
      this.replies.push({ resolve, reject });
    });
  }

  /** Answers message `index`: each request's transfers as `created`, except where `answer` says otherwise. */
  answer(
    index: number,
    answer?: (request: number) => CreateTransferBatchesResponse['answers'][number] | undefined,
  ): void {
    const { request } = this.messages[index];
    this.replies[index].resolve({
      answers: request.requests.map(
        (item, position) =>
          answer?.(position) ?? {
            results: item.transfers.map((transfer) => ({ id: transfer.id, result: 'created' })),
          },
      ),
    } satisfies CreateTransferBatchesResponse);
  }

  fail(index: number, error: unknown): void {
    this.replies[index].reject(error);
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function transfer(id: string): CreateTransfer {
  return { id, kind: 'single', code: 1, reference: 'r', description: 'd', amount: '1', currency: 'EUR' };
}

describe('LedgerClient', () => {
  it('sends the callers of one turn as one message, each request with its own boundaries and answer', async () => {
    const rpc = new ScriptedRpc();
    const client = new LedgerClient(rpc);
    const first = client.createTransfers([transfer('a1'), transfer('a2')]);
    const second = client.createTransfers([transfer('b1')]);
    await turn();
    expect(rpc.messages).toHaveLength(1);
    expect(rpc.messages[0].request.requests.map((r) => r.transfers.map((t) => t.id))).toEqual([
      ['a1', 'a2'],
      ['b1'],
    ]);
    rpc.answer(0);
    await expect(first).resolves.toEqual([
      { id: 'a1', result: 'created' },
      { id: 'a2', result: 'created' },
    ]);
    await expect(second).resolves.toEqual([{ id: 'b1', result: 'created' }]);
  });

  it('keeps callers that arrive while maxInFlight messages are out for one next message', async () => {
    const rpc = new ScriptedRpc();
    const client = new LedgerClient(rpc, { maxInFlight: 1 });
    const early = client.createTransfers([transfer('e')]);
    await turn();
    const late = ['l1', 'l2', 'l3'].map((id) => client.createTransfers([transfer(id)]));
    await turn();
    expect(rpc.messages).toHaveLength(1);
    rpc.answer(0);
    await early;
    await turn();
    expect(rpc.messages).toHaveLength(2);
    expect(rpc.messages[1].request.requests).toHaveLength(3);
    rpc.answer(1);
    await expect(Promise.all(late)).resolves.toHaveLength(3);
  });

  it("answers a request the ledger refused with that request's own error, the others with their results", async () => {
    const rpc = new ScriptedRpc();
    const client = new LedgerClient(rpc);
    const good = client.createTransfers([transfer('g')]);
    const bad = client.createTransfers([transfer('x')]);
    await turn();
    rpc.answer(0, (position) =>
      position === 1
        ? { error: { code: 'validation_failed', detail: 'transfers must be an array', status: 422 } }
        : undefined,
    );
    await expect(good).resolves.toEqual([{ id: 'g', result: 'created' }]);
    const error = await bad.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
  });

  it('rejects every caller of a message that failed with the same (retryable) error', async () => {
    const rpc = new ScriptedRpc();
    const client = new LedgerClient(rpc);
    const calls = [client.createTransfers([transfer('a')]), client.createTransfers([transfer('b')])];
    await turn();
    const timeout = new DomainError(ErrorCode.UpstreamTimeout, 'late', { retryable: true });
    rpc.fail(0, timeout);
    for (const call of calls) await expect(call).rejects.toBe(timeout);
  });

  it('never puts more than 8,000 transfers in one message; a larger request leaves alone', async () => {
    const rpc = new ScriptedRpc();
    const client = new LedgerClient(rpc, { maxInFlight: 4 });
    const many = (prefix: string, count: number): CreateTransfer[] =>
      Array.from({ length: count }, (_, i) => transfer(`${prefix}${i}`));
    void client.createTransfers(many('a', 5000));
    void client.createTransfers(many('b', 5000));
    void client.createTransfers(many('c', 9000));
    void client.createTransfers(many('d', 10));
    await turn();
    const sizes = rpc.messages.map((m) => m.request.requests.map((r) => r.transfers.length));
    expect(sizes).toEqual([[5000], [5000], [9000], [10]]);
  });

  it("carries each caller's correlation id, and the first caller's on the message", async () => {
    const rpc = new ScriptedRpc();
    const client = new LedgerClient(rpc);
    void runWithContext({ correlationId: 'corr-1' }, () => client.createTransfers([transfer('a')]));
    void client.createTransfers([transfer('b')], { correlationId: 'corr-2' });
    void client.createTransfers([transfer('c')]);
    await turn();
    const [message] = rpc.messages;
    expect(message.request.requests.map((r) => r.correlationId)).toEqual(['corr-1', 'corr-2', undefined]);
    expect(message.options?.correlationId).toBe('corr-1');
  });
});
