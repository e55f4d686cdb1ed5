/** Shared set-up of the distributed tests: config, a real scorer, a capturing logger, cleanup. */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../../services/cds-hooks/src/config';
import { createInProcessScorer, loadScorerConfig, loadServiceCatalog, type InProcessScorer } from '@prognos/scorer';
import { createQueueScorer, type QueueScorer } from '../../../services/cds-hooks/src/queue';
import { startScoreWorker, type ScoreWorker } from '../../../services/scorer/src/worker';
import { waitFor } from './worker-process';

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueQueueName(): string {
  return `test-score-${randomUUID()}`;
}

export function httpConfig(env: Record<string, string>): Config {
  return loadConfig({ LOG_LEVEL: 'silent', ...env });
}

export function scorerConfig() {
  return loadScorerConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
}

export function catalog() {
  return loadServiceCatalog(scorerConfig());
}

export async function realScorer(): Promise<InProcessScorer> {
  const { createScorerLogger } = await import('@prognos/scorer');
  return createInProcessScorer(scorerConfig(), { logger: createScorerLogger('silent') });
}

export interface CapturedLog { level: string; msg?: string; obj: object }

/** A pino-compatible logger that keeps every line for assertions. */
export function captureLogger(): { lines: CapturedLog[]; info: Log; warn: Log; error: Log; debug: Log } {
  const lines: CapturedLog[] = [];
  const at = (level: string): Log => (obj, msg) => { lines.push({ level, obj, msg }); };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
type Log = (obj: object, msg?: string) => void;

/** Removes a test queue's keys and the worker heartbeat keys. */
export async function cleanupQueue(redisUrl: string, queueName: string): Promise<void> {
  const queue = new Queue(queueName, { connection: { url: redisUrl } });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `prognos:worker*:${queueName}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

/** Resolves with how a promise settled and when (ms since `start`). */
export async function settle<T>(p: Promise<T>, start: number): Promise<{ ok: boolean; value?: T; error?: Error; atMs: number }> {
  try {
    const value = await p;
    return { ok: true, value, atMs: Date.now() - start };
  } catch (error) {
    return { ok: false, error: error as Error, atMs: Date.now() - start };
  }
}

/**
 * Measures how long this process's event loop was frozen (CPU starvation on a shared 2-core
 * machine, GC): a deadline timer cannot fire during such a pause, so lateness beyond it is ours.
 */
export function watchEventLoop(): { stop(): number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { monitorEventLoopDelay } = require('node:perf_hooks') as typeof import('node:perf_hooks');
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return { stop: () => { h.disable(); return h.max / 1e6; } };
}

/**
 * A real in-process scorer behind a BullMQ worker on the shared Redis, and the HTTP side's queue
 * scorer in front (`http`: extra HTTP config, e.g. QUEUE_MAX_BATCH), on a queue of their own; ready
 * once the worker's heartbeat is seen.
 */
export async function startQueuePair(options: { concurrency?: number; http?: Record<string, string> } = {}): Promise<{
  queueName: string; engine: InProcessScorer; worker: ScoreWorker; scorer: QueueScorer; close(): Promise<void>;
}> {
  const queueName = uniqueQueueName();
  const engine = await realScorer();
  const { http, ...workerOptions } = options;
  const worker = startScoreWorker({ redisUrl: SHARED_REDIS_URL, queueName, engine, heartbeatMs: 300, ...workerOptions });
  const scorer = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, ...http }), { catalog: catalog() });
  await waitFor(async () => !(await scorer.readiness()).degraded, 10_000, 'a worker heartbeat');
  return {
    queueName, engine, worker, scorer,
    async close() {
      await scorer.close();
      await worker.close(2000);
      await engine.close();
      await cleanupQueue(SHARED_REDIS_URL, queueName);
    },
  };
}
