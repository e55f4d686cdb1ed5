/**
 * GET /api/dashboard/summary: metric totals plus what the dependencies report (readiness, models,
 * feedback store, queue, workers). Every dependency call is bounded by a timeout and its failure is
 * reported in the JSON, so one slow Redis call never blanks the whole dashboard.
 */
import { z } from 'zod';
import type { Registry } from 'prom-client';
import { computeTotals, type MetricTotals } from './metric-totals';
import { sumCounter, takeSnapshot, type MetricSnapshot } from './metric-snapshot';
import { mergeWorkerMetrics } from './worker-metrics-merge';
import type { ProcessHealth, ProcessHealthMonitor } from './process-health';
import { readRedisHealth, type RedisHealth } from './redis-health';
import type { OperatorAccess } from './operator-auth';
import type { FeedbackSummary, OpsDependencies, WorkerInfo } from './ops-dependencies';
import { isBullQueue, readQueueCounts, withTimeout, type QueueCounts } from './queue-stats';

/** Timeout for each dependency call made for one dashboard refresh, ms. */
export const DEPENDENCY_TIMEOUT_MS = 1500;

const feedbackSummarySchema = z.object({
  accepted: z.number().nonnegative().optional(),
  overridden: z.number().nonnegative().optional(),
  acceptanceRate: z.number().min(0).max(1).nullable().optional(),
  overrideRate: z.number().min(0).max(1).nullable().optional(),
  topOverrideReasons: z.array(z.object({
    code: z.string().optional(),
    reason: z.string().optional(),
    display: z.string().optional(),
    count: z.number().nonnegative(),
  })).optional(),
});

export interface WorkersSummary {
  online: number;
  byProvider: Record<string, number>;
  /** Runs per batch size, all workers together. */
  batchSizes: Record<string, number>;
  list: WorkerInfo[];
}

export interface DashboardSummary extends MetricTotals {
  generatedAt: string;
  refreshMs: number;
  sampleIntervalMs: number;
  windowMs: number;
  service: {
    nodeEnv: string;
    mode: 'embedded' | 'distributed';
    authMode: 'jwt' | 'development';
    operatorAccess: OperatorAccess;
    metricsProtected: boolean;
    executionProvider: string | null;
    /** HOOK_DEADLINE_MS: drawn as a line on the latency charts. */
    hookDeadlineMs: number | null;
  };
  process: ProcessHealth | null;
  /** Distributed mode: Redis INFO (memory, clients, eviction policy, persistence); null in embedded mode. */
  redis: (RedisHealth & { error?: string }) | null;
  /** The latest errors, newest first (time, service, status, reason, issuer: no patient data). */
  recentErrors: { time: string; service: string; status: number; reason: string; issuer: string }[];
  readiness: { ready: boolean; degraded?: boolean; checks: Record<string, { ok: boolean; detail?: string }>; error?: string };
  models: { id: string; version: string; citation: string; loadMs?: number; origin: string }[];
  /** What the feedback store reports (may cover more than this process' lifetime); null when unknown. */
  feedbackStore: FeedbackSummary | null;
  queue: { counts: QueueCounts | null; error?: string; batches: BatchJobs } | null;
  workers: (WorkersSummary & { error?: string }) | null;
  /** Hook calls waiting, as bytes, for HOOK_MAX_CONCURRENT (this process). */
  hooksWaitingAdmission: number;
}

/** Scoring jobs this process sent and the calls they carried (group commit, queue/job-batcher.ts). */
export interface BatchJobs {
  jobs: number;
  inputs: number;
  /** inputs / jobs; null before any job. */
  inputsPerJob: number | null;
}

function batchJobs(snapshot: MetricSnapshot): BatchJobs {
  let jobs = 0;
  let inputs = 0;
  for (const h of snapshot.histograms.prognos_queue_batch_inputs ?? []) { jobs += h.count; inputs += h.sum; }
  return { jobs, inputs, inputsPerJob: jobs > 0 ? inputs / jobs : null };
}

/** Calls `f`, turning a synchronous throw into a rejection. */
function attempt<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function summarizeWorkers(list: WorkerInfo[]): WorkersSummary {
  const byProvider: Record<string, number> = {};
  const batchSizes: Record<string, number> = {};
  for (const w of list) {
    byProvider[w.provider] = (byProvider[w.provider] ?? 0) + 1;
    for (const [size, runs] of Object.entries(w.batches ?? {})) batchSizes[size] = (batchSizes[size] ?? 0) + runs;
  }
  // The raw series stay server-side: they are merged into the totals, not listed.
  return { online: list.length, byProvider, batchSizes, list: list.map(({ metrics: _metrics, ...w }) => w) };
}

function emptyRedis(): RedisHealth {
  return {
    version: null, uptimeS: null, usedMemory: null, peakMemory: null, maxMemory: null, connectedClients: null, blockedClients: null,
    evictionPolicy: null, aofEnabled: null, rdbLastSaveStatus: null, rdbChangesSinceLastSave: null, warnings: [],
  };
}

export async function buildDashboardSummary(
  deps: OpsDependencies,
  registry: Registry,
  settings: { refreshMs: number; sampleIntervalMs: number; windowMs: number; operatorAccess: OperatorAccess; processHealth?: ProcessHealthMonitor },
): Promise<DashboardSummary> {
  const now = Date.now();
  const queue = isBullQueue(deps.queue) ? deps.queue : undefined;
  const [metrics, readiness, feedbackStore, queueCounts, workers, redis] = await Promise.allSettled([
    registry.getMetricsAsJSON(),
    withTimeout(attempt(() => deps.readiness()), DEPENDENCY_TIMEOUT_MS, 'readiness'),
    withTimeout(attempt(() => deps.feedbackSummary()), DEPENDENCY_TIMEOUT_MS, 'feedback store'),
    queue ? attempt(() => readQueueCounts(queue, DEPENDENCY_TIMEOUT_MS)) : Promise.resolve(null),
    deps.workers ? withTimeout(attempt(() => deps.workers!()), DEPENDENCY_TIMEOUT_MS, 'workers') : Promise.resolve(null),
    queue ? withTimeout(attempt(() => readRedisHealth(queue as never)), DEPENDENCY_TIMEOUT_MS, 'Redis INFO') : Promise.resolve(null),
  ]);
  if (metrics.status === 'rejected') throw metrics.reason;
  let models: DashboardSummary['models'] = [];
  let executionProvider: string | null = null;
  try {
    models = deps.models();
    executionProvider = deps.executionProvider();
  } catch {
    // models not loaded yet: readiness says so
  }
  // One snapshot for the totals, the batch jobs and the admission gauge.
  const snapshot = takeSnapshot(mergeWorkerMetrics(metrics.value, workers.status === 'fulfilled' ? workers.value : null), now);
  const parsedFeedback = feedbackStore.status === 'fulfilled' ? feedbackSummarySchema.safeParse(feedbackStore.value) : null;
  return {
    generatedAt: new Date(now).toISOString(),
    refreshMs: settings.refreshMs,
    sampleIntervalMs: settings.sampleIntervalMs,
    windowMs: settings.windowMs,
    service: {
      nodeEnv: deps.config.NODE_ENV ?? '(unset)',
      mode: queue || deps.config.REDIS_URL ? 'distributed' : 'embedded',
      authMode: deps.authMode,
      operatorAccess: settings.operatorAccess,
      metricsProtected: deps.config.METRICS_PROTECTED,
      executionProvider,
      hookDeadlineMs: (deps.config as { HOOK_DEADLINE_MS?: number }).HOOK_DEADLINE_MS ?? null,
    },
    process: settings.processHealth?.read() ?? null,
    redis: queue
      ? (redis.status === 'fulfilled' && redis.value ? redis.value : { ...emptyRedis(), error: redis.status === 'rejected' ? message(redis.reason) : 'unknown' })
      : null,
    recentErrors: deps.recentErrors?.() ?? [],
    readiness: readiness.status === 'fulfilled'
      ? readiness.value
      : { ready: false, checks: {}, error: message(readiness.reason) },
    models,
    feedbackStore: parsedFeedback?.success ? (parsedFeedback.data as FeedbackSummary) : null,
    queue: queue
      ? (queueCounts.status === 'fulfilled'
        ? { counts: queueCounts.value, batches: batchJobs(snapshot) }
        : { counts: null, error: message(queueCounts.reason), batches: batchJobs(snapshot) })
      : null,
    hooksWaitingAdmission: sumCounter(snapshot, 'prognos_hooks_waiting_admission', []).reduce((n, g) => n + g.value, 0),
    workers: deps.workers
      ? (workers.status === 'fulfilled'
        ? summarizeWorkers(workers.value ?? [])
        : { ...summarizeWorkers([]), error: message(workers.reason) })
      : null,
    ...computeTotals(snapshot),
  };
}
