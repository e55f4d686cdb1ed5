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

  it('refuses new ids when full of live ones rather than forgetting one that could be replayed', async () => {
    const cache = new MemoryReplayCache(() => 0, 2);
    expect(await cache.markSeen('a', 60)).toBe(true);
    expect(await cache.markSeen('b', 60)).toBe(true);
    expect(await cache.markSeen('c', 60)).toBe(false);
  });
});
