import path from 'node:path';
import { readModelBundle } from '../bundles/read-model-bundle';
import { BUNDLED_MODELS_DIR } from '../models/bundled-model-runner';
import { kfreReference } from '../models/kfre-reference';
import { BatchStats } from './batch-stats';
import { MicroBatcher } from './micro-batcher';
import { createModelSession, type ModelSession } from './model-session';

let model: ModelSession;
beforeAll(async () => {
  model = await createModelSession(readModelBundle(path.join(BUNDLED_MODELS_DIR, 'kfre-4var-na'), 'bundled'), 'cpu',
    { intraOpNumThreads: 1, interOpNumThreads: 1 });
});
afterAll(async () => { await model.release(); });

const patient = (i: number) => Float32Array.from([40 + i, i % 2, 15 + i, 100 + 50 * i]);

describe('MicroBatcher', () => {
  it('groups concurrent rows into runs of at most maxBatch and returns each row its own result', async () => {
    const stats = new BatchStats();
    const batcher = new MicroBatcher(model, { maxBatch: 4, maxWaitUs: 5000, stats });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(patient(i))));
    expect(stats.snapshot()).toEqual({ 'kfre-4var-na': { rows: 10, runs: 3 } });
    results.forEach((r, i) => {
      const p = patient(i);
      const ref = kfreReference('4var', 'na', { ageYears: p[0]!, male: p[1] === 1, egfr: p[2]!, uacrMgG: p[3]! });
      expect(r[0]).toBeCloseTo(ref.risk2y, 6);
      expect(r[1]).toBeCloseTo(ref.risk5y, 6);
    });
    await batcher.close();
  });

  it('flushes a full batch at once instead of waiting for maxWaitUs', async () => {
    const batcher = new MicroBatcher(model, { maxBatch: 3, maxWaitUs: 1_000_000 });
    const started = performance.now();
    await Promise.all([0, 1, 2].map((i) => batcher.submit(patient(i))));
    expect(performance.now() - started).toBeLessThan(500);
    await batcher.close();
  });

  it('holds a lone row for about maxWaitUs in case company arrives', async () => {
    const stats = new BatchStats();
    // The wait is long (300 ms) beside the 5 ms gap so that a loaded CI host, whose 5 ms timer can
    // fire tens of milliseconds late, still delivers the second row inside the window.
    const batcher = new MicroBatcher(model, { maxBatch: 64, maxWaitUs: 300_000, stats });
    const started = performance.now();
    const first = batcher.submit(patient(0));
    await new Promise((r) => setTimeout(r, 5));
    const second = batcher.submit(patient(1));
    await Promise.all([first, second]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(299);
    expect(stats.snapshot()['kfre-4var-na']).toEqual({ rows: 2, runs: 1 });
    await batcher.close();
  });

  it('refuses a row of the wrong width with a clear error', async () => {
    const batcher = new MicroBatcher(model, { maxBatch: 8, maxWaitUs: 0 });
    await expect(batcher.submit(Float32Array.from([1, 2]))).rejects.toThrow('kfre-4var-na expects 4 columns, got 2');
    await batcher.close();
  });

  it('refuses rows after close', async () => {
    const batcher = new MicroBatcher(model, { maxBatch: 8, maxWaitUs: 0 });
    await batcher.close();
    await expect(batcher.submit(patient(0))).rejects.toThrow('closed');
  });
});
