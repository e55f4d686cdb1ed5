import { countFirstOutcome } from './count-outcome';
import { FeedbackCounts, outcomeKey, type FeedbackRecord, type FeedbackStore, type FeedbackSummary } from './feedback-store';

export interface MemoryFeedbackStoreOptions {
  /** Most cards whose outcome is kept (the oldest are forgotten, and leave the aggregates). @defaultValue 100000 */
  max?: number;
  /** Called once per card, with its first outcome. @defaultValue countFirstOutcome (the feedback metrics) */
  onFirstOutcome?: (r: FeedbackRecord) => void;
}

/**
 * Embedded mode: the latest outcome of the most recent `max` cards in memory, with running
 * aggregates (a restart forgets them; metrics keep counts).
 */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly latest = new Map<string, FeedbackRecord>();
  private readonly counts = new FeedbackCounts();
  private readonly max: number;

  constructor(options: MemoryFeedbackStoreOptions | number = {}) {
    const o = typeof options === 'number' ? { max: options } : options;
    this.max = o.max ?? 100_000;
    this.onFirstOutcome = o.onFirstOutcome ?? countFirstOutcome;
  }

  private readonly onFirstOutcome: (r: FeedbackRecord) => void;

  async record(_serviceId: string, items: FeedbackRecord[]): Promise<void> {
    for (const r of items) {
      const key = outcomeKey(r);
      const prev = this.latest.get(key);
      if (prev) { this.counts.add(prev, -1); this.latest.delete(key); } else this.onFirstOutcome(r);
      this.latest.set(key, r);
      this.counts.add(r);
      if (this.latest.size > this.max) {
        const [oldestKey, oldest] = this.latest.entries().next().value as [string, FeedbackRecord];
        this.latest.delete(oldestKey);
        this.counts.add(oldest, -1);
      }
    }
  }

  async summary(): Promise<FeedbackSummary> {
    return this.counts.summary();
  }

  /** The latest outcome per card, oldest first (per-rule analytics): replaced outcomes are not returned. */
  async records(): Promise<FeedbackRecord[]> { return [...this.latest.values()]; }

  /** The latest outcome per card, oldest first (tests, dashboard drill-down). */
  list(): readonly FeedbackRecord[] { return [...this.latest.values()]; }
}
