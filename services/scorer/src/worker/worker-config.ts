/**
 * Configuration of a scorer worker process (`npm run start:scorer`), from the environment, validated
 * at startup. The scorer's own settings (device, batching, model folders) come from ScorerConfig.
 */
import { z } from 'zod';

export const workerConfigSchema = z.object({
  /** Redis the HTTP service enqueues on (required for a worker). */
  REDIS_URL: z.string().min(1),
  /** BullMQ queue name; must equal the HTTP service's QUEUE_NAME. @defaultValue 'prognos-score' */
  QUEUE_NAME: z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"').default('prognos-score'),
  /**
   * Jobs taken at once. Concurrent jobs are what lets the micro-batcher form batches (a GPU pays
   * off only with batches). @defaultValue 16
   */
  SCORER_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(16),
  /** Port of this worker's /metrics, /healthz and /readyz; 0 = no HTTP server. @defaultValue 9464 */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default('0.0.0.0'),
  /**
   * BullMQ job lock, ms: a killed worker's jobs become stalled this long after its last renewal.
   * Short, since hook deadlines are ~2 s; renewed every half period. @defaultValue 10000
   */
  SCORER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  /** Interval of BullMQ's stalled-job check, ms. @defaultValue 5000 */
  SCORER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(5000),
  /** Times a job may be recovered from stalled before it fails. @defaultValue 1 */
  SCORER_MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(10).default(1),
  /** Heartbeat period, ms (the heartbeat key lives 3 periods). @defaultValue 5000 */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(200).max(60_000).default(5000),
  /** On SIGTERM, time given to in-flight jobs before the worker force-closes, ms. @defaultValue 10000 */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /**
   * Shared secret (32+ characters) results are signed with (HMAC-SHA256); the HTTP service must have
   * the same SCORING_RESULT_SECRET. Required unless NODE_ENV is development or test.
   */
  SCORING_RESULT_SECRET: z.string().min(32).optional(),
  /** Compared case-insensitively; without SCORING_RESULT_SECRET the worker starts only in `development` or `test`. */
  NODE_ENV: z.string().optional().transform((v) => v?.trim().toLowerCase() || undefined),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid scorer worker configuration:\n${z.prettifyError(parsed.error)}`);
  const dev = parsed.data.NODE_ENV === 'development' || parsed.data.NODE_ENV === 'test';
  if (!parsed.data.SCORING_RESULT_SECRET && !dev) {
    throw new Error('SCORING_RESULT_SECRET is required (the HTTP service refuses unsigned results); set NODE_ENV=development to run without it on purpose');
  }
  return parsed.data;
}
