/**
 * /metrics and the dashboard across the embedded processes. Every worker keeps its own prom-client
 * registry (counters are cheap and local on the hot path); on a scrape the primary asks every live
 * worker for its metrics as JSON, adds its own registry (feedback first-outcome counters live there)
 * and merges them with prom-client's AggregatorRegistry: counters and histogram buckets are summed,
 * gauges follow each metric's `aggregator` (info-style gauges use max). A worker serving /metrics asks
 * the primary through {@link ClusterRegistryView}, so whichever worker the scrape reaches, the answer
 * is the whole service.
 *
 * A restarted worker starts its counters at zero: the aggregated counters then go down once, which
 * Prometheus' rate()/increase() treat as a counter reset, and the dashboard's deltas tolerate.
 */
import cluster from 'node:cluster';
import client, { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { IpcClient, IpcHandlers } from './ipc-rpc';

export const METRICS = 'metrics';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

interface MetricsRequest { prognosMetrics: 'req'; id: number }
interface MetricsAnswer { prognosMetrics: 'ans'; id: number; metrics: MetricsJson }

/** In a worker: answer the primary's metric requests with this process's registry. */
export function answerMetricRequests(registry: Registry = client.register, proc: NodeJS.Process = process): void {
  proc.on('message', (m: unknown) => {
    const r = m as MetricsRequest;
    if (typeof r !== 'object' || r === null || r.prognosMetrics !== 'req') return;
    void registry.getMetricsAsJSON().then((metrics) => {
      if (proc.connected) proc.send!({ prognosMetrics: 'ans', id: r.id, metrics } satisfies MetricsAnswer);
    });
  });
}

let nextRequest = 1;

/** In the primary: every live worker's metrics (those answering within `timeoutMs`) plus the primary's own. */
export async function gatherClusterMetrics(timeoutMs = 1000, own: Registry = client.register): Promise<MetricsJson[]> {
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w && w.isConnected());
  const answers = await Promise.all(workers.map((w) => new Promise<MetricsJson | undefined>((resolve) => {
    const id = nextRequest++;
    const onMessage = (m: unknown) => {
      const a = m as MetricsAnswer;
      if (typeof a !== 'object' || a === null || a.prognosMetrics !== 'ans' || a.id !== id) return;
      done(a.metrics);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const done = (v: MetricsJson | undefined) => { clearTimeout(timer); w!.off('message', onMessage); resolve(v); };
    w!.on('message', onMessage);
    try { w!.send({ prognosMetrics: 'req', id } satisfies MetricsRequest); } catch { done(undefined); }
  })));
  const all = answers.filter((a): a is MetricsJson => a !== undefined);
  all.push(await own.getMetricsAsJSON() as MetricsJson);
  return all;
}

/** In the primary: the aggregated registry of the whole service. */
export async function aggregatedRegistry(timeoutMs?: number): Promise<Registry> {
  return AggregatorRegistry.aggregate(await gatherClusterMetrics(timeoutMs));
}

/** The primary's IPC handlers for the aggregated metrics (text for /metrics, JSON for the dashboard). */
export function metricsHandlers(): IpcHandlers {
  return {
    [METRICS]: {
      text: async () => (await aggregatedRegistry()).metrics(),
      json: async () => (await aggregatedRegistry()).getMetricsAsJSON(),
    },
  };
}

/**
 * In a worker: the part of prom-client's Registry that the ops routes read (`metrics()`,
 * `getMetricsAsJSON()`, `contentType`), answered by the primary with the whole service's metrics.
 */
export class ClusterRegistryView {
  readonly contentType = client.register.contentType;
  constructor(private readonly ipc: IpcClient) {}
  metrics(): Promise<string> { return this.ipc.call<string>(METRICS, 'text'); }
  getMetricsAsJSON(): Promise<MetricsJson> { return this.ipc.call<MetricsJson>(METRICS, 'json'); }
  /** As a Registry for OpsDependencies (only the members above are used). */
  asRegistry(): Registry { return this as unknown as Registry; }
}
