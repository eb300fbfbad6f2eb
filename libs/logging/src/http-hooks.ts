import type { IncomingHttpHeaders } from 'node:http';

// Structural slices of Fastify's types, on purpose: @nestjs/platform-fastify pins its own copy of fastify, and its
// `FastifyInstance` is not assignable to the root copy's. Any Fastify 5 instance (Nest's or not) satisfies these.

/** What the hooks read from a request (a slice of `FastifyRequest`). */
export interface HookRequest {
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly url: string;
  /** The matched route's pattern (`/v1/accounts/:id`); undefined when no route matched. */
  readonly routeOptions: { readonly url?: string };
}

/** What the hooks read from and set on a reply (a slice of `FastifyReply`). */
export interface HookReply {
  readonly statusCode: number;
  /** Milliseconds since the request arrived. */
  readonly elapsedTime: number;
  header(name: string, value: string): unknown;
}

export type HookDone = (error?: Error) => void;
export type RequestHook = (request: HookRequest, reply: HookReply, done: HookDone) => void;

/** A Fastify instance, as far as adding hooks goes. Pass `app.getHttpAdapter().getInstance()`. */
export interface HttpHookHost {
  addHook(name: 'onRequest', hook: RequestHook): unknown;
  addHook(name: 'onResponse', hook: RequestHook): unknown;
  addHook(name: 'onRequestAbort', hook: (request: HookRequest, done: HookDone) => void): unknown;
}
