/**
 * Group commit of scoring inputs on the producer side. At most `maxJobsInFlight` jobs are out at
 * once; an item that arrives while fewer are out is sent at once, alone (no added latency under
 * light load). Otherwise it waits here, and when a job finishes everything that accumulated in the
 * meantime leaves as the next job(s), up to `maxBatch` items each. There is no timer: the batch
 * size follows the load (the longer jobs take and the more calls arrive, the larger the batches),
 * which is what lets the worker's micro-batcher see many rows at once even though one HTTP process
 * spaces its calls milliseconds apart.
 *
 * Pure bookkeeping: what a job is, how it is sent and when it is finished is the caller's business
 * (queue-scorer.ts). Each `send` must be matched by exactly one `jobFinished()`.
 */

export interface JobBatcherOptions<T> {
  /** Jobs out at once (QUEUE_MAX_JOBS_IN_FLIGHT), at least 1. */
  maxJobsInFlight: number;
  /** Items per job (QUEUE_MAX_BATCH), at least 1. */
  maxBatch: number;
  /** Sends one job with these items (1..maxBatch, in arrival order). Must not throw. */
  send(items: T[]): void;
  /**
   * Asked of each waiting item as a job is formed: true leaves it out (e.g. its deadline passed;
   * the caller answers it). @defaultValue never
   */
  discard?(item: T): boolean;
}

export class JobBatcher<T> {
  private readonly waiting: T[] = [];
  private jobsInFlight = 0;

  constructor(private readonly options: JobBatcherOptions<T>) {
    if (!(options.maxJobsInFlight >= 1) || !(options.maxBatch >= 1)) throw new Error('JobBatcher needs maxJobsInFlight and maxBatch of at least 1');
  }

  /** Jobs sent and not yet finished. */
  get inFlight(): number { return this.jobsInFlight; }

  /** Items waiting for a job. */
  get waitingCount(): number { return this.waiting.length; }

  /** Sends the item at once when a job slot is free, else keeps it for the next job. */
  submit(item: T): void {
    this.waiting.push(item);
    this.flush();
  }

  /** Takes a waiting item back (its caller gave up); false when it was sent already or unknown. */
  withdraw(item: T): boolean {
    const i = this.waiting.indexOf(item);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  /** Removes and returns every waiting item (closing, or Redis lost). */
  withdrawAll(): T[] {
    return this.waiting.splice(0, this.waiting.length);
  }

  /** A job sent earlier is finished: its slot goes to what has accumulated. */
  jobFinished(): void {
    if (this.jobsInFlight === 0) throw new Error('JobBatcher.jobFinished without a job in flight');
    this.jobsInFlight -= 1;
    this.flush();
  }

  private flush(): void {
    while (this.jobsInFlight < this.options.maxJobsInFlight && this.waiting.length > 0) {
      const items: T[] = [];
      while (items.length < this.options.maxBatch && this.waiting.length > 0) {
        const item = this.waiting.shift() as T;
        if (!this.options.discard?.(item)) items.push(item);
      }
      if (items.length === 0) continue;
      this.jobsInFlight += 1;
      this.options.send(items);
    }
  }
}
