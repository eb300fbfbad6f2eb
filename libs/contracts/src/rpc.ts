import type { BackendServiceName } from './services';

/**
 * A typed RPC: which service answers it and under which method name. The phantom `request`/`response` fields
 * carry the payload types so that `rpc.call(contract, payload)` is checked end to end; they are never set.
 * Its routing key on the `kasho.rpc` exchange is `<service>.<method>`.
 */
export interface RpcContract<Request, Response> {
  readonly service: BackendServiceName;
  readonly method: string;
  readonly request?: Request;
  readonly response?: Response;
}

export function defineRpc<Request, Response>(
  service: BackendServiceName,
  method: string,
): RpcContract<Request, Response> {
  return { service, method };
}

export function rpcRoutingKey(contract: Pick<RpcContract<unknown, unknown>, 'service' | 'method'>): string {
  return `${contract.service}.${contract.method}`;
}

export type RpcRequestOf<C> = C extends RpcContract<infer Request, unknown> ? Request : never;
export type RpcResponseOf<C> = C extends RpcContract<unknown, infer Response> ? Response : never;
