/**
 * Distributed mode: inference batches and predictions not computed happen in the scorer workers,
 * whose heartbeats (Redis) carry a copy of those series. Merged into this process's registry JSON,
 * each worker's series get a `worker` label, so that a worker that goes away removes whole series
 * (no fake counter reset on the others) and group sums (`sum by (model, provider)`) are unchanged.
 */
import os from 'node:os';
import type { MetricJson } from './metric-snapshot';
import type { WorkerInfo } from './ops-dependencies';

/** This process, as a worker heartbeat names it. */
const SELF = { host: os.hostname(), pid: process.pid };

/**
 * `local` plus every worker's reported series. A worker running inside this very process (tests,
 * single-process demos) is skipped: its series are already in `local`.
 */
export function mergeWorkerMetrics(
  local: readonly MetricJson[],
  workers: readonly WorkerInfo[] | null | undefined,
  self: { host: string; pid: number } = SELF,
): MetricJson[] {
  const byName = new Map<string, MetricJson>();
  for (const m of local) byName.set(m.name, { ...m, values: [...m.values] });
  for (const w of workers ?? []) {
    if (!Array.isArray(w.metrics) || (w.host === self.host && w.pid === self.pid)) continue;
    for (const m of w.metrics) {
      if (typeof m?.name !== 'string' || !Array.isArray(m.values)) continue;
      const target = byName.get(m.name) ?? { name: m.name, type: m.type, values: [] };
      for (const v of m.values) {
        if (typeof v?.value !== 'number') continue;
        target.values.push({ ...v, labels: { ...v.labels, worker: w.id } });
      }
      byName.set(m.name, target);
    }
  }
  return [...byName.values()];
}
