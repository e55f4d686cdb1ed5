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

interface Pending<T> {
  item: T;
  resolve: (values: number[]) => void;
  reject: (err: Error) => void;
}

/**
 * The flush policy and metrics shared by every batcher: items queue until maxBatch or maxWaitUs,
 * then `runItems` scores them in one onnxruntime call. Subclasses say how items are checked and
 * packed into a run (flat rows here, padded sequences in learned/sequence-batcher.ts).
 */
export abstract class BatchQueue<T> {
  private queue: Pending<T>[] = [];
  private firstAt = 0n;
  private scheduled = false;
  private closed = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly labels: { model: string; provider: string }, private readonly options: MicroBatcherOptions) {}

  /** Why `item` cannot be scored by this model, or undefined. */
  protected abstract invalid(item: T): string | undefined;
  /** One run over `items`: outputs[o][i] is output o of item i. */
  protected abstract runItems(items: T[]): Promise<Float32Array[]>;

  /** Scores one item; resolves with one value per manifest output. */
  submit(item: T): Promise<number[]> {
    if (this.closed) return Promise.reject(new Error(`model ${this.labels.model} is closed`));
    const why = this.invalid(item);
    if (why) return Promise.reject(new Error(`model ${this.labels.model} ${why}`));
    return new Promise<number[]>((resolve, reject) => {
      if (this.queue.length === 0) this.firstAt = process.hrtime.bigint();
      this.queue.push({ item, resolve, reject });
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

  /** Flushes what is queued, waits for running batches, then refuses new items. */
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

  private async run(batch: Pending<T>[]): Promise<void> {
    const n = batch.length;
    const labels = this.labels;
    const started = process.hrtime.bigint();
    try {
      const outputs = await this.runItems(batch.map((p) => p.item));
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

/** Flat models: one row (manifest input order) per item, rows stacked into one input tensor. */
export class MicroBatcher extends BatchQueue<Float32Array> {
  constructor(private readonly model: ModelSession, options: MicroBatcherOptions) {
    super({ model: model.bundle.manifest.id, provider: model.provider }, options);
  }

  protected invalid(row: Float32Array): string | undefined {
    return row.length !== this.model.width ? `expects ${this.model.width} columns, got ${row.length}` : undefined;
  }

  protected runItems(items: Float32Array[]): Promise<Float32Array[]> {
    const width = this.model.width;
    const rows = new Float32Array(items.length * width);
    items.forEach((row, i) => rows.set(row, i * width));
    return this.model.runBatch(rows, items.length);
  }
}
