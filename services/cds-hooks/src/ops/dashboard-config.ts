/**
 * Dashboard settings. The keys are environment variables; the HTTP service's config schema includes
 * this shape, and `readDashboardConfig` also accepts a config object that lacks them (defaults).
 */
import { z } from 'zod';

export const dashboardConfigSchema = z.object({
  /** How often the dashboard page refreshes, ms. @defaultValue 5000 */
  DASHBOARD_REFRESH_MS: z.coerce.number().int().min(250).max(600_000).default(5000),
  /** How often the in-process history samples the metrics registry, ms. @defaultValue 5000 */
  DASHBOARD_SAMPLE_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** History kept in process for the time-series charts, minutes. @defaultValue 120 */
  DASHBOARD_HISTORY_MIN: z.coerce.number().int().min(1).max(24 * 60).default(120),
  /** Sliding window for latency quantiles and batch size, seconds (PromQL `[1m]`). @defaultValue 60 */
  DASHBOARD_WINDOW_S: z.coerce.number().int().min(1).max(3600).default(60),
});

export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;

/** Dashboard options in code units. */
export interface DashboardOptions {
  /** Page refresh period, ms. */
  refreshMs: number;
  /** History sampling interval, ms. */
  sampleIntervalMs: number;
  /** Points kept in the ring. */
  historyPoints: number;
  /** Quantile / batch-size window, ms. */
  windowMs: number;
}

/** Reads the DASHBOARD_* keys from a config object (or the environment), with defaults. */
export function readDashboardConfig(source: object): DashboardOptions {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(dashboardConfigSchema.shape)) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) picked[key] = value;
  }
  const c = dashboardConfigSchema.parse(picked);
  return {
    refreshMs: c.DASHBOARD_REFRESH_MS,
    sampleIntervalMs: c.DASHBOARD_SAMPLE_MS,
    historyPoints: Math.max(2, Math.ceil((c.DASHBOARD_HISTORY_MIN * 60_000) / c.DASHBOARD_SAMPLE_MS)),
    windowMs: c.DASHBOARD_WINDOW_S * 1000,
  };
}
