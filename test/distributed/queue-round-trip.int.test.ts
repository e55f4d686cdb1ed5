/**
 * Distributed mode on the real Redis (127.0.0.1:6379): the HTTP side's QueueScorer, a BullMQ worker
 * running the real in-process scorer, results through one QueueEvents listener.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_FAILURE, SCORE_BATCH_JOB_NAME, SCORE_JOB_NAME, type ScoreWorker } from '../../services/scorer/src/worker';
import type { InProcessScorer } from '@prognos/scorer';
import { createQueueScorer, ScoringDeadlineError, ScoringRequestError, type QueueScorer } from '../../services/cds-hooks/src/queue';
import { ckdInput, comparable } from './support/scoring-fixture';
import { SHARED_REDIS_URL, catalog, cleanupQueue, httpConfig, settle, uniqueQueueName, startQueuePair } from './support/harness';
import { dumpKeys, jobPayloads, queuedInputs } from './support/scan-redis';
import { waitFor } from './support/worker-process';

describe('distributed scoring through BullMQ', () => {
  let queueName: string;
  let engine: InProcessScorer;
  let worker: ScoreWorker;
  let scorer: QueueScorer;
  let pair: Awaited<ReturnType<typeof startQueuePair>> | undefined;

  beforeAll(async () => {
    pair = await startQueuePair({ concurrency: 16 });
    ({ queueName, engine, worker, scorer } = pair);
  });

  afterAll(async () => { await pair?.close(); });

  it('returns the same ScoringOutput through the queue as the in-process scorer for the same input', async () => {
    const input = ckdInput();
    const direct = await engine.score(input, { deadline: Date.now() + 5000 });
    const queued = await scorer.score(input, { deadline: Date.now() + 5000 });
    expect(queued.cards.length).toBeGreaterThan(0);
    expect(comparable(queued)).toEqual(comparable(direct));
    expect(queued.executionProvider).toBe(engine.executionProvider);
  });

  it('answers 64 concurrent calls, each with its own result, and reports the worker with its batch statistics', async () => {
    const inputs = Array.from({ length: 64 }, (_, i) => ckdInput({ egfr: 12 + (i % 40) }));
    const outputs = await Promise.all(inputs.map((input) => scorer.score(input, { deadline: Date.now() + 5000 })));
    outputs.forEach((out, i) => expect(out.correlationId).toBe(inputs[i].correlationId));
    // Different eGFR, different KFRE risk: results are not crossed between calls.
    const risk = (o: (typeof outputs)[number]) => o.predictions.find((p) => p.modelId === 'kfre-4var-na' && p.horizonYears === 5)?.value;
    expect(risk(outputs[0])).toBeGreaterThan(risk(outputs[20]) as number);

    await new Promise((r) => setTimeout(r, 700)); // one heartbeat later
    const online = await scorer.workers();
    expect(online).toHaveLength(1);
    expect(online[0].id).toBe(worker.id);
    expect(online[0].provider).toBe(engine.executionProvider);
    expect(online[0].rows['kfre-4var-na']).toBeGreaterThanOrEqual(65);
    expect(online[0].runs['kfre-4var-na']).toBeLessThanOrEqual(online[0].rows['kfre-4var-na']);
    expect(online[0].jobs.completed).toBeGreaterThanOrEqual(65);
    expect(online[0].meanBatch['kfre-4var-na']).toBeGreaterThanOrEqual(1);
    // The batch-size distribution (what the dashboard plots) accounts for every onnxruntime run.
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    expect(sum(online[0].batches)).toBe(sum(online[0].runs));
    const ready = await scorer.readiness();
    expect(ready).toMatchObject({ ready: true, degraded: false, checks: { redis: { ok: true }, workers: { ok: true } } });
  });

  it('refuses input that does not match the scoring contract without enqueuing it', async () => {
    const input = { ...ckdInput(), patientName: 'Jane Doe' } as unknown as ReturnType<typeof ckdInput>;
    const before = scorer.stats().submitted;
    await expect(scorer.score(input, { deadline: Date.now() + 1000 })).rejects.toBeInstanceOf(ScoringRequestError);
    expect(scorer.stats().submitted).toBe(before);
  });

  it('has a worker drop a job whose deadline passed before pick-up, as expired and without retry', async () => {
    const queue = new Queue(queueName, { connection: { url: SHARED_REDIS_URL } });
    const events = new QueueEvents(queueName, { connection: { url: SHARED_REDIS_URL } });
    await events.waitUntilReady();
    const input = ckdInput();
    const failed = new Promise<{ failedReason: string }>((resolve) => {
      events.on('failed', (e) => { if (e.jobId === input.correlationId) resolve(e); });
    });
    await queue.add(SCORE_JOB_NAME, { input, modelVersions: {}, deadline: Date.now() - 1 }, { jobId: input.correlationId, attempts: 1 });
    expect((await failed).failedReason).toBe(JOB_FAILURE.expired);
    const job = await queue.getJob(input.correlationId);
    expect(job?.attemptsMade).toBe(1);
    expect(worker.counts().expired).toBeGreaterThanOrEqual(1);
    await events.close();
    await queue.close();
  });

  it('has a worker drop a batch job all of whose deadlines passed, as expired, counting each item', async () => {
    const queue = new Queue(queueName, { connection: { url: SHARED_REDIS_URL } });
    const events = new QueueEvents(queueName, { connection: { url: SHARED_REDIS_URL } });
    await events.waitUntilReady();
    const jobId = `b-${Date.now().toString(16)}expired`;
    const failed = new Promise<{ failedReason: string }>((resolve) => {
      events.on('failed', (e) => { if (e.jobId === jobId) resolve(e); });
    });
    const before = worker.counts().expired;
    const deadline = Date.now() - 1;
    await queue.add(SCORE_BATCH_JOB_NAME, { items: [ckdInput(), ckdInput()].map((input) => ({ input, modelVersions: {}, deadline })), deadline }, { jobId, attempts: 1 });
    expect((await failed).failedReason).toBe(JOB_FAILURE.expired);
    expect(worker.counts().expired).toBe(before + 2);
    await events.close();
    await queue.close();
  });

  it('still scores the single-input jobs of an older HTTP service (rolling upgrade: workers first)', async () => {
    const queue = new Queue(queueName, { connection: { url: SHARED_REDIS_URL } });
    const events = new QueueEvents(queueName, { connection: { url: SHARED_REDIS_URL } });
    await events.waitUntilReady();
    const input = ckdInput();
    const job = await queue.add(SCORE_JOB_NAME, { input, modelVersions: {}, deadline: Date.now() + 5000 }, { jobId: input.correlationId, attempts: 1 });
    const output = await job.waitUntilFinished(events, 5000);
    expect(comparable(output)).toEqual(comparable(await engine.score(input, { deadline: Date.now() + 5000 })));
    await events.close();
    await queue.close();
  });
});

describe('distributed scoring with no worker running', () => {
  const queueName = uniqueQueueName();
  let scorer: QueueScorer;

  beforeAll(async () => {
    scorer = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName }), { catalog: catalog() });
    await waitFor(async () => (await scorer.readiness()).checks.redis.ok, 5000, 'Redis');
  });

  afterAll(async () => {
    await scorer?.close();
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it('rejects at the deadline, reports not ready, and leaves no job waiting', async () => {
    const start = Date.now();
    const result = await settle(scorer.score(ckdInput(), { deadline: start + 400 }), start);
    expect(result.ok).toBe(false);
    expect(result.error).toBeInstanceOf(ScoringDeadlineError);
    expect(result.atMs).toBeGreaterThanOrEqual(399);
    expect(result.atMs).toBeLessThan(550);
    expect(scorer.stats()).toMatchObject({ pending: 0, submitted: 1, deadline: 1 });

    const readiness = await scorer.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.workers.ok).toBe(false);

    const redis = new Redis(SHARED_REDIS_URL);
    await waitFor(async () => (await redis.llen(`bull:${queueName}:wait`)) === 0, 2000, 'the expired job to leave the wait list');
    await redis.quit();
    expect(scorer.stats().removedAtDeadline).toBe(1);
  });
});

describe('calls held behind the jobs in flight (QUEUE_MAX_JOBS_IN_FLIGHT=1), no worker running', () => {
  const queueName = uniqueQueueName();
  let scorer: QueueScorer;
  let redis: Redis;

  beforeAll(async () => {
    // A job keeps its slot until its calls time out here (no straggler release within these deadlines).
    scorer = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, QUEUE_MAX_JOBS_IN_FLIGHT: '1', QUEUE_JOB_SLOT_MS: '60000' }), { catalog: catalog() });
    redis = new Redis(SHARED_REDIS_URL);
    await waitFor(async () => (await scorer.readiness()).checks.redis.ok, 5000, 'Redis');
  });

  afterAll(async () => {
    await scorer?.close();
    await redis?.quit();
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it('rejects a held call at its own deadline without ever sending it to Redis', async () => {
    const start = Date.now();
    const sent = ckdInput();
    const held = ckdInput();
    const first = settle(scorer.score(sent, { deadline: start + 1000 }), start);
    const second = settle(scorer.score(held, { deadline: start + 300 }), start);
    expect(scorer.stats()).toMatchObject({ pending: 2, queued: 1, jobs: 1, submitted: 1 });
    const r = await second;
    expect(r.error).toBeInstanceOf(ScoringDeadlineError);
    expect(r.atMs).toBeGreaterThanOrEqual(299);
    expect(r.atMs).toBeLessThan(450);
    expect(scorer.stats()).toMatchObject({ pending: 1, queued: 0, jobs: 1, submitted: 1, deadline: 1 });
    const dump = await dumpKeys(redis, [`bull:${queueName}:*`]);
    expect(queuedInputs(dump).map((i) => i.correlationId)).toEqual([sent.correlationId]);
    expect([...dump.values()].join('\n')).not.toContain(held.correlationId);
    expect((await first).error).toBeInstanceOf(ScoringDeadlineError);
    // The job sent, whose only call timed out, is removed from the wait list.
    await waitFor(() => scorer.stats().removedAtDeadline === 1, 2000, 'the job sent to be removed at its deadline');
  });

  it('sends the calls held meanwhile as one job when the job in flight is given up, and removes each job whose calls all timed out', async () => {
    const start = Date.now();
    const before = scorer.stats();
    const first = settle(scorer.score(ckdInput(), { deadline: start + 300 }), start);
    const heldInputs = [1, 2, 3].map(() => ckdInput());
    const held = heldInputs.map((input) => settle(scorer.score(input, { deadline: start + 800 }), start));
    expect(scorer.stats().queued).toBe(3);
    expect((await first).error).toBeInstanceOf(ScoringDeadlineError);
    // The first job's only call gave up: its slot goes to the three held calls, as one job.
    expect(scorer.stats()).toMatchObject({ queued: 0, jobs: before.jobs + 2, submitted: before.submitted + 4 });
    const dump = await dumpKeys(redis, [`bull:${queueName}:*`]);
    const batch = [...jobPayloads(dump).values()].find((j) => j.data.items.some((i: { input: { correlationId: string } }) => i.input.correlationId === heldInputs[0]!.correlationId));
    expect(batch?.data.items.map((i: { input: { correlationId: string } }) => i.input.correlationId)).toEqual(heldInputs.map((i) => i.correlationId));
    for (const r of await Promise.all(held)) expect(r.error).toBeInstanceOf(ScoringDeadlineError);
    await waitFor(async () => (await redis.llen(`bull:${queueName}:wait`)) === 0, 2000, 'the expired jobs to leave the wait list');
    await waitFor(() => scorer.stats().removedAtDeadline === before.removedAtDeadline + 2, 2000, 'both jobs to be removed');
    expect(scorer.stats()).toMatchObject({ pending: 0, queued: 0 });
  });

  it('gives a stuck job\'s slot to the held calls after QUEUE_JOB_SLOT_MS, while its own call still waits for it', async () => {
    const quick = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, QUEUE_MAX_JOBS_IN_FLIGHT: '1', QUEUE_JOB_SLOT_MS: '100' }), { catalog: catalog() });
    try {
      await waitFor(async () => (await quick.readiness()).checks.redis.ok, 5000, 'Redis');
      const start = Date.now();
      const stuck = settle(quick.score(ckdInput(), { deadline: start + 900 }), start);
      const heldInput = ckdInput();
      const held = settle(quick.score(heldInput, { deadline: start + 900 }), start);
      expect(quick.stats()).toMatchObject({ queued: 1, jobs: 1, slotTimeouts: 0 });
      // The held call leaves as its own job once the slot time has passed, well before the stuck job's
      // deadline. (Timed from when it leaves, not by sampling at a fixed moment: a loaded CI host fires
      // short timers late.)
      await waitFor(() => quick.stats().jobs === 2, 1000, 'the held call to leave after QUEUE_JOB_SLOT_MS');
      const leftAt = Date.now() - start;
      expect(leftAt).toBeGreaterThanOrEqual(95);
      expect(leftAt).toBeLessThan(900);
      expect(quick.stats()).toMatchObject({ queued: 0, slotTimeouts: 1, pending: 2 });
      const dump = await dumpKeys(redis, [`bull:${queueName}:*`]);
      expect(queuedInputs(dump).map((i) => i.correlationId)).toContain(heldInput.correlationId);
      // Both calls still wait for their results (no worker): each answers at its own deadline.
      for (const r of await Promise.all([stuck, held])) {
        expect(r.error).toBeInstanceOf(ScoringDeadlineError);
        expect(r.atMs).toBeGreaterThanOrEqual(899);
      }
    } finally {
      await quick.close();
    }
  });

  it('rejects held and sent calls alike when closed', async () => {
    const other = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, QUEUE_MAX_JOBS_IN_FLIGHT: '1' }), { catalog: catalog() });
    await waitFor(async () => (await other.readiness()).checks.redis.ok, 5000, 'Redis');
    const calls = [1, 2, 3].map(() => settle(other.score(ckdInput(), { deadline: Date.now() + 5000 }), Date.now()));
    expect(other.stats()).toMatchObject({ pending: 3, queued: 2 });
    await other.close();
    for (const r of await Promise.all(calls)) expect(r.error).toBeInstanceOf(ScoringRequestError);
  });
});
