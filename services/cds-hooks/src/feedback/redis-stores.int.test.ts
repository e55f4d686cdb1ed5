/**
 * The Redis-backed stores against the real Redis on 127.0.0.1:6379 (unique keys per run, removed
 * after). Redis "going down" is a real TCP proxy in front of it that we stop and start again.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { RedisReplayCache } from '../auth/replay-cache';
import { createLogger } from '../logger';
import { RedisCardRegistry } from './card-registry';
import type { FeedbackRecord } from './feedback-store';
import { RedisFeedbackStore } from './redis-feedback-store';

const logger = createLogger('silent');

/** A TCP proxy to Redis that can be taken down (all sockets destroyed) and brought back on the same port. */
class RedisProxy {
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  port = 0;
  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); s.on('error', () => s.destroy()); }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

function item(outcome: 'accepted' | 'overridden', code?: string): FeedbackRecord {
  return {
    serviceId: 'ckd-progression', kind: 'ckd.referral', cardUuid: randomUUID(), outcome,
    acceptedSuggestions: outcome === 'accepted' ? 1 : 0,
    overrideReason: code ? { system: 'http://example.org/reasons', code } : undefined,
    hasUserComment: false, outcomeTimestamp: '2024-01-01T00:00:00Z', receivedAt: new Date().toISOString(),
  };
}

describe('Redis-backed feedback, card registry and replay cache', () => {
  const direct = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
  const run = randomUUID();
  const streamKey = `test:feedback:${run}`;

  afterAll(async () => {
    const keys = await direct.keys(`test:*:${run}*`);
    if (keys.length) await direct.del(...keys);
    await direct.quit();
  });

  it('appends feedback to the stream and summarises it', async () => {
    const store = new RedisFeedbackStore(direct, { streamKey, maxLen: 10000, bufferMax: 100, logger });
    await store.record('ckd-progression', [item('accepted'), item('overridden', 'not-indicated'), item('overridden', 'not-indicated')]);
    expect(await direct.xlen(streamKey)).toBe(3);
    const s = await store.summary();
    expect(s.total).toBe(3);
    expect(s.accepted).toBe(1);
    expect(s.overridden).toBe(2);
    expect(s.acceptanceRate).toBeCloseTo(1 / 3);
    expect(s.byService['ckd-progression'].byKind['ckd.referral']).toEqual({ accepted: 1, overridden: 2 });
    expect(s.topOverrideReasons[0]).toEqual({ code: 'not-indicated', reason: 'http://example.org/reasons|not-indicated', count: 2 });
    expect(s.pending).toBe(0);
  });

  it('buffers feedback while Redis is unreachable and writes all of it when Redis is back', async () => {
    const proxy = new RedisProxy();
    await proxy.start();
    const key = `${streamKey}:outage`;
    const conn = new Redis({ host: '127.0.0.1', port: proxy.port, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    conn.on('error', () => undefined);
    await new Promise((r) => conn.once('ready', r));
    const store = new RedisFeedbackStore(conn, { streamKey: key, maxLen: 10000, bufferMax: 100, logger, maxWaitMs: 100, retryMinMs: 50, retryMaxMs: 200 });
    try {
      await store.record('ckd-progression', [item('accepted')]);
      expect(await direct.xlen(key)).toBe(1);

      await proxy.stop();
      const t0 = Date.now();
      await store.record('ckd-progression', [item('overridden'), item('accepted')]);
      expect(Date.now() - t0).toBeLessThan(1000); // the HTTP answer does not wait on Redis
      expect(store.pending).toBe(2);
      expect(await direct.xlen(key)).toBe(1);

      await proxy.start();
      const deadline = Date.now() + 10_000;
      while (store.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(store.pending).toBe(0);
      expect(await direct.xlen(key)).toBe(3);
    } finally {
      await store.close(500);
      conn.disconnect();
      await proxy.stop().catch(() => undefined);
    }
  });

  it('shares card attribution across instances through Redis with a TTL', async () => {
    const a = new RedisCardRegistry(direct, 60, `test:card:${run}:`);
    const b = new RedisCardRegistry(direct, 60, `test:card:${run}:`);
    const uuid = randomUUID();
    await a.remember('cardiovascular-risk', [{ uuid, kind: 'cv.statin' }]);
    expect(await b.lookup(uuid)).toEqual({ serviceId: 'cardiovascular-risk', kind: 'cv.statin' });
    expect(await direct.ttl(`test:card:${run}:${uuid}`)).toBeGreaterThan(50);
    expect(await b.lookup(randomUUID())).toBeUndefined();
  });

  it('shares jti replay protection across replicas (SET NX EX)', async () => {
    const r1 = new RedisReplayCache(direct, logger, `test:jti:${run}:`);
    const r2 = new RedisReplayCache(direct, logger, `test:jti:${run}:`);
    const jti = `iss\u0000${randomUUID()}`;
    expect(await r1.markSeen(jti, 30)).toBe(true);
    expect(await r2.markSeen(jti, 30)).toBe(false);
  });
});
