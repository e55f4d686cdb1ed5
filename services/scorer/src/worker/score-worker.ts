/**
 * The BullMQ consumer of scoring jobs. It takes up to `concurrency` jobs at once so that concurrent
 * jobs reach the scorer's micro-batcher together (batches form only when many jobs are in flight),
 * drops jobs whose hook deadline has passed (no retry after the deadline), and publishes a heartbeat
 * with its execution provider and batch statistics.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ModelInfo, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { batchSize, inferenceRows, inferenceRuns } from '../metrics';
import { removeHeartbeat, writeHeartbeat } from './heartbeat';
import { signScoringResult } from './result-signature';
import { readHeartbeatMetrics } from './heartbeat-metrics';
import {
  JOB_FAILURE, checkRedisConfig, type QueueLogger, redisClientOptions, scoreJobDataSchema, type WorkerHeartbeat,
} from './protocol';
import { workerActiveJobs, workerJobs, workerQueueWait } from './worker-metrics';

/** What a worker needs from the scorer: an InProcessScorer in production. */
export interface WorkerEngine {
  score(input: ScoringInput, options: { deadline: number }): Promise<ScoringOutput>;
  /** When present, used for jobs (already checked against scoreJobDataSchema) to skip a second check. */
  scoreValidated?(input: ScoringInput, options: { deadline: number }): Promise<ScoringOutput>;
  models(): ModelInfo[];
  readonly executionProvider: string;
  /** Rows and runs per model since start; read from the Prometheus counters when absent. */
  batchStats?(): Record<string, { rows: number; runs: number }>;
}


export interface ScoreWorkerOptions {
  redisUrl: string;
  queueName: string;
  engine: WorkerEngine;
  /** @defaultValue 16 */
  concurrency?: number;
  /** BullMQ lock duration, ms. @defaultValue 10000 */
  lockDurationMs?: number;
  /** BullMQ stalled check interval, ms. @defaultValue 5000 */
  stalledIntervalMs?: number;
  /** @defaultValue 1 */
  maxStalledCount?: number;
  /** @defaultValue 5000 */
  heartbeatMs?: number;
  /** SCORING_RESULT_SECRET: results are signed with it (result-signature.ts); unsigned without. */
  resultSecret?: string;
  logger?: QueueLogger;
}

export interface ScoreWorker {
  readonly id: string;
  /** Jobs handled since start, by outcome. */
  counts(): Record<string, number>;
  /** Worker running and its Redis connection up. */
  ready(): boolean;
  /** Warnings from the Redis configuration check (noeviction, persistence). */
  redisWarnings(): string[];
  /**
   * Stops taking jobs and lets the in-flight ones finish (up to `graceMs`, then force-closes: BullMQ
   * hands unfinished jobs back through the stalled check), removes the heartbeat, closes connections.
   */
  close(graceMs?: number): Promise<void>;
}

const silent: QueueLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Rows and runs per model from the scorer's counters (rows / runs = mean batch size). */
async function readBatchStats(): Promise<Record<string, { rows: number; runs: number }>> {
  const stats: Record<string, { rows: number; runs: number }> = {};
  for (const v of (await inferenceRows.get()).values) {
    const model = String(v.labels.model ?? 'unknown');
    (stats[model] ??= { rows: 0, runs: 0 }).rows += v.value;
  }
  for (const v of (await inferenceRuns.get()).values) {
    const model = String(v.labels.model ?? 'unknown');
    (stats[model] ??= { rows: 0, runs: 0 }).runs += v.value;
  }
  return stats;
}

/**
 * Runs per batch-size bucket, all models together, from the scorer's `prognos_batch_size`
 * histogram: bucket upper bound ('1', '2', '4', ... '+Inf') → runs whose size falls in it.
 */
async function readBatchSizeDistribution(): Promise<Record<string, number>> {
  const cumulative = new Map<string, number>();
  for (const v of (await batchSize.get()).values) {
    if (v.metricName !== 'prognos_batch_size_bucket') continue;
    const le = String((v.labels as Record<string, string | number>).le);
    cumulative.set(le, (cumulative.get(le) ?? 0) + v.value);
  }
  const bounds = [...cumulative.keys()].sort((a, b) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
  const out: Record<string, number> = {};
  let below = 0;
  for (const le of bounds) {
    const c = cumulative.get(le) ?? 0;
    if (c - below > 0) out[le] = c - below;
    below = c;
  }
  return out;
}

/** A model version a job expects that this worker does not have (undefined when all match). */
function findVersionMismatch(expected: Record<string, string>, models: ModelInfo[]): string | undefined {
  for (const [id, version] of Object.entries(expected)) {
    const have = models.find((m) => m.id === id);
    if (!have || have.version !== version) return `${id}@${version} (worker has ${have ? have.version : 'none'})`;
  }
  return undefined;
}

/** Starts consuming; resolves at once (BullMQ connects and reconnects in the background). */
export function startScoreWorker(options: ScoreWorkerOptions): ScoreWorker {
  const log = options.logger ?? silent;
  const { engine, queueName } = options;
  const concurrency = options.concurrency ?? 16;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const started = new Date().toISOString();
  const counts: Record<string, number> = { completed: 0, expired: 0, invalid: 0, version_mismatch: 0, failed: 0 };
  const count = (outcome: keyof typeof counts): void => { counts[outcome] += 1; workerJobs.inc({ outcome }); };
  let warnings: string[] = [];

  const processJob = async (job: Job): Promise<ScoringOutput> => {
    const output = await scoreJob(job);
    return options.resultSecret && job.id ? signScoringResult(output, job.id, options.resultSecret) : output;
  };

  const scoreJob = async (job: Job): Promise<ScoringOutput> => {
    workerQueueWait.observe(Math.max(0, Date.now() - job.timestamp) / 1000);
    const parsed = scoreJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      count('invalid');
      throw new UnrecoverableError(JOB_FAILURE.invalid);
    }
    const data = parsed.data;
    // No work after the deadline: the hook has answered already (also covers stalled jobs that
    // come back after their worker died).
    if (Date.now() >= data.deadline) {
      count('expired');
      throw new UnrecoverableError(JOB_FAILURE.expired);
    }
    const mismatch = findVersionMismatch(data.modelVersions, engine.models());
    if (mismatch) {
      count('version_mismatch');
      log.warn({ queue: queueName, mismatch }, 'job expects a model version this worker does not run');
      throw new UnrecoverableError(JOB_FAILURE.versionMismatch);
    }
    workerActiveJobs.inc();
    try {
      const output = engine.scoreValidated
        ? await engine.scoreValidated(data.input, { deadline: data.deadline })
        : await engine.score(data.input, { deadline: data.deadline });
      count('completed');
      return output;
    } catch (err) {
      // The scorer refuses work once the deadline has passed (e.g. a job taken just before it).
      if (Date.now() >= data.deadline) {
        count('expired');
        throw new UnrecoverableError(JOB_FAILURE.expired);
      }
      count('failed');
      // The message stays in this process's log; Redis only gets the fixed reason.
      log.error({ err: (err as Error).message, serviceId: data.input.serviceId }, 'scoring failed');
      throw new UnrecoverableError(JOB_FAILURE.scoring);
    } finally {
      workerActiveJobs.dec();
    }
  };

  const worker = new Worker(queueName, processJob, {
    connection: { url: options.redisUrl, ...redisClientOptions('blocking') },
    name: id,
    concurrency,
    lockDuration: options.lockDurationMs ?? 10_000,
    stalledInterval: options.stalledIntervalMs ?? 5000,
    maxStalledCount: options.maxStalledCount ?? 1,
  });
  let lastWorkerError = '';
  worker.on('error', (err) => {
    // Connection errors repeat every reconnect attempt: log each distinct one once.
    if (err.message !== lastWorkerError) log.warn({ err: err.message }, 'worker connection error');
    lastWorkerError = err.message;
  });

  const redis = new Redis(options.redisUrl, redisClientOptions('command'));
  redis.on('error', () => { /* reconnects by itself; status is what readiness reads */ });
  redis.on('ready', () => {
    lastWorkerError = '';
    void checkRedisConfig(redis).then((w) => {
      if (w.join() !== warnings.join()) for (const line of w) log.warn({ queue: queueName }, line);
      warnings = w;
    });
  });

  const beat = async (): Promise<void> => {
    if (redis.status !== 'ready') return;
    const heartbeat: WorkerHeartbeat = {
      id, host: os.hostname(), pid: process.pid, queue: queueName, provider: engine.executionProvider,
      concurrency, started, lastSeen: new Date().toISOString(), batches: engine.batchStats ? engine.batchStats() : await readBatchStats(),
      batchSizes: await readBatchSizeDistribution(), jobs: { ...counts }, metrics: await readHeartbeatMetrics(),
    };
    await writeHeartbeat(redis, heartbeat, heartbeatMs * 3);
  };
  const beatSafely = (): void => { beat().catch((err) => log.debug({ err: (err as Error).message }, 'heartbeat failed')); };
  redis.on('ready', beatSafely);
  const timer = setInterval(beatSafely, heartbeatMs);
  timer.unref();

  log.info({ id, queue: queueName, concurrency, provider: engine.executionProvider }, 'scorer worker started');

  let closing: Promise<void> | undefined;
  return {
    id,
    counts: () => ({ ...counts }),
    ready: () => worker.isRunning() && !closing && redis.status === 'ready',
    redisWarnings: () => [...warnings],
    close(graceMs = 10_000) {
      closing ??= (async () => {
        clearInterval(timer);
        let graceTimer: NodeJS.Timeout | undefined;
        const graceful = worker.close();
        const outcome = await Promise.race([
          graceful.then(() => 'closed' as const),
          new Promise<'timeout'>((resolve) => { graceTimer = setTimeout(() => resolve('timeout'), graceMs); }),
        ]);
        clearTimeout(graceTimer);
        if (outcome === 'timeout') {
          log.warn({ id, graceMs }, 'in-flight jobs did not finish in time; force-closing (they return through the stalled check)');
          await worker.close(true);
        }
        if (redis.status === 'ready') {
          await removeHeartbeat(redis, queueName, id).catch(() => undefined);
        }
        redis.disconnect();
        log.info({ id, counts }, 'scorer worker closed');
      })();
      return closing;
    },
  };
}

