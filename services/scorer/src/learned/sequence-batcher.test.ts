/**
 * The padding micro-batcher on the committed learned model: sequences of different lengths
 * submitted together run as one padded batch and get exactly what each gets alone.
 */
import path from 'node:path';
import type { SequencePayload } from '@prognos/contracts';
import { BUNDLED_MODELS_DIR } from '../models/bundled-model-runner';
import { BatchStats } from '../runtime/batch-stats';
import { readLearnedBundle } from './read-learned-bundles';
import { padSequences } from '@prognos/fhir-features';
import { SequenceBatcher } from './sequence-batcher';
import { createSequenceSession, type SequenceSession } from './sequence-session';

const bundle = readLearnedBundle(path.join(BUNDLED_MODELS_DIR, 'ckd-progression-gru'), 'bundled');

function sequence(length: number, egfr: number, channels: number, statics: number): SequencePayload {
  const steps: number[] = [];
  for (let t = 0; t < length; t++) {
    const row = new Array(channels).fill(0);
    row[0] = (length - 1 - t) * 0.5; row[1] = t === 0 ? 0 : 0.5; row[2] = (egfr + (length - 1 - t) * 2 - 45) / 20; row[3] = 1;
    steps.push(...row);
  }
  return { set: 'ckd-progression-seq', version: '1.0.0', length, channels, steps, statics: new Array(statics).fill(0.2), staticPresent: new Array(statics).fill(1) };
}

describe('SequenceBatcher', () => {
  let session: SequenceSession;
  beforeAll(async () => { session = await createSequenceSession(bundle, 'cpu', { intraOpNumThreads: 1, interOpNumThreads: 1 }); });
  afterAll(async () => { await session.release(); });

  it('pads to the longest sequence with mask 0 after each sequence', () => {
    const b = padSequences([sequence(2, 30, 10, 9), sequence(5, 30, 10, 9)], 10, 9);
    expect(b.steps).toBe(5);
    expect(Array.from(b.mask)).toEqual([1, 1, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('batches concurrent sequences of lengths 1..9 into one run with the same results as alone', async () => {
    const seqs = [1, 4, 9, 2, 6].map((n, i) => sequence(n, 25 + 5 * i, session.channels, session.staticWidth));
    const alone: number[][] = [];
    const single = new SequenceBatcher(session, { maxBatch: 1, maxWaitUs: 0 });
    for (const s of seqs) alone.push(await single.submit(s));
    await single.close();
    const stats = new BatchStats();
    const batcher = new SequenceBatcher(session, { maxBatch: 64, maxWaitUs: 5000, stats });
    const together = await Promise.all(seqs.map((s) => batcher.submit(s)));
    await batcher.close();
    expect(stats.snapshot()['ckd-progression-gru']).toEqual({ rows: 5, runs: 1 });
    together.forEach((v, i) => v.forEach((x, j) => expect(Math.abs(x - alone[i]![j]!)).toBeLessThanOrEqual(1e-6)));
  });

  it('refuses a sequence with the wrong number of channels', async () => {
    const b = new SequenceBatcher(session, { maxBatch: 4, maxWaitUs: 0 });
    await expect(b.submit(sequence(2, 30, 7, session.staticWidth))).rejects.toThrow(/expects 10 channels/);
    await b.close();
  });
});
