/**
 * Redis outages, on a private redis-server child process (never the shared one on 6379): hooks keep
 * getting answers within their deadline through the fallback, readiness says degraded, and the
 * queue path comes back by itself when Redis returns.
 */
import { Redis } from 'ioredis';
import type { InProcessScorer } from '@prognos/scorer';
import { checkRedisConfig, startScoreWorker, type ScoreWorker } from '../../services/scorer/src/worker';
import { createQueueScorer, QueueUnavailableError, type QueueScorer } from '../../services/cds-hooks/src/queue';
import { ckdInput } from './support/scoring-fixture';
import { catalog, captureLogger, httpConfig, realScorer, settle, uniqueQueueName, watchEventLoop } from './support/harness';
import { freePort } from '../support/free-port';
import { ThrowawayRedis } from '../support/throwaway-redis';
import { waitFor } from './support/worker-process';

const DEADLINE_MS = 500;
/** Timer lateness allowed past a deadline, on top of the longest event-loop freeze measured. */
const SLACK_MS = 50;

describe('Redis unreachable at start', () => {
  let engine: InProcessScorer;
  beforeAll(async () => { engine = await realScorer(); });
  afterAll(async () => { await engine?.close(); });

  it('scores in process within the deadline, reports degraded, and switches to the queue when Redis comes up', async () => {
    const redis = await ThrowawayRedis.start();
    await redis.crash(); // the port is known and closed
    const queueName = uniqueQueueName();
    let fallbackCreated = 0;
    const scorer = await createQueueScorer(
      httpConfig({ REDIS_URL: redis.url, QUEUE_NAME: queueName, QUEUE_FALLBACK: 'in-process' }),
      { catalog: catalog(), fallback: () => { fallbackCreated += 1; return engine; } },
    );
    let worker: ScoreWorker | undefined;
    try {
      const start = Date.now();
      const first = await settle(scorer.score(ckdInput(), { deadline: start + DEADLINE_MS }), start);
      expect(first.ok).toBe(true);
      expect(first.value?.cards.length).toBeGreaterThan(0);
      expect(first.atMs).toBeLessThan(DEADLINE_MS);
      expect(scorer.stats()).toMatchObject({ fallback: 1, submitted: 0 });
      expect(fallbackCreated).toBe(1);
      const degraded = await scorer.readiness();
      // Scoring in process still gives real cards: ready (stays in service), but degraded.
      expect(degraded).toMatchObject({ ready: true, degraded: true, checks: { redis: { ok: false } } });
      expect(await scorer.workers()).toEqual([]);

      await redis.up();
      worker = startScoreWorker({ redisUrl: redis.url, queueName, engine, heartbeatMs: 300 });
      await waitFor(async () => !(await scorer.readiness()).degraded, 10_000, 'healthy readiness after Redis came back');
      const again = await scorer.score(ckdInput(), { deadline: Date.now() + 2000 });
      expect(again.cards.length).toBeGreaterThan(0);
      expect(scorer.stats()).toMatchObject({ submitted: 1, completed: 1, fallback: 1 });
    } finally {
      await scorer.close();
      await worker?.close(1000);
      await redis.destroy();
    }
  });

  it('rejects at once as unavailable when QUEUE_FALLBACK is empty (the hook answers no cards)', async () => {
    const port = await freePort();
    const scorer = await createQueueScorer(
      httpConfig({ REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_NAME: uniqueQueueName(), QUEUE_FALLBACK: 'empty' }),
      { catalog: catalog(), fallback: () => { throw new Error('must not be used in empty mode'); } },
    );
    try {
      const start = Date.now();
      const result = await settle(scorer.score(ckdInput(), { deadline: start + DEADLINE_MS }), start);
      expect(result.error).toBeInstanceOf(QueueUnavailableError);
      expect(result.atMs).toBeLessThan(50);
      expect(await scorer.readiness()).toMatchObject({ ready: false, degraded: true });
    } finally {
      await scorer.close();
    }
  });
});

describe('Redis lost mid-traffic', () => {
  let engine: InProcessScorer;
  beforeAll(async () => { engine = await realScorer(); });
  afterAll(async () => { await engine?.close(); });

  it('answers every call within its deadline while Redis goes down and back, and returns to the queue without a restart', async () => {
    const redis = await ThrowawayRedis.start();
    const queueName = uniqueQueueName();
    const scorer = await createQueueScorer(
      httpConfig({ REDIS_URL: redis.url, QUEUE_NAME: queueName, QUEUE_FALLBACK: 'in-process' }),
      { catalog: catalog(), fallback: () => engine },
    );
    const worker = startScoreWorker({ redisUrl: redis.url, queueName, engine, heartbeatMs: 300 });
    try {
      await waitFor(async () => !(await scorer.readiness()).degraded, 10_000, 'a ready distributed engine');
      const loop = watchEventLoop();
      const results: { ok: boolean; atMs: number; phase: string; error?: string }[] = [];
      let phase = 'before';
      let running = true;
      // A steady trickle of hook calls (one every 20 ms, up to 4 in flight) across the outage.
      const traffic = (async () => {
        const inflight = new Set<Promise<void>>();
        while (running) {
          const start = Date.now();
          const label = phase;
          const p = settle(scorer.score(ckdInput(), { deadline: start + DEADLINE_MS }), start)
            .then((r) => { results.push({ ok: r.ok, atMs: r.atMs, phase: label, error: r.error?.name }); });
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
          await new Promise((r) => setTimeout(r, 20));
        }
        await Promise.all(inflight);
      })();

      await new Promise((r) => setTimeout(r, 800));
      const queuedBefore = scorer.stats().completed;
      phase = 'outage';
      await redis.crash();
      await waitFor(async () => (await scorer.readiness()).degraded, 3000, 'degraded readiness');
      await new Promise((r) => setTimeout(r, 1000));
      phase = 'recovery';
      await redis.up();
      await waitFor(async () => !(await scorer.readiness()).degraded, 15_000, 'healthy readiness after Redis came back');
      const queuedAtRecovery = scorer.stats().completed;
      phase = 'after';
      await new Promise((r) => setTimeout(r, 1000));
      running = false;
      await traffic;
      const frozenMs = loop.stop();

      expect(queuedBefore).toBeGreaterThan(10);
      // Every call settled within its deadline, whichever path served it.
      const late = results.filter((r) => r.atMs > DEADLINE_MS + SLACK_MS + frozenMs);
      expect(late).toEqual([]);
      // No call failed for any reason but time (on a starved machine a queued call can miss its
      // 500 ms deadline): never 'unavailable' nor a failed job, in any phase.
      expect(results.filter((r) => !r.ok && r.error !== 'ScoringDeadlineError')).toEqual([]);
      expect(results.filter((r) => r.phase === 'outage').length).toBeGreaterThan(10);
      expect(scorer.stats().fallback).toBeGreaterThan(10);
      // Back on the queue after recovery, without a restart.
      expect(scorer.stats().completed - queuedAtRecovery).toBeGreaterThan(10);
      expect(scorer.stats().pending).toBe(0);
    } finally {
      await scorer.close();
      await worker.close(1000);
      await redis.destroy();
    }
  });
});

describe('Redis configuration check', () => {
  it('warns at start when Redis has no persistence or evicts keys, and is silent when both are safe', async () => {
    const redis = await ThrowawayRedis.start({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    const client = new Redis(redis.url);
    const logger = captureLogger();
    const scorer = await createQueueScorer(
      httpConfig({ REDIS_URL: redis.url, QUEUE_NAME: uniqueQueueName() }),
      { catalog: catalog(), logger },
    );
    try {
      await waitFor(() => scorer.redisWarnings().length > 0, 5000, 'the configuration warnings');
      const warnings = scorer.redisWarnings().join('\n');
      expect(warnings).toMatch(/maxmemory-policy is 'allkeys-lru', not 'noeviction'/);
      expect(warnings).toMatch(/no persistence/);
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg).join('\n')).toMatch(/noeviction[\s\S]*persistence/);
      expect((await scorer.readiness()).checks.redis.detail).toMatch(/WARNING/);

      await client.config('SET', 'maxmemory-policy', 'noeviction');
      await client.config('SET', 'appendonly', 'yes');
      expect(await checkRedisConfig(client)).toEqual([]);
    } finally {
      await scorer.close();
      client.disconnect();
      await redis.destroy();
    }
  });
});
