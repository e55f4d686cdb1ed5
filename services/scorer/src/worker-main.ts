/**
 * Entry point of a scorer worker process (`npm run start:scorer`): loads and warms the models,
 * consumes scoring jobs from Redis, serves /metrics, and shuts down gracefully on SIGTERM/SIGINT
 * (stops taking jobs, finishes those in flight, removes its heartbeat, closes connections, exit 0).
 */
import pino from 'pino';
import { loadScorerConfig } from './config';
import { createInProcessScorer } from './index';
import { loadWorkerConfig, startMetricsServer, startScoreWorker, type MetricsServer } from './worker';

async function main(): Promise<void> {
  const workerConfig = loadWorkerConfig();
  const scorerConfig = loadScorerConfig();
  const logger = pino({ name: 'prognos-scorer-worker', level: workerConfig.LOG_LEVEL });

  if (!workerConfig.SCORING_RESULT_SECRET) logger.warn('SCORING_RESULT_SECRET is not set: results are not signed (development only)');
  const engine = await createInProcessScorer(scorerConfig);
  const worker = startScoreWorker({
    redisUrl: workerConfig.REDIS_URL,
    queueName: workerConfig.QUEUE_NAME,
    engine,
    concurrency: workerConfig.SCORER_WORKER_CONCURRENCY,
    lockDurationMs: workerConfig.SCORER_LOCK_DURATION_MS,
    stalledIntervalMs: workerConfig.SCORER_STALLED_INTERVAL_MS,
    maxStalledCount: workerConfig.SCORER_MAX_STALLED_COUNT,
    heartbeatMs: workerConfig.WORKER_HEARTBEAT_MS,
    resultSecret: workerConfig.SCORING_RESULT_SECRET,
    logger,
  });
  let metrics: MetricsServer | undefined;
  if (workerConfig.METRICS_PORT > 0) {
    metrics = await startMetricsServer({ port: workerConfig.METRICS_PORT, host: workerConfig.METRICS_HOST, ready: worker.ready });
    logger.info({ port: metrics.port }, 'worker metrics listening');
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    (async () => {
      await worker.close(workerConfig.SHUTDOWN_GRACE_MS);
      await metrics?.close();
      await engine.close();
    })().then(() => process.exit(0), (err) => {
      logger.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  // eslint-disable-next-line no-console
  console.error(`prognos scorer worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
