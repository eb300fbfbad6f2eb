import {
  batchDigest,
  canonicalTransfer,
  type HashedTransfer,
  LEDGER_GENESIS_HASH,
  linkHash,
} from './ledger-hash';

const transfer: HashedTransfer = {
  id: '0190a3b2-0000-7000-8000-000000000001',
  kind: 'single',
  debitAccountId: '0190a3b2-0000-7000-8000-0000000000aa',
  creditAccountId: '0190a3b2-0000-7000-8000-0000000000bb',
  amount: 1250n,
  currency: 'EUR',
  code: 1,
  pendingId: null,
  timeoutAt: null,
  reference: 'ref-1',
  description: 'lunch',
  metadata: { b: '2', a: '1' },
  createdAt: new Date('2025-01-02T03:04:05.678Z'),
};

describe('canonical transfer form', () => {
  it('is a fixed-order JSON line with sorted metadata, decimal amounts and millisecond times', () => {
    expect(canonicalTransfer(transfer)).toBe(
      '[1,"0190a3b2-0000-7000-8000-000000000001","single","0190a3b2-0000-7000-8000-0000000000aa",' +
        '"0190a3b2-0000-7000-8000-0000000000bb","1250","EUR",1,null,null,"ref-1","lunch",' +
        '[["a","1"],["b","2"]],"2025-01-02T03:04:05.678Z"]',
    );
  });

  it('does not depend on metadata key order, id case or whether the amount is a bigint or a string', () => {
    const same = {
      ...transfer,
      id: transfer.id.toUpperCase(),
      amount: '1250',
      metadata: { a: '1', b: '2' },
    };
    expect(canonicalTransfer(same)).toBe(canonicalTransfer(transfer));
  });

  it('changes with every field', () => {
    const variants: Array<Partial<HashedTransfer>> = [
      { id: '0190a3b2-0000-7000-8000-000000000002' },
      { kind: 'pending' },
      { debitAccountId: '0190a3b2-0000-7000-8000-0000000000cc' },
      { creditAccountId: '0190a3b2-0000-7000-8000-0000000000cc' },
      { amount: 1251n },
      { currency: 'USD' },
      { code: 2 },
      { pendingId: '0190a3b2-0000-7000-8000-000000000003' },
      { timeoutAt: new Date('2025-01-02T03:04:06.000Z') },
      { reference: 'ref-2' },
      { description: 'dinner' },
      { metadata: { a: '1' } },
      { createdAt: new Date('2025-01-02T03:04:05.679Z') },
    ];
    const forms = new Set(variants.map((change) => canonicalTransfer({ ...transfer, ...change })));
    expect(forms.size).toBe(variants.length);
    expect(forms.has(canonicalTransfer(transfer))).toBe(false);
  });

  it('keeps field boundaries: moving text between reference and description changes the form', () => {
    const a = canonicalTransfer({ ...transfer, reference: 'ab', description: 'c' });
    const b = canonicalTransfer({ ...transfer, reference: 'a', description: 'bc' });
    expect(a).not.toBe(b);
  });
});

describe('batch digest and link hash', () => {
  const second = { ...transfer, id: '0190a3b2-0000-7000-8000-000000000009', amount: 5n };

  it('covers the transfers in order', () => {
    expect(batchDigest([transfer, second])).not.toEqual(batchDigest([second, transfer]));
    expect(batchDigest([transfer, second])).toEqual(batchDigest([transfer, { ...second }]));
    expect(batchDigest([transfer])).toHaveLength(32);
  });

  it('chains: the hash covers sequence, time, digest and the previous hash', () => {
    const link = {
      sequence: 1n,
      createdAt: transfer.createdAt,
      digest: batchDigest([transfer]),
      prevHash: LEDGER_GENESIS_HASH,
    };
    const hash = linkHash(link);
    expect(hash).toHaveLength(32);
    expect(linkHash({ ...link, sequence: '1' })).toEqual(hash);
    expect(linkHash({ ...link, sequence: 2n })).not.toEqual(hash);
    expect(linkHash({ ...link, createdAt: new Date(0) })).not.toEqual(hash);
    expect(linkHash({ ...link, digest: batchDigest([second]) })).not.toEqual(hash);
    expect(linkHash({ ...link, prevHash: hash })).not.toEqual(hash);
  });
});
