import type { Config } from '../config';

/**
 * What the operations routes may read. The HTTP app builds this in its composition root.
 * Extend it (add optional fields) rather than reaching into globals.
 */
export interface OpsDependencies {
  config: Config;
  /** Readiness as /readyz reports it (Redis, workers, models, auth mode). */
  readiness(): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
  /** Models loaded (id, version, citation, load time) and execution provider. */
  models(): { id: string; version: string; citation: string; loadMs?: number; origin: string }[];
  executionProvider(): string;
  /** 'jwt' when issuers are configured, 'development' otherwise. */
  authMode: 'jwt' | 'development';
  /** Feedback aggregates (acceptance / override rates, top reasons) from the feedback store. */
  feedbackSummary(): Promise<unknown>;
  /** Distributed mode only: BullMQ queue for @bull-board and queue stats; workers online. */
  queue?: unknown;
  workers?(): Promise<{ id: string; provider: string; lastSeen: string; batches?: Record<string, number> }[]>;
}
