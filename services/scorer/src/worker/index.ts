/** The distributed-mode worker: BullMQ consumer, heartbeats, its metrics server and the Redis protocol. */
export * from './protocol';
export * from './heartbeat';
export * from './result-signature';
export * from './heartbeat-metrics';
export * from './worker-config';
export * from './score-worker';
export * from './metrics-server';
export * as workerMetrics from './worker-metrics';
