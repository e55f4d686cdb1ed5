/**
 * QUEUE_JOB_RETENTION_S is enforced on the real Redis even when no new job finishes (issue 11):
 * BullMQ's own `removeOnComplete: {age}` only trims when another job completes, so the last jobs of
 * a burst (feature values and provenance) used to stay in Redis.
 */
import { Queue } from 'bullmq';
import type { InProcessScorer } from '@prognos/scorer';
import { SCORE_BATCH_JOB_NAME, startScoreWorker, type ScoreWorker } from '../../services/scorer/src/worker';
import { createQueueScorer, type QueueScorer } from '../../services/cds-hooks/src/queue';
import { sweepIntervalMs } from '../../services/cds-hooks/src/queue/retention-sweeper';
import { ckdInput } from './support/scoring-fixture';
import { SHARED_REDIS_URL, catalog, cleanupQueue, httpConfig, realScorer, uniqueQueueName } from './support/harness';
import { waitFor } from './support/worker-process';

const RETENTION_S = 2;

describe('finished scoring jobs are removed after QUEUE_JOB_RETENTION_S', () => {
  const queueName = uniqueQueueName();
  let engine: InProcessScorer;
  let worker: ScoreWorker;
  let scorer: QueueScorer;
  let inspect: Queue;

  beforeAll(async () => {
    engine = await realScorer();
    worker = startScoreWorker({ redisUrl: SHARED_REDIS_URL, queueName, engine, heartbeatMs: 300 });
    scorer = await createQueueScorer(httpConfig({ REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, QUEUE_JOB_RETENTION_S: String(RETENTION_S) }), { catalog: catalog() });
    inspect = new Queue(queueName, { connection: { url: SHARED_REDIS_URL } });
    await waitFor(async () => !(await scorer.readiness()).degraded, 10_000, 'a worker heartbeat');
  });
  afterAll(async () => {
    await scorer?.close();
    await worker?.close(2000);
    await engine?.close();
    await inspect?.close();
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it('sweeps a quarter of the retention apart, between 1 and 30 s', () => {
    expect(sweepIntervalMs(2)).toBe(1000);
    expect(sweepIntervalMs(60)).toBe(15_000);
    expect(sweepIntervalMs(86_400)).toBe(30_000);
  });

  it('removes the last completed and failed jobs of a burst with no job finishing after them', async () => {
    const outputs = await Promise.all(Array.from({ length: 5 }, () => scorer.score(ckdInput(), { deadline: Date.now() + 10_000 })));
    expect(outputs).toHaveLength(5);
    // A failing item fails its call only (its batch job completes)...
    const failing = { ...ckdInput(), serviceId: 'no-such-service' };
    await expect(scorer.score(failing, { deadline: Date.now() + 10_000 })).rejects.toThrow();
    // ...a job fails as a whole when every item's deadline has passed at pick-up.
    const expired = Date.now() - 1;
    await inspect.add(SCORE_BATCH_JOB_NAME, { items: [{ input: ckdInput(), modelVersions: {}, deadline: expired }], deadline: expired },
      { jobId: `b-${Date.now().toString(16)}`, attempts: 1 });
    await waitFor(async () => (await inspect.getJobCounts('failed')).failed === 1, 5000, 'the expired job to fail');
    const finishedAt = Date.now();
    const counts = await inspect.getJobCounts('completed', 'failed');
    expect(counts.completed).toBeGreaterThanOrEqual(1); // kept for inspection within the retention
    expect(counts.failed).toBe(1);
    // Nothing else is enqueued: only the sweeper can remove them.
    await waitFor(async () => {
      const c = await inspect.getJobCounts('completed', 'failed');
      return c.completed === 0 && c.failed === 0;
    }, 10_000, 'finished jobs removed');
    // Not before the retention had passed.
    expect(Date.now() - finishedAt).toBeGreaterThanOrEqual(RETENTION_S * 1000 - 200);
  });
});
