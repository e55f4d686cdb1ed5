/**
 * The Redis-backed stores against the real Redis on 127.0.0.1:6379 (unique keys per run, removed
 * after). Redis "going down" is a real TCP proxy in front of it that we stop and start again.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { RedisReplayCache } from '../auth/replay-cache';
import { createLogger } from '../logger';
import { clientKey, RedisCardRegistry } from './card-registry';
import { countFields, type FeedbackRecord } from './feedback-store';
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
    serviceId: 'ckd-progression', kind: 'ckd.referral', cardUuid: randomUUID(), issuer: 'https://ehr.example', outcome,
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

  it('counts feedback whose write is in flight once in the summary, read at any moment of the write', async () => {
    const key = `test:feedback:${run}:inflight`;
    const store = new RedisFeedbackStore(direct, { streamKey: key, maxLen: 10000, bufferMax: 1000, logger });
    // The summary asked for while the batch is being written (same tick as the record call, and a
    // little later), then after it.
    const writing = store.record('ckd-progression', Array.from({ length: 40 }, () => item('accepted')));
    const during = await store.summary();
    await new Promise((r) => setImmediate(r));
    const later = await store.summary();
    await writing;
    const after = await store.summary();
    for (const s of [during, later, after]) {
      expect(s.total).toBeLessThanOrEqual(40);
      expect(s.accepted).toBe(s.total);
    }
    expect(during.total).toBe(40);
    expect(after.total).toBe(40);
    expect(after.pending).toBe(0);
  });

  it('one outcome per card for the per-rule analytics: records() and outcomesOf() never return a replaced outcome', async () => {
    const key = `${streamKey}:latest`;
    const store = new RedisFeedbackStore(direct, { streamKey: key, maxLen: 10000, bufferMax: 100, logger, onFirstOutcome: () => undefined });
    const first = item('overridden', 'not-indicated');
    const later = { ...first, outcome: 'accepted' as const, acceptedSuggestions: 1, overrideReason: undefined };
    const other = item('overridden', 'not-indicated');
    await store.record('ckd-progression', [first, other]);
    await store.record('ckd-progression', [later]);
    await store.flush();
    expect(await direct.xlen(key)).toBe(3); // the audit trail keeps the replaced outcome
    const records = await store.records();
    expect(records.map((r) => [r.cardUuid, r.outcome])).toEqual([[other.cardUuid, 'overridden'], [first.cardUuid, 'accepted']]);
    const foreign = { ...first, issuer: 'https://other-ehr.example' };
    const outcomes = await store.outcomesOf([first, other, foreign, { ...item('accepted') }]);
    expect(outcomes.map((r) => r?.outcome)).toEqual(['accepted', 'overridden', undefined, undefined]);
    expect((await store.summary())).toMatchObject({ total: 2, accepted: 1, overridden: 1 });
  });

  it('reads an outcome slot written before slots carried the record (bare counter list)', async () => {
    const key = `${streamKey}:legacy`;
    const store = new RedisFeedbackStore(direct, { streamKey: key, maxLen: 10000, bufferMax: 100, logger, onFirstOutcome: () => undefined });
    const first = item('overridden', 'not-indicated');
    await store.record('ckd-progression', [first]);
    await store.flush();
    // Rewrite the slot in the old format (the counters only), as an older replica left it.
    const slots = await direct.keys(`${key}:outcome:*`);
    expect(slots).toHaveLength(1);
    await direct.set(slots[0]!, JSON.stringify(countFields(first)), 'EX', 60);
    expect(await store.outcomesOf([first])).toEqual([undefined]);
    await store.record('ckd-progression', [{ ...first, outcome: 'accepted', acceptedSuggestions: 1, overrideReason: undefined }]);
    await store.flush();
    expect(await store.summary()).toMatchObject({ total: 1, accepted: 1, overridden: 0, topOverrideReasons: [] });
    expect((await store.outcomesOf([first]))[0]?.outcome).toBe('accepted');
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

  it('shares card attribution across instances through Redis with a TTL, per client', async () => {
    const a = new RedisCardRegistry(direct, 60, `test:card:${run}:`);
    const b = new RedisCardRegistry(direct, 60, `test:card:${run}:`);
    const client = { iss: 'https://ehr.example', tenant: 't' };
    const uuid = randomUUID();
    await a.remember(client, 'cardiovascular-risk', [{ uuid, kind: 'cv.statin' }]);
    expect(await b.lookup(client, uuid)).toEqual({ serviceId: 'cardiovascular-risk', kind: 'cv.statin' });
    expect(await direct.ttl(`test:card:${run}:${clientKey(client)}:${uuid}`)).toBeGreaterThan(50);
    expect(await b.lookup(client, randomUUID())).toBeUndefined();
    expect(await b.lookup({ iss: 'https://other.example' }, uuid)).toBeUndefined();
  });

  it('bounds the Redis card registry per client: a flood forgets only the flooding client\'s oldest cards', async () => {
    const reg = new RedisCardRegistry(direct, 60, `test:card:${run}:bound:`, 50);
    const flood = { iss: 'https://flood.example' };
    const quiet = { iss: 'https://quiet.example' };
    const kept = randomUUID();
    await reg.remember(quiet, 'medication-safety', [{ uuid: kept, kind: 'k' }]);
    const first = randomUUID();
    await reg.remember(flood, 'medication-safety', [{ uuid: first, kind: 'k' }]);
    for (let i = 0; i < 5; i++) await reg.remember(flood, 'medication-safety', Array.from({ length: 40 }, () => ({ uuid: randomUUID(), kind: 'k' })));
    expect(await direct.zcard(`test:card:${run}:bound:${clientKey(flood)}`)).toBe(50);
    expect(await reg.lookup(flood, first)).toBeUndefined();
    expect(await reg.lookup(quiet, kept)).toEqual({ serviceId: 'medication-safety', kind: 'k' });
    expect((await direct.keys(`test:card:${run}:bound:${clientKey(flood)}:*`)).length).toBe(50);
  });

  it('keeps one outcome per card in the running aggregates (a later outcome replaces an earlier one)', async () => {
    const key = `${streamKey}:dedupe`;
    const firsts: string[] = [];
    const store = new RedisFeedbackStore(direct, { streamKey: key, maxLen: 10000, bufferMax: 100, logger, onFirstOutcome: (r) => firsts.push(r.cardUuid) });
    const one = item('overridden', 'not-indicated');
    await store.record('ckd-progression', [one]);
    await store.record('ckd-progression', [{ ...one, outcome: 'accepted', acceptedSuggestions: 1, overrideReason: undefined }]);
    await store.record('ckd-progression', [{ ...one, outcome: 'accepted', acceptedSuggestions: 1, overrideReason: undefined }]);
    const s = await store.summary();
    expect(s.total).toBe(1);
    expect(s.accepted).toBe(1);
    expect(s.topOverrideReasons).toEqual([]);
    expect(firsts).toEqual([one.cardUuid]);
    expect(await direct.xlen(key)).toBe(3); // the stream keeps the audit trail
  });

  it('summarises from running aggregates: a refresh costs the same however long the stream is', async () => {
    const key = `${streamKey}:cost`;
    const store = new RedisFeedbackStore(direct, { streamKey: key, maxLen: 100_000, bufferMax: 10_000, logger, onFirstOutcome: () => undefined });
    await store.record('ckd-progression', Array.from({ length: 5000 }, (_, i) => item(i % 3 ? 'accepted' : 'overridden', i % 3 ? undefined : 'not-indicated')));
    await store.flush();
    expect(await direct.xlen(key)).toBe(5000);
    const t0 = performance.now();
    const s = await store.summary();
    const ms = performance.now() - t0;
    expect(s.total).toBe(5000);
    expect(s.overridden).toBe(1667);
    // One HGETALL of a handful of counters (measured ~1 ms here), not 5000 stream entries parsed.
    expect(await direct.hlen(`${key}:counts`)).toBeLessThanOrEqual(3);
    expect(ms).toBeLessThan(100);
  });

  it('shares jti replay protection across replicas (SET NX EX)', async () => {
    const r1 = new RedisReplayCache(direct, logger, `test:jti:${run}:`);
    const r2 = new RedisReplayCache(direct, logger, `test:jti:${run}:`);
    const jti = `iss\u0000${randomUUID()}`;
    expect(await r1.markSeen(jti, 30)).toBe(true);
    expect(await r2.markSeen(jti, 30)).toBe(false);
  });
});
