/**
 * The BullMQ consumer of scoring jobs. It takes up to `concurrency` jobs at once and scores all the
 * inputs of a batch job at once, so that concurrent inputs reach the scorer's micro-batcher together
 * (batches form only when many inputs are in flight); drops inputs whose hook deadline has passed
 * (no retry after the deadline), and publishes a heartbeat with its execution provider and batch
 * statistics. Accepts both job names: batch jobs and the single-input jobs of older HTTP services.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ModelInfo, ScoreBatchJobResult, ScoreJobData, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { batchSize, inferenceRows, inferenceRuns } from '../metrics';
import { removeHeartbeat, writeHeartbeat } from './heartbeat';
import { signScoringResult } from './result-signature';
import { readHeartbeatMetrics } from './heartbeat-metrics';
import {
  JOB_FAILURE, SCORE_BATCH_JOB_NAME, checkRedisConfig, type JobFailureReason, type QueueLogger, redisClientOptions,
  scoreBatchEnvelopeSchema, scoreBatchItemSchema, scoreJobDataSchema, type WorkerHeartbeat,
} from './protocol';
import { workerActiveJobs, workerJobs, workerQueueWait } from './worker-metrics';

/** What became of one input: its output, or a fixed failure reason. */
type ScoreItemOutcome = { output: ScoringOutput } | { failure: JobFailureReason };

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
  /** Inputs handled since start, by outcome (a batch job counts each of its items). */
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
  /** Counts per input: a batch job adds one outcome per item. */
  const count = (outcome: keyof typeof counts, n = 1): void => { counts[outcome] += n; workerJobs.inc({ outcome }, n); };
  let warnings: string[] = [];

  /**
   * Scores one checked input. Never throws: a failure is one of the fixed JOB_FAILURE reasons (no
   * error message, which could carry input values, leaves this process). Counted per input.
   */
  const scoreItem = async (data: ScoreJobData): Promise<ScoreItemOutcome> => {
    // No work after the deadline: the hook has answered already (also covers stalled jobs that
    // come back after their worker died).
    if (Date.now() >= data.deadline) {
      count('expired');
      return { failure: JOB_FAILURE.expired };
    }
    const mismatch = findVersionMismatch(data.modelVersions, engine.models());
    if (mismatch) {
      count('version_mismatch');
      log.warn({ queue: queueName, mismatch }, 'job expects a model version this worker does not run');
      return { failure: JOB_FAILURE.versionMismatch };
    }
    workerActiveJobs.inc();
    try {
      const output = engine.scoreValidated
        ? await engine.scoreValidated(data.input, { deadline: data.deadline })
        : await engine.score(data.input, { deadline: data.deadline });
      count('completed');
      return { output };
    } catch (err) {
      // The scorer refuses work once the deadline has passed (e.g. a job taken just before it).
      if (Date.now() >= data.deadline) {
        count('expired');
        return { failure: JOB_FAILURE.expired };
      }
      count('failed');
      // The message stays in this process's log; Redis only gets the fixed reason.
      log.error({ err: (err as Error).message, serviceId: data.input.serviceId }, 'scoring failed');
      return { failure: JOB_FAILURE.scoring };
    } finally {
      workerActiveJobs.dec();
    }
  };

  /** A single-input job ({@link SCORE_JOB_NAME}, from HTTP services of an older release): fails as a whole. */
  const processSingleJob = async (job: Job): Promise<ScoringOutput> => {
    const parsed = scoreJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      count('invalid');
      throw new UnrecoverableError(JOB_FAILURE.invalid);
    }
    const outcome = await scoreItem(parsed.data);
    if ('failure' in outcome) throw new UnrecoverableError(outcome.failure);
    return options.resultSecret && job.id ? signScoringResult(outcome.output, job.id, options.resultSecret) : outcome.output;
  };

  /**
   * A batch job ({@link SCORE_BATCH_JOB_NAME}): all items are scored at once, so that their rows
   * meet in the micro-batchers and share onnxruntime runs. Each item has its own outcome; one
   * invalid, expired or failing item does not fail the others. The job itself fails only when its
   * envelope is invalid or every item's deadline has passed.
   */
  const processBatchJob = async (job: Job): Promise<ScoreBatchJobResult> => {
    const envelope = scoreBatchEnvelopeSchema.safeParse(job.data);
    if (!envelope.success) {
      count('invalid');
      throw new UnrecoverableError(JOB_FAILURE.invalid);
    }
    const { items, deadline } = envelope.data;
    if (Date.now() >= deadline) {
      count('expired', items.length);
      throw new UnrecoverableError(JOB_FAILURE.expired);
    }
    const results = await Promise.all(items.map((raw): Promise<ScoreItemOutcome> => {
      const item = scoreBatchItemSchema.safeParse(raw);
      if (!item.success) {
        count('invalid');
        return Promise.resolve({ failure: JOB_FAILURE.invalid });
      }
      return scoreItem(item.data);
    }));
    const result: ScoreBatchJobResult = { results };
    // One signature over the whole result, bound to the job id (result-signature.ts).
    return options.resultSecret && job.id ? signScoringResult(result, job.id, options.resultSecret) : result;
  };

  const processJob = (job: Job): Promise<ScoringOutput | ScoreBatchJobResult> => {
    workerQueueWait.observe(Math.max(0, Date.now() - job.timestamp) / 1000);
    return job.name === SCORE_BATCH_JOB_NAME ? processBatchJob(job) : processSingleJob(job);
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

