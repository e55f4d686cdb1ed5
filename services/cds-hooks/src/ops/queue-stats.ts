/**
 * Queue and worker state for the dashboard (distributed mode). `OpsDependencies.queue` is typed
 * `unknown` so embedded mode never loads bullmq; here it is recognised by shape.
 */
import type { Queue } from 'bullmq';

/** Job counts of the scoring queue (BullMQ states). */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  prioritized: number;
}

/** True when `value` looks like a BullMQ Queue (has a name and getJobCounts). */
export function isBullQueue(value: unknown): value is Queue {
  return typeof value === 'object' && value !== null
    && typeof (value as { getJobCounts?: unknown }).getJobCounts === 'function'
    && typeof (value as { name?: unknown }).name === 'string';
}

/** Rejects after `ms` so a hung Redis never hangs a dashboard call. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Reads the queue's job counts (one Redis round trip), within `timeoutMs`. */
export async function readQueueCounts(queue: Queue, timeoutMs: number): Promise<QueueCounts> {
  const counts = await withTimeout(
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
    timeoutMs,
    'Redis (queue counts)',
  );
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    completed: counts.completed ?? 0,
    prioritized: counts.prioritized ?? 0,
  };
}
