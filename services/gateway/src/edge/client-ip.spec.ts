import { clientIp } from './client-ip';

const request = (remoteAddress: string, forwardedFor?: string) => ({
  socket: { remoteAddress },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('clientIp', () => {
  it('is the socket address and ignores X-Forwarded-For unless the proxy is trusted', () => {
    expect(clientIp(request('10.0.0.7', '203.0.113.9'), false)).toBe('10.0.0.7');
  });

  it('reads the first X-Forwarded-For address behind a trusted proxy', () => {
    expect(clientIp(request('10.0.0.7', '203.0.113.9, 10.0.0.1'), true)).toBe('203.0.113.9');
    expect(clientIp(request('10.0.0.7', '2001:db8::1'), true)).toBe('2001:db8::1');
  });

  it('falls back to the socket address when the forwarded one is missing or not an address', () => {
    expect(clientIp(request('10.0.0.7'), true)).toBe('10.0.0.7');
    expect(clientIp(request('10.0.0.7', 'evil, 1.2.3.4'), true)).toBe('10.0.0.7');
  });

  it('treats an IPv4-mapped IPv6 peer as the IPv4 address', () => {
    expect(clientIp(request('::ffff:127.0.0.1'), false)).toBe('127.0.0.1');
  });
});
