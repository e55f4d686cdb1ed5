/**
 * Distributed mode: feedback goes to a Redis stream (XADD, approximate MAXLEN), so a restart loses
 * none and every replica's feedback lands in one place. While Redis is unreachable, items wait in a
 * bounded in-memory buffer and are retried with backoff; the HTTP answer never waits on Redis for
 * more than `maxWaitMs`.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { feedbackBuffered } from '../metrics';
import { summarize, type FeedbackRecord, type FeedbackStore, type FeedbackSummary } from './feedback-store';

export interface RedisFeedbackStoreOptions {
  streamKey: string;
  /** Approximate stream cap (XADD MAXLEN ~). */
  maxLen: number;
  /** Most items buffered while Redis is down; beyond it the oldest are dropped (and logged). */
  bufferMax: number;
  logger: Logger;
  /** Longest a record() call waits for Redis before answering with the items buffered. @defaultValue 200 */
  maxWaitMs?: number;
  /** Retry backoff bounds, ms. @defaultValue 100 .. 5000 */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Most records read back for summary(). @defaultValue 100000 */
  summaryLimit?: number;
}

const BATCH = 500;

export class RedisFeedbackStore implements FeedbackStore {
  private buffer: FeedbackRecord[] = [];
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoff: number;
  private closed = false;

  constructor(private readonly redis: Redis, private readonly options: RedisFeedbackStoreOptions) {
    this.backoff = options.retryMinMs ?? 100;
  }

  /** Items not yet written to Redis. */
  get pending(): number { return this.buffer.length; }

  async record(_serviceId: string, items: FeedbackRecord[]): Promise<void> {
    this.buffer.push(...items);
    if (this.buffer.length > this.options.bufferMax) {
      const dropped = this.buffer.length - this.options.bufferMax;
      this.buffer.splice(0, dropped);
      this.options.logger.error({ dropped }, 'feedback buffer full while Redis is unreachable: oldest items dropped');
    }
    feedbackBuffered.set(this.buffer.length);
    const wait = this.options.maxWaitMs ?? 200;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((r) => { t = setTimeout(r, wait); })]);
    clearTimeout(t);
  }

  /** Writes everything buffered; single-flight. Resolves when done or when Redis failed (retry scheduled). */
  flush(): Promise<void> {
    this.inflight ??= this.drain().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, BATCH);
      const pipeline = this.redis.pipeline();
      for (const r of batch) {
        pipeline.xadd(this.options.streamKey, 'MAXLEN', '~', String(this.options.maxLen), '*', 'data', JSON.stringify(r));
      }
      let results: [Error | null, unknown][] | null;
      try {
        results = await pipeline.exec();
      } catch {
        results = null;
      }
      const failed = results ? batch.filter((_, i) => results?.[i]?.[0]) : batch;
      // Remove the batch, put failures back in front (order kept).
      this.buffer.splice(0, batch.length, ...failed);
      feedbackBuffered.set(this.buffer.length);
      if (failed.length > 0) {
        this.scheduleRetry();
        return;
      }
      this.backoff = this.options.retryMinMs ?? 100;
    }
  }

  private scheduleRetry(): void {
    if (this.timer || this.closed) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.options.retryMaxMs ?? 5000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** Stored records (newest `summaryLimit`), oldest first, then those still buffered. */
  async records(): Promise<FeedbackRecord[]> {
    let stored: FeedbackRecord[] = [];
    try {
      const entries = await this.redis.xrevrange(this.options.streamKey, '+', '-', 'COUNT', this.options.summaryLimit ?? 100_000);
      stored = entries.reverse().flatMap(([, fields]) => {
        const i = fields.indexOf('data');
        if (i < 0) return [];
        try { return [JSON.parse(fields[i + 1]) as FeedbackRecord]; } catch { return []; }
      });
    } catch {
      // Redis down: what is buffered.
    }
    return [...stored, ...this.buffer];
  }

  async summary(): Promise<FeedbackSummary> {
    const s = summarize(await this.records());
    s.pending = this.buffer.length;
    return s;
  }

  /** Last attempt to write the buffer (bounded by `timeoutMs`), then stop retrying. */
  async close(timeoutMs = 2000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
    clearTimeout(t);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.buffer.length > 0) this.options.logger.error({ pending: this.buffer.length }, 'feedback not written to Redis at shutdown');
  }
}
