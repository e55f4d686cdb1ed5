/**
 * Prometheus metrics of a scorer worker process (prom-client default registry, served on
 * METRICS_PORT next to the scorer's inference metrics). Labels are outcomes only.
 */
import client from 'prom-client';
import { getOrCreateMetric } from '../get-or-create-metric';


/** Inputs by outcome: completed, expired, invalid, version_mismatch, failed (a batch job counts each item). */
export const workerJobs = getOrCreateMetric('prognos_worker_jobs_total', () => new client.Counter({
  name: 'prognos_worker_jobs_total',
  help: 'Scoring inputs handled by this worker, by outcome (each item of a batch job counts once)',
  labelNames: ['outcome'] as const,
}));

/** Seconds from enqueue (job timestamp, producer clock) to pick-up by this worker. */
export const workerQueueWait = getOrCreateMetric('prognos_worker_queue_wait_seconds', () => new client.Histogram({
  name: 'prognos_worker_queue_wait_seconds',
  help: 'Time a scoring job waited in the queue before a worker took it',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
}));

/** Inputs being scored right now (single jobs and batch items); this is what feeds the micro-batcher. */
export const workerActiveJobs = getOrCreateMetric('prognos_worker_active_jobs', () => new client.Gauge({
  name: 'prognos_worker_active_jobs',
  help: 'Scoring inputs (single jobs and batch items) in flight in this worker',
}));
