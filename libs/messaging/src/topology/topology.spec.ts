import { assertConsumerName, consumerTopology, TopologyNames } from './topology';

describe('topology names', () => {
  it('derives every name from the namespace', () => {
    const names = new TopologyNames('t.x.1234.');
    expect(names.rpcExchange).toBe('t.x.1234.kasho.rpc');
    expect(names.eventsExchange).toBe('t.x.1234.kasho.events');
    expect(names.rpcQueue('account')).toBe('t.x.1234.rpc.account');
    expect(consumerTopology(names, 'notification', 'transfer-mails', [1000, 5000])).toEqual({
      queue: 't.x.1234.notification.transfer-mails',
      parkingLot: 't.x.1234.notification.transfer-mails.parking-lot',
      waitQueues: [
        { delayMs: 1000, queue: 't.x.1234.notification.transfer-mails.retry.1000ms' },
        { delayMs: 5000, queue: 't.x.1234.notification.transfer-mails.retry.5000ms' },
      ],
    });
  });

  it('uses bare names in production', () => {
    expect(new TopologyNames('').rpcExchange).toBe('kasho.rpc');
  });

  it('refuses consumer names that would break the queue naming', () => {
    expect(() => assertConsumerName('ledger-sync')).not.toThrow();
    expect(() => assertConsumerName('mails.v2')).not.toThrow();
    expect(() => assertConsumerName('Ledger Sync')).toThrow(/lower-case/);
    expect(() => assertConsumerName('a..b')).toThrow();
    expect(() => assertConsumerName('')).toThrow();
  });
});
