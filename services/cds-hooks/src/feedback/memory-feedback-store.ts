import { summarize, type FeedbackRecord, type FeedbackStore, type FeedbackSummary } from './feedback-store';

/** Embedded mode: the most recent `max` records in memory (a restart forgets them; metrics keep counts). */
export class MemoryFeedbackStore implements FeedbackStore {
  private readonly records: FeedbackRecord[] = [];

  constructor(private readonly max = 100_000) {}

  async record(_serviceId: string, items: FeedbackRecord[]): Promise<void> {
    this.records.push(...items);
    if (this.records.length > this.max) this.records.splice(0, this.records.length - this.max);
  }

  async summary(): Promise<FeedbackSummary> {
    return summarize(this.records);
  }

  /** Records in arrival order (tests, dashboard drill-down). */
  list(): readonly FeedbackRecord[] { return this.records; }
}
