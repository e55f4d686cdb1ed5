/**
 * Rows from concurrent scoring jobs share onnxruntime runs in the worker: the worker takes up to
 * SCORER_WORKER_CONCURRENCY jobs at once and every job's rows go through the one micro-batcher per
 * model, which waits SCORER_MAX_WAIT_US for company, so the mean batch size grows with the calls in
 * flight instead of staying at one row per job. Real Redis, real BullMQ worker (default concurrency
 * 16), real models; the mean batch is rows / runs from the worker's own counters. (In the service
 * benchmark the batch stays near 1 at 10 connections because the one HTTP process, not the worker,
 * sets the arrival rate: jobs arrive ~7 ms apart, far beyond a 0.5 ms wait.)
 */
import type { QueueScorer } from '../../services/cds-hooks/src/queue';
import { ckdInput } from './support/scoring-fixture';
import { startQueuePair } from './support/harness';

type Pair = Awaited<ReturnType<typeof startQueuePair>>;

async function meanBatchOver(scorer: QueueScorer, pair: Pair, inFlight: number, total: number): Promise<number> {
  const before = pair.engine.batchStats()['kfre-4var-na'] ?? { rows: 0, runs: 0 };
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < total) {
      const i = next++;
      const out = await scorer.score(ckdInput({ egfr: 12 + (i % 40) }), { deadline: Date.now() + 10_000 });
      expect(out.cards.length).toBeGreaterThan(0);
    }
  }));
  const after = pair.engine.batchStats()['kfre-4var-na']!;
  return (after.rows - before.rows) / Math.max(1, after.runs - before.runs);
}

describe('cross-job batching in the worker', () => {
  let pair: Pair | undefined;
  beforeAll(async () => { pair = await startQueuePair(); });
  afterAll(async () => { await pair?.close(); });

  it('forms batches across jobs when many calls are in flight', async () => {
    const { scorer } = pair!;
    await meanBatchOver(scorer, pair!, 8, 16); // warm-up
    const one = await meanBatchOver(scorer, pair!, 1, 20);
    const ten = await meanBatchOver(scorer, pair!, 10, 100);
    const many = await meanBatchOver(scorer, pair!, 64, 320);
    // eslint-disable-next-line no-console
    console.log(`mean rows per run: 1 in flight ${one.toFixed(2)}, 10 in flight ${ten.toFixed(2)}, 64 in flight ${many.toFixed(2)}`);
    // One call at a time cannot batch; many calls in flight must share runs.
    expect(one).toBe(1);
    expect(ten).toBeGreaterThan(1.5);
    expect(many).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
