import { isIP } from 'node:net';

interface AddressedRequest {
  socket: { remoteAddress?: string | undefined };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The address a request's rate-limit budget is keyed by: the socket's peer, or, behind a trusted reverse proxy
 * (`TRUST_PROXY`), the client the proxy names first in `X-Forwarded-For` (Fastify's `trustProxy: true` reading).
 * Never the header otherwise: a client could then choose a fresh budget with every request.
 */
export function clientIp(request: AddressedRequest, trustProxy: boolean): string {
  const peer = normalize(request.socket.remoteAddress ?? 'unknown');
  if (!trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')[0]?.trim() ?? '';
  return isIP(forwarded) !== 0 ? normalize(forwarded) : peer;
}

// An IPv4 client on a dual-stack socket appears as ::ffff:a.b.c.d; it is the same client as a.b.c.d.
function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
