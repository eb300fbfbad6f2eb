import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line and outgoing message of one unit of work carries: the HTTP request id (gateway) and the
 * correlation id that follows the work across RPC and events.
 */
export interface RequestContext {
  requestId?: string;
  correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
