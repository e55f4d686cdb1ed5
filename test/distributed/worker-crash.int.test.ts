/**
 * Worker processes (the compiled `services/scorer/dist/worker-main.js`, as `npm run start:scorer`
 * runs it) on the real Redis: SIGKILL mid-load and graceful SIGTERM.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { ScoreBatchJobData, ScoreBatchJobResult } from '@prognos/contracts';
import { Redis } from 'ioredis';
import { JOB_FAILURE } from '../../services/scorer/src/worker';
import { createQueueScorer, type QueueScorer } from '../../services/cds-hooks/src/queue';
import { ckdInput } from './support/scoring-fixture';
import { SHARED_REDIS_URL, catalog, cleanupQueue, httpConfig, settle, uniqueQueueName, watchEventLoop } from './support/harness';
import { spawnWorker, waitFor, type WorkerProcess } from './support/worker-process';

const DEADLINE_MS = 1500;
/** Timer lateness allowed past a deadline, on top of the longest event-loop freeze measured. */
const SLACK_MS = 50;

interface Terminal { added: Set<string>; completed: Set<string>; failed: Map<string, string>; removed: Set<string>; stalled: Set<string> }

/** Every job of the queue reached a final state: completed, failed or removed. */
const allFinal = (seen: Terminal): boolean => [...seen.added].every((id) => seen.completed.has(id) || seen.failed.has(id) || seen.removed.has(id));

/**
 * What the completed batch jobs (kept for QUEUE_JOB_RETENTION_S) say about each call: its output
 * or its item's failure reason, by correlation id.
 */
async function itemOutcomes(queueName: string): Promise<Map<string, string>> {
  const queue = new Queue<ScoreBatchJobData>(queueName, { connection: { url: SHARED_REDIS_URL } });
  const out = new Map<string, string>();
  for (const job of await queue.getJobs(['completed'])) {
    const result = job.returnvalue as unknown as ScoreBatchJobResult;
    job.data.items.forEach((item, i) => {
      const r = result.results[i]!;
      out.set(item.input.correlationId, 'failure' in r ? r.failure : 'output');
    });
  }
  await queue.close();
  return out;
}

async function recordTerminalEvents(queueName: string): Promise<{ events: QueueEvents; seen: Terminal }> {
  const events = new QueueEvents(queueName, { connection: { url: SHARED_REDIS_URL } });
  const seen: Terminal = { added: new Set(), completed: new Set(), failed: new Map(), removed: new Set(), stalled: new Set() };
  events.on('added', ({ jobId }) => seen.added.add(jobId));
  events.on('completed', ({ jobId }) => seen.completed.add(jobId));
  events.on('failed', ({ jobId, failedReason }) => seen.failed.set(jobId, failedReason));
  events.on('removed', ({ jobId }) => seen.removed.add(jobId));
  events.on('stalled', ({ jobId }) => seen.stalled.add(jobId));
  await events.waitUntilReady();
  await new Promise((r) => setTimeout(r, 200)); // the first XREAD is in place
  return { events, seen };
}

function workerEnv(queueName: string): Record<string, string> {
  return {
    REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, SCORER_WORKER_CONCURRENCY: '16',
    // Short locks so a killed worker's jobs are recovered within the test.
    SCORER_LOCK_DURATION_MS: '2000', SCORER_STALLED_INTERVAL_MS: '1000', WORKER_HEARTBEAT_MS: '300',
    SCORER_DEVICE: 'cpu', SHUTDOWN_GRACE_MS: '5000',
  };
}

describe('a scorer worker killed mid-load', () => {
  const queueName = uniqueQueueName();
  let scorer: QueueScorer;
  const workers: WorkerProcess[] = [];

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await scorer?.close();
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it('answers every call within its deadline, leaves no job stuck, and completes all jobs that did not expire', async () => {
    scorer = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName }), { catalog: catalog() });
    const first = spawnWorker(workerEnv(queueName));
    workers.push(first);
    await waitFor(async () => !(await scorer.readiness()).degraded, 20_000, `the first worker (${first.output()})`);
    const { events, seen } = await recordTerminalEvents(queueName);

    const loop = watchEventLoop();
    const calls: Promise<{ id: string; ok: boolean; atMs: number; startedAt: number }>[] = [];
    const call = (): void => {
      const input = ckdInput();
      const start = Date.now();
      calls.push(settle(scorer.score(input, { deadline: start + DEADLINE_MS }), start)
        .then((r) => ({ id: input.correlationId, ok: r.ok, atMs: r.atMs, startedAt: start })));
    };
    const trickle = async (ms: number): Promise<void> => {
      const end = Date.now() + ms;
      while (Date.now() < end) { call(); await new Promise((r) => setTimeout(r, 10)); }
    };

    await trickle(500);
    for (let i = 0; i < 200; i++) call(); // a burst, so that jobs are in flight at the kill
    // Batch jobs carry the burst in a few jobs (QUEUE_MAX_JOBS_IN_FLIGHT): kill while the worker
    // holds one (a fixed pause could fall between two jobs).
    const probe = new Redis(SHARED_REDIS_URL);
    const killBy = Date.now() + 1000;
    while (Date.now() < killBy && (await probe.llen(`bull:${queueName}:active`)) === 0) { /* poll without pause */ }
    await probe.quit();
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    const second = spawnWorker(workerEnv(queueName));
    workers.push(second);
    // Traffic keeps flowing while the second worker boots (seconds on a loaded machine), and 1.5 s
    // after its first heartbeat.
    let secondOnlineAt = 0;
    const giveUpAt = Date.now() + 20_000;
    while (Date.now() < giveUpAt && (!secondOnlineAt || Date.now() < secondOnlineAt + 1500)) {
      await trickle(200);
      if (!secondOnlineAt && (await scorer.workers()).some((w) => w.pid === second.child.pid)) secondOnlineAt = Date.now();
    }
    expect(secondOnlineAt).toBeGreaterThan(0);

    const results = await Promise.all(calls);
    const frozenMs = loop.stop();
    await waitFor(() => allFinal(seen), 15_000, 'every job to reach a final state');
    await events.close();
    const items = await itemOutcomes(queueName);

    // Every hook call settled within its deadline (timers cannot fire while the process is frozen).
    expect(results.filter((r) => r.atMs > DEADLINE_MS + SLACK_MS + frozenMs)).toEqual([]);
    // The killed worker had jobs in flight; the stalled check handed them back.
    expect(seen.stalled.size).toBeGreaterThan(0);
    // The second worker served the calls made once it was up.
    expect(results.filter((r) => r.ok && r.startedAt > secondOnlineAt).length).toBeGreaterThan(20);
    expect(killedAt).toBeLessThan(secondOnlineAt);
    // Every job ended as completed or expired (dropped by a worker, or removed at the deadline;
    // a job that finished just as its deadline passed may also be removed early from retention),
    // and so did every item of the completed batch jobs.
    expect(seen.added.size).toBeGreaterThan(0);
    expect([...seen.added].filter((id) => seen.completed.has(id) && seen.failed.has(id))).toEqual([]);
    expect([...new Set(seen.failed.values())].filter((r) => r !== JOB_FAILURE.expired)).toEqual([]);
    expect([...new Set(items.values())].filter((r) => r !== 'output' && r !== JOB_FAILURE.expired)).toEqual([]);
    // Answers came only from the outputs of completed jobs, and nothing is left waiting or active.
    expect(results.filter((r) => r.ok && items.get(r.id) !== 'output')).toEqual([]);
    const redis = new Redis(SHARED_REDIS_URL);
    expect(await redis.llen(`bull:${queueName}:wait`)).toBe(0);
    expect(await redis.llen(`bull:${queueName}:active`)).toBe(0);
    await redis.quit();
    expect(scorer.stats().pending).toBe(0);
  });
});

describe('a scorer worker stopped with SIGTERM', () => {
  const queueName = uniqueQueueName();
  let scorer: QueueScorer;
  let worker: WorkerProcess | undefined;

  afterAll(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker?.exited;
    await scorer?.close();
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it('finishes the jobs in flight, removes its heartbeat and exits 0', async () => {
    scorer = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName }), { catalog: catalog() });
    worker = spawnWorker(workerEnv(queueName));
    await waitFor(async () => !(await scorer.readiness()).degraded, 20_000, 'the worker');
    const { events, seen } = await recordTerminalEvents(queueName);
    const loop = watchEventLoop();
    const calls = Array.from({ length: 100 }, () => {
      const input = ckdInput();
      return settle(scorer.score(input, { deadline: Date.now() + DEADLINE_MS }), Date.now());
    });
    await new Promise((r) => setTimeout(r, 10));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/scorer worker closed/);
    expect(await scorer.workers()).toEqual([]);

    const results = await Promise.all(calls);
    expect(results.filter((r) => r.atMs > DEADLINE_MS + SLACK_MS + loop.stop())).toEqual([]);
    await waitFor(() => allFinal(seen), 5000, 'final states');
    await events.close();
    // Nothing was abandoned mid-flight: no job stalled, none left active.
    expect(seen.stalled.size).toBe(0);
    const redis = new Redis(SHARED_REDIS_URL);
    expect(await redis.llen(`bull:${queueName}:active`)).toBe(0);
    await redis.quit();
  });
});
