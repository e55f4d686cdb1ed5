import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { DashboardOptions } from './dashboard-config';
import type { FeedbackRecord } from '../feedback/feedback-store';
import type { ShownCard } from '../analytics/shown-card-log';

/** A scorer worker as distributed mode reports it. */
export interface WorkerInfo {
  id: string;
  /** Execution provider: 'cpu', 'cuda', ... */
  provider: string;
  /** ISO 8601 time of its last heartbeat. */
  lastSeen: string;
  /** Batch-size distribution: batch size (as a string) → number of runs of that size. */
  batches?: Record<string, number>;
  host?: string;
  pid?: number;
  concurrency?: number;
  started?: string;
  /** Jobs by outcome since the worker started. */
  jobs?: Record<string, number>;
  /** The worker's inference / not-computed series from its heartbeat (merged by worker-metrics-merge.ts). */
  metrics?: { name: string; type: unknown; values: { value: number; labels: Record<string, string | number>; metricName?: string }[] }[];
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
  /** The latest CDS Hooks errors (time, service, status, reason, issuer), newest first. */
  recentErrors?(): { time: string; service: string; status: number; reason: string; issuer: string }[];
  /**
   * Per-rule feedback analytics sources: cards shown since a time, and the current outcome per card
   * (one per card; given the cards shown, so that a store can look those up instead of reading all).
   */
  analytics?: {
    shown(sinceMs: number): Promise<ShownCard[]>;
    feedback(shown: readonly ShownCard[]): Promise<FeedbackRecord[]>;
  };
  /** Registry read by /metrics and the dashboard. @defaultValue prom-client's default registry */
  registry?: Registry;
  /** Prediction distributions and input missingness per model (drift panel; multi-process: the primary's merged counts). */
  drift?: { snapshot(): unknown };
  /** Ids of the models whose model card /models/{id}/card serves. */
  modelCards?: readonly string[];
  /**
   * Dashboard history kept elsewhere (the cluster primary in multi-process embedded mode): when set,
   * this process starts no sampler of its own and /api/dashboard/timeseries answers from it.
   */
  timeseries?(sinceMs?: number): Promise<{ intervalMs: number; windowMs: number; points: unknown[] }>;
  /** Overrides of the DASHBOARD_* settings read from `config` (tests use short intervals). */
  dashboard?: Partial<DashboardOptions>;
}
