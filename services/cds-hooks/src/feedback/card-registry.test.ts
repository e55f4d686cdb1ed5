import { MemoryCardRegistry } from './card-registry';

const A = { iss: 'https://a.example', tenant: 't1' };
const B = { iss: 'https://b.example' };

describe('in-memory card registry', () => {
  it('attributes a card uuid to its service and kind, for the client it was issued to, until the TTL passes', async () => {
    let now = 0;
    const reg = new MemoryCardRegistry(60, 10, () => now);
    await reg.remember(A, 'ckd-progression', [{ uuid: 'u1', kind: 'ckd.referral', overrideReasons: ['s|c'] }]);
    expect(await reg.lookup(A, 'u1')).toEqual({ serviceId: 'ckd-progression', kind: 'ckd.referral', overrideReasons: ['s|c'] });
    expect(await reg.lookup(B, 'u1')).toBeUndefined();
    expect(await reg.lookup({ iss: A.iss, tenant: 't2' }, 'u1')).toBeUndefined();
    now = 61_000;
    expect(await reg.lookup(A, 'u1')).toBeUndefined();
  });

  it('forgets the least recently remembered cards of a client beyond its per-client bound, never another client\'s', async () => {
    const reg = new MemoryCardRegistry(60, 100, Date.now, 3);
    await reg.remember(B, 's', [{ uuid: 'b1', kind: 'k' }]);
    await reg.remember(A, 's', ['a', 'b', 'c', 'd'].map((uuid) => ({ uuid, kind: 'k' })));
    expect(reg.sizeOf(A)).toBe(3);
    expect(await reg.lookup(A, 'a')).toBeUndefined();
    expect(await reg.lookup(A, 'd')).toEqual({ serviceId: 's', kind: 'k' });
    expect(await reg.lookup(B, 'b1')).toEqual({ serviceId: 's', kind: 'k' });
  });

  it('beyond the global bound, evicts from the client holding the most', async () => {
    const reg = new MemoryCardRegistry(60, 5, Date.now, 100);
    await reg.remember(B, 's', [{ uuid: 'b1', kind: 'k' }, { uuid: 'b2', kind: 'k' }]);
    await reg.remember(A, 's', ['a1', 'a2', 'a3', 'a4', 'a5'].map((uuid) => ({ uuid, kind: 'k' })));
    expect(reg.size).toBe(5);
    expect(reg.sizeOf(B)).toBe(2);
    expect(await reg.lookup(A, 'a1')).toBeUndefined();
  });
});
