import { summarize, type FeedbackRecord, type FeedbackStore, type FeedbackSummary } from './feedback-store';

/** Embedded mode: the most recent `max` records in memory (a restart forgets them; metrics keep counts). */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly items: FeedbackRecord[] = [];

  constructor(private readonly max = 100_000) {}

  async record(_serviceId: string, items: FeedbackRecord[]): Promise<void> {
    this.items.push(...items);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  async summary(): Promise<FeedbackSummary> {
    return summarize(this.items);
  }

  async records(): Promise<FeedbackRecord[]> { return [...this.items]; }

  /** Records in arrival order (tests, dashboard drill-down). */
  list(): readonly FeedbackRecord[] { return this.items; }
}
