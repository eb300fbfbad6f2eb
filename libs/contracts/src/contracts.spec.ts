import { authJwksRpc, defineEvent, defineRpc, rpcRoutingKey, systemStatusRpc } from './index';

describe('contracts', () => {
  it('routes an RPC by service and method', () => {
    expect(rpcRoutingKey(defineRpc('transaction', 'transfers.create'))).toBe('transaction.transfers.create');
    expect(rpcRoutingKey(systemStatusRpc('auth'))).toBe('auth.system.status');
  });

  it('reads the version off an event type', () => {
    expect(defineEvent('transaction.transfer.posted.v2')).toEqual({
      type: 'transaction.transfer.posted.v2',
      version: 2,
    });
  });

  it('refuses an event type without a version', () => {
    expect(() => defineEvent('transaction.transfer.posted')).toThrow(/must end with its version/);
  });
});

describe('auth contracts', () => {
  it('routes the JWKS RPC to the auth service', () => {
    expect(rpcRoutingKey(authJwksRpc)).toBe('auth.keys.jwks');
  });
});
