/**
 * Metrics of the HTTP side of distributed mode (prom-client default registry, on the HTTP /metrics).
 * Labels are outcomes, modes and reasons: never patient data.
 */
import client from 'prom-client';
import { getOrCreateMetric } from '@prognos/scorer';


/**
 * Outcome of each scoring call sent through the queue, as this process saw it: completed, failed,
 * deadline, invalid_result, forged_result. Counted per input (a batch job counts each of its calls),
 * as when every call was a job of its own.
 */
export const queueJobs = getOrCreateMetric('prognos_queue_jobs_total', () => new client.Counter({
  name: 'prognos_queue_jobs_total',
  help: 'Scoring calls sent through the queue by this HTTP process, by outcome (one per input, also in batch jobs)',
  labelNames: ['outcome'] as const,
}));

/** Calls answered without the queue because Redis was unreachable, by fallback mode. */
export const queueFallbacks = getOrCreateMetric('prognos_queue_fallback_total', () => new client.Counter({
  name: 'prognos_queue_fallback_total',
  help: 'Scoring calls that bypassed the queue because Redis was unreachable, by fallback (in-process, empty)',
  labelNames: ['fallback'] as const,
}));

/** 1 while the producer connection to Redis is ready. */
export const queueRedisUp = getOrCreateMetric('prognos_queue_redis_up', () => new client.Gauge({
  name: 'prognos_queue_redis_up',
  help: '1 when the HTTP process is connected to the scoring queue Redis, else 0',
}));

/** Calls waiting for their result in this process (waiting for a job, or in a job sent). */
export const queuePending = getOrCreateMetric('prognos_queue_pending', () => new client.Gauge({
  name: 'prognos_queue_pending',
  help: 'Scoring calls of this process waiting for a worker result (held for the next batch job or sent)',
}));

/**
 * Inputs per batch job sent (job-batcher.ts): 1 under light load, growing with the calls in flight.
 * Its _count is the number of jobs; _sum / _count is the mean batch the workers receive.
 */
export const queueBatchInputs = getOrCreateMetric('prognos_queue_batch_inputs', () => new client.Histogram({
  name: 'prognos_queue_batch_inputs',
  help: 'Scoring inputs per batch job sent by this HTTP process',
  buckets: [1, 2, 4, 8, 16, 32, 64],
}));
