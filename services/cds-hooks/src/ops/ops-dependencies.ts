import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { DashboardOptions } from './dashboard-config';

/** A scorer worker as distributed mode reports it. */
export interface WorkerInfo {
  id: string;
  /** Execution provider: 'cpu', 'cuda', ... */
  provider: string;
  /** ISO 8601 time of its last heartbeat. */
  lastSeen: string;
  /** Batch-size distribution: batch size (as a string) → number of runs of that size. */
  batches?: Record<string, number>;
}

/**
 * The shape the dashboard understands from `feedbackSummary()` (all fields optional; anything else
 * is ignored). Rates are fractions 0..1.
 */
export interface FeedbackSummary {
  accepted?: number;
  overridden?: number;
  acceptanceRate?: number;
  overrideRate?: number;
  topOverrideReasons?: { code?: string; reason?: string; display?: string; count: number }[];
}

/**
 * What the operations routes may read. The HTTP app builds this in its composition root.
 * Extend it (add optional fields) rather than reaching into globals.
 */
export interface OpsDependencies {
  config: Config;
  /** Readiness as /readyz reports it (Redis, workers, models, auth mode). */
  readiness(): Promise<{ ready: boolean; degraded?: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
  /** Models loaded (id, version, citation, load time) and execution provider. */
  models(): { id: string; version: string; citation: string; loadMs?: number; origin: string }[];
  executionProvider(): string;
  /** 'jwt' when issuers are configured, 'development' otherwise. */
  authMode: 'jwt' | 'development';
  /** Feedback aggregates (acceptance / override rates, top reasons) from the feedback store; see FeedbackSummary. */
  feedbackSummary(): Promise<unknown>;
  /** Distributed mode only: BullMQ queue for @bull-board and queue stats; workers online. */
  queue?: unknown;
  workers?(): Promise<WorkerInfo[]>;
  /** Registry read by /metrics and the dashboard. @defaultValue prom-client's default registry */
  registry?: Registry;
  /**
   * Dashboard history kept elsewhere (the cluster primary in multi-process embedded mode): when set,
   * this process starts no sampler of its own and /api/dashboard/timeseries answers from it.
   */
  timeseries?(sinceMs?: number): Promise<{ intervalMs: number; windowMs: number; points: unknown[] }>;
  /** Overrides of the DASHBOARD_* settings read from `config` (tests use short intervals). */
  dashboard?: Partial<DashboardOptions>;
}
