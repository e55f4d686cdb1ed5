/**
 * The scorer's own Prometheus series that a worker copies into its heartbeat, so that the HTTP
 * side's dashboard can show inference batches and predictions not computed in distributed mode
 * (those figures live in the workers). Labels are model ids, providers, reasons and bucket bounds:
 * never patient data. About 1.5 kB per model that ran (rows, runs, 12 batch-size series) per heartbeat;
 * run durations stay on the worker's own /metrics.
 */
import client from 'prom-client';

/** One metric as prom-client's `get()` / `getMetricsAsJSON()` gives it (the fields we copy). */
export interface HeartbeatMetric {
  name: string;
  type: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}

/** Metrics that only workers have in distributed mode and the dashboard shows. */
export const WORKER_REPORTED_METRICS = [
  'prognos_inference_rows_total',
  'prognos_inference_runs_total',
  'prognos_batch_size',
  'prognos_predictions_not_computed_total',
] as const;

/** Reads {@link WORKER_REPORTED_METRICS} from `registry` (absent ones are skipped). */
export async function readHeartbeatMetrics(registry: client.Registry = client.register): Promise<HeartbeatMetric[]> {
  const out: HeartbeatMetric[] = [];
  for (const name of WORKER_REPORTED_METRICS) {
    const metric = registry.getSingleMetric(name);
    if (!metric) continue;
    const data = await metric.get();
    out.push({
      name,
      type: String(data.type),
      values: data.values.map((v) => {
        const labels: Record<string, string | number> = {};
        for (const [k, l] of Object.entries(v.labels)) if (l !== undefined) labels[k] = l;
        const m = (v as { metricName?: string }).metricName;
        return m ? { value: v.value, labels, metricName: m } : { value: v.value, labels };
      }),
    });
  }
  return out;
}
