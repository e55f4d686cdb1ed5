/**
 * Metrics of the HTTP side of distributed mode (prom-client default registry, on the HTTP /metrics).
 * Labels are outcomes, modes and reasons: never patient data.
 */
import client from 'prom-client';
import { getOrCreateMetric } from '@prognos/scorer';


/** Outcome of each enqueued job as this process saw it: completed, failed, deadline, invalid_result. */
export const queueJobs = getOrCreateMetric('prognos_queue_jobs_total', () => new client.Counter({
  name: 'prognos_queue_jobs_total',
  help: 'Scoring jobs enqueued by this HTTP process, by outcome',
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

/** Jobs waiting for their result in this process. */
export const queuePending = getOrCreateMetric('prognos_queue_pending', () => new client.Gauge({
  name: 'prognos_queue_pending',
  help: 'Scoring jobs of this process waiting for a worker result',
}));
