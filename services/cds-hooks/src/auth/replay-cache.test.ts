import { MemoryReplayCache } from './replay-cache';

describe('in-memory jti replay cache', () => {
  it('accepts a jti once and again only after its retention has passed', async () => {
    let now = 1_000_000;
    const cache = new MemoryReplayCache(() => now);
    expect(await cache.markSeen('iss\u0000a', 60)).toBe(true);
    expect(await cache.markSeen('iss\u0000a', 60)).toBe(false);
    expect(await cache.markSeen('iss\u0000b', 60)).toBe(true);
    now += 61_000;
    expect(await cache.markSeen('iss\u0000a', 60)).toBe(true);
  });

  it('refuses an issuer\'s new ids when its share is full of live ones, and only that issuer\'s', async () => {
    let now = 0;
    const cache = new MemoryReplayCache(() => now, 2);
    expect(await cache.markSeen('a', 60, 'iss-1')).toBe(true);
    expect(await cache.markSeen('b', 60, 'iss-1')).toBe(true);
    expect(await cache.markSeen('c', 60, 'iss-1')).toBe(false);
    expect(await cache.markSeen('c', 60, 'iss-2')).toBe(true);
    now = 61_000;
    expect(await cache.markSeen('c', 60, 'iss-1')).toBe(true);
  });

  it('stores digests, not the raw jti (a 12 KB jti costs what a short one does)', async () => {
    const cache = new MemoryReplayCache(() => 0, 10);
    const big = 'x'.repeat(12_000);
    expect(await cache.markSeen(big, 60, 'iss')).toBe(true);
    expect(await cache.markSeen(big, 60, 'iss')).toBe(false);
    const stored = [...((cache as unknown as { scopes: Map<string, Map<string, number>> }).scopes.get('iss')!.keys())];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.length).toBeLessThan(64);
  });
});
