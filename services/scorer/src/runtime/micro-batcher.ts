/**
 * Groups concurrent rows for one model into a single onnxruntime run.
 *
 * A batch is flushed when it holds maxBatch rows (at once) or when its first row has waited
 * maxWaitUs microseconds. Node timers have millisecond granularity, so sub-millisecond waits are
 * polled with setImmediate (one event-loop turn at a time, letting I/O for other requests in);
 * longer waits sleep on setTimeout for the whole milliseconds first.
 */
import * as metrics from '../metrics';
import { processBatchStats, type BatchStats } from './batch-stats';
import type { ModelSession } from './model-session';

export interface MicroBatcherOptions {
  /** Most rows in one run. */
  maxBatch: number;
  /** Longest wait of the first row for company, microseconds (0: flush on the next event-loop turn). */
  maxWaitUs: number;
  /** Per-scorer stats (the process-wide ones are always recorded too). */
  stats?: BatchStats;
}

interface Pending {
  row: Float32Array;
  resolve: (values: number[]) => void;
  reject: (err: Error) => void;
}

export class MicroBatcher {
  private queue: Pending[] = [];
  private firstAt = 0n;
  private scheduled = false;
  private closed = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly model: ModelSession, private readonly options: MicroBatcherOptions) {}

  /** Scores one row (manifest input order); resolves with one value per manifest output. */
  submit(row: Float32Array): Promise<number[]> {
    if (this.closed) return Promise.reject(new Error(`model ${this.model.bundle.manifest.id} is closed`));
    if (row.length !== this.model.width) {
      return Promise.reject(new Error(`model ${this.model.bundle.manifest.id} expects ${this.model.width} columns, got ${row.length}`));
    }
    return new Promise<number[]>((resolve, reject) => {
      if (this.queue.length === 0) this.firstAt = process.hrtime.bigint();
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.schedule();
    });
  }

  /** Runs whatever is queued now (in chunks of maxBatch). */
  flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      const p = this.run(batch).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  /** Flushes what is queued, waits for running batches, then refuses new rows. */
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
      const waitedUs = Number(process.hrtime.bigint() - this.firstAt) / 1000;
      const remainingUs = this.options.maxWaitUs - waitedUs;
      if (remainingUs <= 0) {
        this.scheduled = false;
        this.flush();
      } else if (remainingUs >= 2000) {
        setTimeout(check, Math.floor(remainingUs / 1000) - 1);
      } else {
        setImmediate(check);
      }
    };
    setImmediate(check);
  }

  private async run(batch: Pending[]): Promise<void> {
    const n = batch.length;
    const width = this.model.width;
    const rows = new Float32Array(n * width);
    batch.forEach((p, i) => rows.set(p.row, i * width));
    const labels = { model: this.model.bundle.manifest.id, provider: this.model.provider };
    const started = process.hrtime.bigint();
    try {
      const outputs = await this.model.runBatch(rows, n);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.inferenceRows.inc(labels, n);
      metrics.inferenceRuns.inc(labels);
      metrics.batchSize.observe(labels, n);
      metrics.inferenceDuration.observe(labels, seconds);
      processBatchStats.record(labels.model, n);
      this.options.stats?.record(labels.model, n);
      batch.forEach((p, i) => p.resolve(outputs.map((o) => o[i]!)));
    } catch (err) {
      const e = new Error(`inference failed for model ${labels.model}: ${err instanceof Error ? err.message : String(err)}`);
      for (const p of batch) p.reject(e);
    }
  }
}
