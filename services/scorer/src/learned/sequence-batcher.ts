/**
 * Micro-batching for learned sequence models: concurrent patients' sequences of different lengths
 * are right-padded to the longest in the batch (mask 0 on padding, which the model ignores) and
 * run in one onnxruntime call. Same flush policy as runtime/micro-batcher.ts (a full batch at
 * once, else when the first row has waited maxWaitUs), same metrics; worth most on a GPU, where
 * one call of 64 patients costs about what one patient does.
 */
import type { SequencePayload } from '@prognos/contracts';
import * as metrics from '../metrics';
import { processBatchStats, type BatchStats } from '../runtime/batch-stats';
import type { PaddedBatch, SequenceSession } from './sequence-session';

export interface SequenceBatcherOptions {
  maxBatch: number;
  maxWaitUs: number;
  stats?: BatchStats;
}

interface Pending {
  sequence: SequencePayload;
  resolve: (values: number[]) => void;
  reject: (err: Error) => void;
}

/** Right-pads sequences into one batch (at least one step, so an empty sequence still runs). */
export function padSequences(items: readonly SequencePayload[], channels: number, staticWidth: number): PaddedBatch {
  const count = items.length;
  const steps = Math.max(1, ...items.map((s) => s.length));
  const seq = new Float32Array(count * steps * channels);
  const mask = new Float32Array(count * steps);
  const statics = new Float32Array(count * staticWidth);
  const present = new Float32Array(count * staticWidth);
  items.forEach((s, i) => {
    seq.set(s.steps, i * steps * channels);
    for (let t = 0; t < s.length; t++) mask[i * steps + t] = 1;
    statics.set(s.statics, i * staticWidth);
    present.set(s.staticPresent, i * staticWidth);
  });
  return { count, steps, seq, mask, statics, present };
}

export class SequenceBatcher {
  private queue: Pending[] = [];
  private firstAt = 0n;
  private scheduled = false;
  private closed = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly model: SequenceSession, private readonly options: SequenceBatcherOptions) {}

  /** Scores one patient's sequence; resolves with one value per manifest output. */
  submit(sequence: SequencePayload): Promise<number[]> {
    const id = this.model.bundle.manifest.id;
    if (this.closed) return Promise.reject(new Error(`model ${id} is closed`));
    if (sequence.channels !== this.model.channels || sequence.statics.length !== this.model.staticWidth) {
      return Promise.reject(new Error(`model ${id} expects ${this.model.channels} channels and ${this.model.staticWidth} statics, got ${sequence.channels} and ${sequence.statics.length}`));
    }
    return new Promise<number[]>((resolve, reject) => {
      if (this.queue.length === 0) this.firstAt = process.hrtime.bigint();
      this.queue.push({ sequence, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.schedule();
    });
  }

  flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      const p = this.run(batch).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const check = (): void => {
      if (this.queue.length === 0) { this.scheduled = false; return; }
      const remainingUs = this.options.maxWaitUs - Number(process.hrtime.bigint() - this.firstAt) / 1000;
      if (remainingUs <= 0) { this.scheduled = false; this.flush(); }
      else if (remainingUs >= 2000) setTimeout(check, Math.floor(remainingUs / 1000) - 1);
      else setImmediate(check);
    };
    setImmediate(check);
  }

  private async run(batch: Pending[]): Promise<void> {
    const n = batch.length;
    const labels = { model: this.model.bundle.manifest.id, provider: this.model.provider };
    const started = process.hrtime.bigint();
    try {
      const outputs = await this.model.runBatch(padSequences(batch.map((p) => p.sequence), this.model.channels, this.model.staticWidth));
      metrics.inferenceRows.inc(labels, n);
      metrics.inferenceRuns.inc(labels);
      metrics.batchSize.observe(labels, n);
      metrics.inferenceDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      processBatchStats.record(labels.model, n);
      this.options.stats?.record(labels.model, n);
      batch.forEach((p, i) => p.resolve(outputs.map((o) => o[i]!)));
    } catch (err) {
      const e = new Error(`inference failed for model ${labels.model}: ${err instanceof Error ? err.message : String(err)}`);
      for (const p of batch) p.reject(e);
    }
  }
}
