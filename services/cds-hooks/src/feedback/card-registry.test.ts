import { MemoryCardRegistry } from './card-registry';

describe('in-memory card registry', () => {
  it('attributes a card uuid to its service and kind until the TTL passes', async () => {
    let now = 0;
    const reg = new MemoryCardRegistry(60, 10, () => now);
    await reg.remember('ckd-progression', [{ uuid: 'u1', kind: 'ckd.referral' }]);
    expect(await reg.lookup('u1')).toEqual({ serviceId: 'ckd-progression', kind: 'ckd.referral' });
    now = 61_000;
    expect(await reg.lookup('u1')).toBeUndefined();
  });

  it('forgets the least recently remembered cards beyond its size bound', async () => {
    const reg = new MemoryCardRegistry(60, 3);
    await reg.remember('s', ['a', 'b', 'c', 'd'].map((uuid) => ({ uuid, kind: 'k' })));
    expect(reg.size).toBe(3);
    expect(await reg.lookup('a')).toBeUndefined();
    expect(await reg.lookup('d')).toEqual({ serviceId: 's', kind: 'k' });
  });
});
