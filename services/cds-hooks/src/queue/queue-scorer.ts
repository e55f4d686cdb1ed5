/**
 * The distributed ScoringEngine: score() hands its input to the group-commit batcher
 * (job-batcher.ts), which sends it at once as a batch job of one while fewer than
 * QUEUE_MAX_JOBS_IN_FLIGHT jobs are out, or else with the other calls that arrive meanwhile as the
 * next batch job (up to QUEUE_MAX_BATCH inputs) when a job finishes; score() resolves with its own
 * item of the worker's result. Results come back through ONE QueueEvents listener per process and
 * maps of pending calls and jobs, each call raced against its own deadline (BullMQ's
 * waitUntilFinished adds listeners per job and leaks them under load). When Redis is unreachable, calls go to the configured fallback at once (the
 * producer connection has no offline queue, so nothing waits on a dead socket), readiness reports
 * degraded, and service resumes by itself when ioredis reconnects.
 */
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import {
  scoringInputSchema, type CdsServiceDescriptor, type ModelInfo, type ScoreBatchJobData, type ScoreBatchJobResult,
  type ScoringEngine, type ScoringInput, type ScoringOutput,
} from '@prognos/contracts';
import {
  SCORE_BATCH_JOB_NAME, checkRedisConfig, type QueueLogger, createInProcessScorer, loadScorerConfig, readHeartbeats, redisClientOptions,
  verifyScoringResult, type WorkerHeartbeat,
} from '@prognos/scorer';
import type { Config } from '../config';
import { stageDuration } from '../metrics';
import { unminimisedField } from '../pipeline/minimise-scoring-input';
import { QueueUnavailableError, ScoringDeadlineError, ScoringJobFailedError, ScoringRequestError } from './queue-errors';
import { JobBatcher } from './job-batcher';
import { queueBatchInputs, queueFallbacks, queueJobs, queuePending, queueRedisUp } from './queue-metrics';
import { startRetentionSweeper } from './retention-sweeper';
import { scoreBatchResultSchema } from './scoring-output-schema';


export interface QueueScorerDeps {
  /** Service descriptors and model infos (loadServiceCatalog): job data carries the model versions. */
  catalog: { services: CdsServiceDescriptor[]; models: ModelInfo[] };
  /**
   * Engine used while Redis is unreachable when QUEUE_FALLBACK is 'in-process'; created lazily on
   * the first outage. @defaultValue createInProcessScorer(loadScorerConfig())
   */
  fallback?: () => Promise<ScoringEngine> | ScoringEngine;
  logger?: QueueLogger;
}

/** A scorer worker seen through its heartbeat. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  provider: string;
  concurrency: number;
  started: string;
  lastSeen: string;
  /** Batch-size distribution (as the dashboard reads it): bucket upper bound in rows → runs. */
  batches: Record<string, number>;
  /** Mean batch size (rows / runs) per model since the worker started. */
  meanBatch: Record<string, number>;
  rows: Record<string, number>;
  runs: Record<string, number>;
  /** Jobs by outcome since the worker started. */
  jobs: Record<string, number>;
  /** The worker's inference / not-computed series (for the dashboard's aggregation); absent from older workers. */
  metrics?: WorkerHeartbeat['metrics'];
}

export interface QueueScorerStats {
  /** Calls waiting for their result: held here for the next job, or in a job sent. */
  pending: number;
  /** Of those, calls held here for the next job (all QUEUE_MAX_JOBS_IN_FLIGHT jobs are out). */
  queued: number;
  /** Inputs sent to Redis (in batch jobs); submitted / jobs is the mean batch. */
  submitted: number;
  /** Batch jobs sent to Redis. */
  jobs: number;
  completed: number;
  failed: number;
  /**
   * Calls that hit the deadline while held here (never sent), or while their job was queued or
   * running.
   */
  deadline: number;
  /** Jobs still waiting, all of whose calls had hit their deadline, removed from the queue. */
  removedAtDeadline: number;
  /** Calls answered by the fallback (or rejected as unavailable) because Redis was unreachable. */
  fallback: number;
  /** Jobs that gave their in-flight slot back after QUEUE_JOB_SLOT_MS without a result (stragglers). */
  slotTimeouts: number;
}

export interface QueueScorer extends ScoringEngine {
  readonly mode: 'distributed';
  /** The BullMQ queue (for @bull-board and queue counts). */
  readonly queue: Queue;
  /** Workers online (fresh heartbeat); [] while Redis is unreachable. */
  workers(): Promise<WorkerInfo[]>;
  /** Warnings from the Redis configuration check (eviction policy, persistence). */
  redisWarnings(): string[];
  stats(): QueueScorerStats;
  readiness(): Promise<{ ready: boolean; degraded: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
}

interface PendingCall {
  input: ScoringInput;
  /** The model versions its service announced in discovery (the worker checks them). */
  modelVersions: Record<string, string>;
  deadline: number;
  enqueuedAt: number;
  resolve(output: ScoringOutput): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  /** The batch job carrying it; undefined while it is held here for the next job. */
  job?: BatchJob;
}

/** A batch job sent to Redis. */
interface BatchJob {
  id: string;
  /** Its calls, in the order of the job's items (and of the result's entries). */
  calls: PendingCall[];
  /** Calls still waiting for this job's result. */
  open: number;
  /** Its result was read, or it failed, could not be added, was lost with Redis, or every call timed out. */
  finished: boolean;
  /** It still counts against QUEUE_MAX_JOBS_IN_FLIGHT (until finished or QUEUE_JOB_SLOT_MS). */
  holdsSlot: boolean;
  slotTimer?: NodeJS.Timeout;
}

/**
 * A fresh id per batch job. BullMQ custom ids must not contain ':' nor be a bare integer; the
 * correlation ids of the calls travel inside the job.
 */
function newBatchJobId(): string {
  return `b-${randomBytes(12).toString('hex')}`;
}

/**
 * Correlation ids were the BullMQ job ids before batch jobs, and are still held to BullMQ's custom
 * id rules (no ':', the key separator; not a bare integer) so that an older worker or tool reading
 * them never meets a surprise.
 */
const SAFE_JOB_ID = /^(?!\d+$)[A-Za-z0-9._-]{1,100}$/;
/** Replay window of the event stream at start, ms: no completion is missed while QueueEvents connects. */
const EVENT_REPLAY_MS = 60_000;
const READINESS_TIMEOUT_MS = 1000;

/**
 * QueueEvents.close() waits for a connection that never became ready (Redis down since start):
 * give it a moment, then close its backend by force so no socket or timer is left behind.
 */
async function closeEvents(events: QueueEvents): Promise<void> {
  const closing = events.close().then(() => true, () => true);
  if (!(await withTimeout(closing, 500, 'closing QueueEvents').catch(() => false))) {
    await withTimeout(events.getBackend().close(true), 500, 'closing the QueueEvents connection').catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Creates the distributed engine. Resolves at once even when Redis is down (connections retry in
 * the background); calls are then served by the fallback until Redis answers.
 */
export async function createQueueScorer(config: Config, depsOrCatalog: QueueScorerDeps | QueueScorerDeps['catalog']): Promise<QueueScorer> {
  // A bare catalogue is accepted too (what the composition root has at hand).
  const deps: QueueScorerDeps = 'catalog' in depsOrCatalog ? depsOrCatalog : { catalog: depsOrCatalog };
  const redisUrl = config.REDIS_URL;
  if (!redisUrl) throw new Error('createQueueScorer needs REDIS_URL');
  const queueName = config.QUEUE_NAME;
  if (queueName.includes(':')) throw new Error('QUEUE_NAME must not contain ":"');
  const log: QueueLogger = deps.logger ?? pino({ name: 'prognos-queue', level: config.LOG_LEVEL });
  const fallbackMode = config.QUEUE_FALLBACK;
  const resultSecret = config.SCORING_RESULT_SECRET;
  const keep = { age: config.QUEUE_JOB_RETENTION_S, count: config.QUEUE_JOB_RETENTION_COUNT };

  const versionsByService = new Map<string, Record<string, string>>();
  for (const service of deps.catalog.services) {
    const versions: Record<string, string> = {};
    for (const modelId of service.models) {
      const model = deps.catalog.models.find((m) => m.id === modelId);
      if (model) versions[modelId] = model.version;
    }
    versionsByService.set(service.id, versions);
  }

  const stats: QueueScorerStats = {
    pending: 0, queued: 0, submitted: 0, jobs: 0, completed: 0, failed: 0, deadline: 0, removedAtDeadline: 0, fallback: 0, slotTimeouts: 0,
  };
  /** Calls waiting for a result, by correlation id (held here or in a job sent). */
  const pending = new Map<string, PendingCall>();
  /** Batch jobs sent whose result has not come back, by job id. */
  const jobs = new Map<string, BatchJob>();
  let closed = false;
  let warnings: string[] = [];
  let lastError = '';

  // Producer: commands fail fast while disconnected (no offline queue), and it is our gauge of
  // Redis health. BullMQ shares it (and leaves it open on queue.close()).
  const producer = new Redis(redisUrl, { ...redisClientOptions('command'), connectionName: 'prognos-http' });
  producer.on('error', (err: Error) => {
    if (err.message !== lastError) log.warn({ err: err.message }, 'scoring queue Redis error (will reconnect)');
    lastError = err.message;
  });

  // A Queue whose initialisation failed (Redis dropped between 'ready' and its INFO call) stays
  // broken; replace it rather than rejecting every later add.
  let queue!: Queue;
  let queueReady = false;
  const openQueue = (): void => {
    const q = new Queue(queueName, { connection: producer });
    q.on('error', () => { /* producer errors are logged once above */ });
    queue = q;
    queueReady = false;
    q.waitUntilReady().then(() => { if (queue === q) queueReady = true; }, () => {
      if (queue === q && !closed) openQueue();
    });
  };
  openQueue();
  const sweeper = startRetentionSweeper(() => queue, () => !closed && producer.status === 'ready' && queueReady, keep.age,
    (err) => log.debug({ err: err.message }, 'job retention sweep failed'));

  const events = new QueueEvents(queueName, {
    connection: { url: redisUrl, ...redisClientOptions('blocking') },
    lastEventId: `${Date.now() - EVENT_REPLAY_MS}-0`,
    blockingTimeout: 2000,
  });
  events.on('error', () => { /* reconnects by itself */ });

  const usable = (): boolean => !closed && producer.status === 'ready' && queueReady;

  let fallbackEngine: Promise<ScoringEngine> | undefined;
  const getFallback = (): Promise<ScoringEngine> => {
    fallbackEngine ??= Promise.resolve()
      .then(() => (deps.fallback ? deps.fallback() : createInProcessScorer(loadScorerConfig())))
      .catch((err: unknown) => {
        fallbackEngine = undefined;
        log.error({ err: (err as Error).message }, 'in-process fallback scorer could not be created');
        throw new QueueUnavailableError('scoring queue unavailable and the in-process fallback failed to start');
      });
    return fallbackEngine;
  };

  /** Scores without the queue (Redis unreachable), within the deadline. */
  const scoreByFallback = (input: ScoringInput, deadline: number): Promise<ScoringOutput> => {
    stats.fallback += 1;
    queueFallbacks.inc({ fallback: fallbackMode });
    if (fallbackMode === 'empty') return Promise.reject(new QueueUnavailableError());
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      getFallback().then((engine) => engine.score(input, { deadline })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ScoringDeadlineError()), Math.max(0, deadline - Date.now()));
      }),
    ]).finally(() => clearTimeout(timer));
  };

  /** Removes a call from the pending ones; false when it was answered already. */
  const take = (call: PendingCall): boolean => {
    const id = call.input.correlationId;
    if (pending.get(id) !== call) return false;
    pending.delete(id);
    clearTimeout(call.timer);
    if (call.job) call.job.open -= 1;
    queuePending.set(pending.size);
    return true;
  };

  /** Gives the job's batcher slot back (once), so that the calls held here leave as the next job. */
  const releaseSlot = (job: BatchJob): void => {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    clearTimeout(job.slotTimer);
    batcher.jobFinished();
  };

  /** The job is done with: its slot is given back and its result, if one still comes, ignored. */
  const finishJob = (job: BatchJob): void => {
    if (job.finished) return;
    job.finished = true;
    jobs.delete(job.id);
    releaseSlot(job);
  };

  /** Rejects every call of the job still waiting for it. */
  const failOpenCalls = (job: BatchJob, reason: string, outcome: string): void => {
    for (const call of job.calls) {
      if (!take(call)) continue;
      stats.failed += 1;
      queueJobs.inc({ outcome });
      call.reject(new ScoringJobFailedError(reason));
    }
  };

  const sendJob = (calls: PendingCall[]): void => {
    const job: BatchJob = { id: newBatchJobId(), calls, open: calls.length, finished: false, holdsSlot: true };
    // A straggler (a worker killed or stalled under it) gives its slot back after QUEUE_JOB_SLOT_MS
    // and its calls keep waiting for it until their deadlines: the calls held behind it leave at once
    // instead of waiting for every call of a stuck job to time out.
    job.slotTimer = setTimeout(() => {
      if (!job.holdsSlot) return;
      stats.slotTimeouts += 1;
      releaseSlot(job);
    }, config.QUEUE_JOB_SLOT_MS);
    job.slotTimer.unref();
    for (const call of calls) call.job = job;
    jobs.set(job.id, job);
    stats.submitted += calls.length;
    stats.jobs += 1;
    const data: ScoreBatchJobData = {
      items: calls.map((c) => ({ input: c.input, modelVersions: c.modelVersions, deadline: c.deadline })),
      deadline: Math.max(...calls.map((c) => c.deadline)),
    };
    queue.add(SCORE_BATCH_JOB_NAME, data, {
      jobId: job.id,
      // One attempt: a retry could only start after the hooks have answered.
      attempts: 1,
      removeOnComplete: keep,
      removeOnFail: keep,
    }).then(() => queueBatchInputs.observe(calls.length), (err: Error) => {
      // The connection dropped during the add: score its calls without the queue instead.
      stats.submitted -= calls.length;
      stats.jobs -= 1;
      finishJob(job);
      log.debug({ err: err.message }, 'enqueue failed; using the fallback');
      for (const call of calls) {
        if (take(call)) scoreByFallback(call.input, call.deadline).then(call.resolve, call.reject);
      }
    });
  };

  const onDeadline = (call: PendingCall): void => {
    const job = call.job;
    if (!take(call)) return;
    // Held here: it never reaches Redis.
    if (!job) batcher.withdraw(call);
    stats.deadline += 1;
    queueJobs.inc({ outcome: 'deadline' });
    call.reject(new ScoringDeadlineError());
    // Shed the work nobody waits for: a job all of whose calls timed out gives its slot back, and
    // when still waiting it is removed (an active one is locked and left to its worker; a stalled
    // one expires at pick-up).
    if (job && job.open === 0 && !job.finished) {
      finishJob(job);
      if (usable()) {
        queue.remove(job.id).then((n) => { if (n > 0) stats.removedAtDeadline += 1; }, () => undefined);
      }
    }
  };

  const batcher = new JobBatcher<PendingCall>({
    maxJobsInFlight: config.QUEUE_MAX_JOBS_IN_FLIGHT,
    maxBatch: config.QUEUE_MAX_BATCH,
    send: sendJob,
    // A call whose deadline passed while held here (its timer not yet run) is answered, not sent.
    discard: (call) => {
      if (pending.get(call.input.correlationId) !== call) return true;
      if (Date.now() < call.deadline) return false;
      onDeadline(call);
      return true;
    },
  });

  /** Redis went away under pending calls: no result can come back, so answer them now. */
  const reroutePending = (): void => {
    // Held calls are pending too; take them out first so that no job is formed from them.
    batcher.withdrawAll();
    for (const job of [...jobs.values()]) finishJob(job);
    for (const call of [...pending.values()]) {
      if (!take(call)) continue;
      scoreByFallback(call.input, call.deadline).then(call.resolve, call.reject);
    }
  };

  producer.on('ready', () => {
    queueRedisUp.set(1);
    if (lastError) log.info({ queue: queueName }, 'scoring queue Redis reachable again');
    lastError = '';
    void checkRedisConfig(producer).then((w) => {
      if (w.join() !== warnings.join()) for (const line of w) log.warn({ queue: queueName }, line);
      warnings = w;
    });
  });
  producer.on('close', () => {
    queueRedisUp.set(0);
    if (closed) return;
    // Lazily create (and warm) the in-process fallback at the first outage, before calls need it.
    if (fallbackMode === 'in-process') getFallback().catch(() => undefined);
    reroutePending();
  });
  queueRedisUp.set(producer.status === 'ready' ? 1 : 0);

  events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    const job = jobs.get(jobId);
    if (!job) return;
    finishJob(job);
    if (job.open === 0) return;
    let value = returnvalue;
    if (typeof value === 'string') {
      try { value = JSON.parse(value); } catch { /* fails the shape check below */ }
    }
    // With a secret, only a result signed for this job by a worker holding it is trusted: one
    // signature covers every item, so no item can be forged, altered or replayed from another job.
    if (resultSecret && !verifyScoringResult(value, jobId, resultSecret)) {
      log.error({ queue: queueName }, 'scoring result refused: missing or invalid signature (SCORING_RESULT_SECRET)');
      failOpenCalls(job, 'forged_result', 'forged_result');
      return;
    }
    const parsed = scoreBatchResultSchema.safeParse(value);
    if (!parsed.success || parsed.data.results.length !== job.calls.length) {
      failOpenCalls(job, 'invalid_result', 'invalid_result');
      return;
    }
    const results = (value as ScoreBatchJobResult).results;
    job.calls.forEach((call, i) => {
      if (!take(call)) return; // answered already (its deadline)
      const result = results[i]!;
      if ('failure' in result) {
        stats.failed += 1;
        queueJobs.inc({ outcome: 'failed' });
        call.reject(new ScoringJobFailedError(result.failure));
        return;
      }
      const output = result.output;
      if (output.correlationId !== call.input.correlationId) {
        stats.failed += 1;
        queueJobs.inc({ outcome: 'invalid_result' });
        call.reject(new ScoringJobFailedError('invalid_result'));
        return;
      }
      stats.completed += 1;
      queueJobs.inc({ outcome: 'completed' });
      const roundTripS = (Date.now() - call.enqueuedAt) / 1000;
      stageDuration.observe({ service: output.serviceId, stage: 'queue_wait' }, Math.max(0, roundTripS - output.inferenceMs / 1000));
      call.resolve(output);
    });
  });
  events.on('failed', ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
    const job = jobs.get(jobId);
    if (!job) return;
    finishJob(job);
    failOpenCalls(job, failedReason, 'failed');
  });

  const score = (input: ScoringInput, options: { deadline: number }): Promise<ScoringOutput> => {
    if (closed) return Promise.reject(new ScoringRequestError('scoring engine is closed'));
    const deadline = options.deadline;
    const now = Date.now();
    if (!Number.isFinite(deadline)) return Promise.reject(new ScoringRequestError('deadline must be epoch milliseconds'));
    if (deadline <= now) return Promise.reject(new ScoringDeadlineError());
    // Only features and provenance may cross Redis; the strict schema refuses anything else.
    const checked = scoringInputSchema.safeParse(input);
    if (!checked.success) return Promise.reject(new ScoringRequestError('scoring input does not match scoringInputSchema'));
    // No exact dates, ages or hook time over Redis (minimise-scoring-input.ts).
    const unminimised = unminimisedField(input);
    if (unminimised) return Promise.reject(new ScoringRequestError(`scoring input is not minimised (${unminimised}); build it with buildScoringInput`));
    const id = input.correlationId;
    if (!SAFE_JOB_ID.test(id)) return Promise.reject(new ScoringRequestError('correlationId must match [A-Za-z0-9._-]{1,100} and not be a bare integer'));
    if (pending.has(id)) return Promise.reject(new ScoringRequestError('a job with this correlationId is already pending'));
    if (!usable()) return scoreByFallback(input, deadline);

    return new Promise<ScoringOutput>((resolve, reject) => {
      const call: PendingCall = {
        input: checked.data as ScoringInput, modelVersions: versionsByService.get(input.serviceId) ?? {},
        deadline, enqueuedAt: now, resolve, reject,
        timer: undefined as unknown as NodeJS.Timeout,
      };
      call.timer = setTimeout(() => onDeadline(call), deadline - now);
      pending.set(id, call);
      queuePending.set(pending.size);
      batcher.submit(call);
    });
  };

  const workers = async (): Promise<WorkerInfo[]> => {
    if (!usable()) return [];
    const beats = await withTimeout(readHeartbeats(producer, queueName), READINESS_TIMEOUT_MS, 'reading worker heartbeats');
    return beats.map((b) => {
      const meanBatch: Record<string, number> = {};
      const rows: Record<string, number> = {};
      const runs: Record<string, number> = {};
      for (const [model, s] of Object.entries(b.batches ?? {})) {
        rows[model] = s.rows;
        runs[model] = s.runs;
        meanBatch[model] = s.runs > 0 ? s.rows / s.runs : 0;
      }
      return {
        id: b.id, host: b.host, pid: b.pid, provider: b.provider, concurrency: b.concurrency, started: b.started,
        lastSeen: b.lastSeen, batches: b.batchSizes ?? {}, meanBatch, rows, runs, jobs: b.jobs ?? {},
        ...(Array.isArray(b.metrics) ? { metrics: b.metrics } : {}),
      };
    });
  };

  return {
    mode: 'distributed',
    get queue() { return queue; },
    score,
    workers,
    redisWarnings: () => [...warnings],
    stats: () => ({ ...stats, pending: pending.size, queued: batcher.waitingCount }),
    async readiness() {
      const checks: Record<string, { ok: boolean; detail?: string }> = {};
      const redisOk = usable();
      checks.redis = redisOk
        ? { ok: true, detail: warnings.length ? `connected; WARNING: ${warnings.join('; ')}` : 'connected' }
        : { ok: false, detail: `unreachable (${producer.status}); degraded: fallback '${fallbackMode}'` };
      let online: WorkerInfo[] = [];
      let workerError: string | undefined;
      if (redisOk) {
        try { online = await workers(); } catch (err) { workerError = (err as Error).message; }
      }
      checks.workers = online.length > 0
        ? { ok: true, detail: `${online.length} online (${[...new Set(online.map((w) => w.provider))].join(', ')})` }
        : { ok: false, detail: workerError ?? (redisOk ? 'no scorer worker online: hooks answer no cards at the deadline' : 'unknown while Redis is unreachable') };
      const healthy = checks.redis.ok && checks.workers.ok;
      // With Redis down, the in-process fallback still gives real cards: ready, but degraded.
      const ready = healthy || (!redisOk && fallbackMode === 'in-process');
      return { ready, degraded: !healthy, checks };
    },
    async close() {
      if (closed) return;
      closed = true;
      sweeper.stop();
      batcher.withdrawAll();
      for (const call of [...pending.values()]) {
        if (take(call)) call.reject(new ScoringRequestError('scoring engine is closing'));
      }
      producer.disconnect();
      await Promise.allSettled([closeEvents(events), queue.close()]);
      queueRedisUp.set(0);
      const engine = await fallbackEngine?.catch(() => undefined);
      await engine?.close();
    },
  };
}
