/**
 * Enforces QUEUE_JOB_RETENTION_S on finished jobs (issue 11). BullMQ applies `removeOnComplete` /
 * `removeOnFail` `{age}` only when another job finishes, so after a burst the last jobs (feature
 * values, provenance) stayed in Redis indefinitely. This sweeper removes completed and failed jobs
 * older than the retention on a timer, whether or not new jobs finish.
 */
import type { Queue } from 'bullmq';

/** Jobs removed per state per sweep (a sweep is cheap and frequent; a backlog drains over a few). */
export const SWEEP_LIMIT = 1000;

export interface RetentionSweeper {
  /** Runs one sweep now; resolves with the number of jobs removed. */
  sweep(): Promise<number>;
  stop(): void;
}

/** Sweep period: a quarter of the retention, between 1 s and 30 s. */
export function sweepIntervalMs(retentionS: number): number {
  return Math.min(30_000, Math.max(1000, Math.round((retentionS * 1000) / 4)));
}

/**
 * @param queue the current queue (it may be replaced after a failed initialisation)
 * @param usable whether Redis answers now (no sweep is attempted while it does not)
 */
export function startRetentionSweeper(queue: () => Queue, usable: () => boolean, retentionS: number, onError: (err: Error) => void = () => undefined): RetentionSweeper {
  let running = false;
  const sweep = async (): Promise<number> => {
    if (running || !usable()) return 0;
    running = true;
    try {
      const q = queue();
      const grace = retentionS * 1000;
      const [done, failed] = await Promise.all([q.clean(grace, SWEEP_LIMIT, 'completed'), q.clean(grace, SWEEP_LIMIT, 'failed')]);
      return done.length + failed.length;
    } catch (e) {
      onError(e as Error);
      return 0;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => { void sweep(); }, sweepIntervalMs(retentionS));
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
