/**
 * What the HTTP side (producer) and the scorer workers agree on about Redis: the job payload schema,
 * the job name, failure reasons, heartbeat keys and record, connection options and the Redis
 * configuration check. Both processes import this one file so the key layout cannot drift.
 */
import { scoringInputSchema, type ScoreBatchJobData, type ScoreJobData } from '@prognos/contracts';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { HeartbeatMetric } from './heartbeat-metrics';

/** The pino-compatible logger subset both sides of the queue accept (tests pass a capturing one). */
export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/**
 * BullMQ job name of a single-input scoring job (the queue name comes from QUEUE_NAME). HTTP services
 * now send {@link SCORE_BATCH_JOB_NAME}; workers still take this one from HTTP services of an older
 * release during a rolling upgrade.
 */
export const SCORE_JOB_NAME = 'score';

/** BullMQ job name of a batch job: several inputs of one HTTP process ({@link ScoreBatchJobData}). */
export const SCORE_BATCH_JOB_NAME = 'score-batch';

/** Most inputs one batch job may carry (the HTTP side's QUEUE_MAX_BATCH is capped at this). */
export const SCORE_BATCH_MAX_ITEMS = 256;

/**
 * Failure reasons a worker writes as the job's failedReason. Fixed strings only: a thrown error's
 * own message could carry input values, and failedReason is stored in Redis and in the event stream.
 */
export const JOB_FAILURE = {
  /** The hook deadline passed before a worker picked the job (or batch item) up: dropped, never retried. */
  expired: 'expired',
  /** The payload (or, in a batch job, the item) failed scoreJobDataSchema. */
  invalid: 'invalid_job_data',
  /** The worker's models differ from the versions the HTTP side announced in discovery. */
  versionMismatch: 'model_version_mismatch',
  /** The scorer threw. */
  scoring: 'scoring_error',
} as const;
export type JobFailureReason = (typeof JOB_FAILURE)[keyof typeof JOB_FAILURE];

/** Runtime schema of {@link ScoreJobData}: the worker validates every job with it. */
export const scoreJobDataSchema = z.object({
  input: scoringInputSchema,
  modelVersions: z.record(z.string(), z.string()),
  deadline: z.number().int().positive(),
}).strict() satisfies z.ZodType<ScoreJobData>;

/** One item of a batch job: exactly a {@link scoreJobDataSchema} (each item has its own deadline). */
export const scoreBatchItemSchema = scoreJobDataSchema;

/**
 * The envelope of a batch job, items unchecked: the worker checks each item on its own, so that one
 * invalid item fails that item only.
 */
export const scoreBatchEnvelopeSchema = z.object({
  items: z.array(z.unknown()).min(1).max(SCORE_BATCH_MAX_ITEMS),
  deadline: z.number().int().positive(),
}).strict();

/** Runtime schema of {@link ScoreBatchJobData} (envelope and every item). */
export const scoreBatchJobDataSchema = scoreBatchEnvelopeSchema.extend({
  items: z.array(scoreBatchItemSchema).min(1).max(SCORE_BATCH_MAX_ITEMS),
}).strict() satisfies z.ZodType<ScoreBatchJobData>;

/** Heartbeat a worker writes every few seconds; the HTTP side lists these as "workers online". */
export interface WorkerHeartbeat {
  /** `${hostname}-${pid}-${random}`: identifies a process, carries no patient data. */
  id: string;
  host: string;
  pid: number;
  queue: string;
  /** Execution provider that actually created the sessions ('cpu' | 'cuda'). */
  provider: string;
  concurrency: number;
  /** ISO 8601. */
  started: string;
  /** ISO 8601, the worker's clock. Freshness is decided by the key's TTL, not by this value. */
  lastSeen: string;
  /** Rows and onnxruntime runs per model since start; rows / runs is the mean batch size. */
  batches: Record<string, { rows: number; runs: number }>;
  /** Batch-size distribution over all models: histogram bucket upper bound (rows) → runs in that bucket. */
  batchSizes: Record<string, number>;
  /** Inputs by outcome since start (completed, expired, invalid, version_mismatch, failed); a batch job counts each item. */
  jobs: Record<string, number>;
  /**
   * The worker's inference and not-computed series (heartbeat-metrics.ts), for the dashboard's
   * distributed aggregation. Optional: older workers do not send it.
   */
  metrics?: HeartbeatMetric[];
}

/** Sorted set (score = last beat, ms) indexing the workers of a queue. */
export function workerIndexKey(queueName: string): string {
  return `prognos:workers:${queueName}`;
}

/** String key holding one worker's {@link WorkerHeartbeat} as JSON, with a TTL. */
export function workerHeartbeatKey(queueName: string, workerId: string): string {
  return `prognos:worker:${queueName}:${workerId}`;
}

/** Default heartbeat period, ms; a worker is "online" while its key lives (3 periods). */
export const HEARTBEAT_INTERVAL_MS = 5000;

/** The ioredis options we set (assignable to both ioredis's and BullMQ's option types). */
export interface RedisClientOptions {
  retryStrategy: (times: number) => number;
  connectTimeout: number;
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
}

/**
 * ioredis options for our connections. Reconnects back off quickly and cap at 2 s so that service
 * resumes within seconds of Redis returning (BullMQ's own default caps at 20 s).
 * - 'command': fails fast while disconnected (no offline queue, no retry of in-flight commands):
 *   a hook must never wait for Redis beyond its deadline.
 * - 'blocking': for Worker / QueueEvents, which BullMQ requires to have maxRetriesPerRequest null.
 */
export function redisClientOptions(kind: 'command' | 'blocking'): RedisClientOptions {
  return {
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    connectTimeout: 2000,
    maxRetriesPerRequest: kind === 'blocking' ? null : 0,
    enableOfflineQueue: kind === 'blocking',
  };
}

/**
 * Warnings when Redis could lose jobs, results or feedback: an eviction policy other than
 * `noeviction` (BullMQ keys evicted under memory pressure), or neither AOF nor RDB snapshots.
 * Returns [] when the configuration is safe; never throws (managed Redis often disables CONFIG).
 */
export async function checkRedisConfig(redis: Redis): Promise<string[]> {
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    const save = (await redis.config('GET', 'save')) as string[];
    const warnings: string[] = [];
    if (policy[1] !== 'noeviction') {
      warnings.push(`Redis maxmemory-policy is '${policy[1] ?? 'unknown'}', not 'noeviction': `
        + 'queued jobs and feedback can be evicted under memory pressure (set maxmemory-policy noeviction)');
    }
    if (aof[1] !== 'yes' && !save[1]) {
      warnings.push('Redis has no persistence (appendonly no and no RDB save points): '
        + 'feedback and queued jobs are lost on restart (set appendonly yes)');
    }
    return warnings;
  } catch (err) {
    return [`Could not read Redis configuration (CONFIG GET failed: ${(err as Error).message}); `
      + 'check that maxmemory-policy is noeviction and persistence is on'];
  }
}
