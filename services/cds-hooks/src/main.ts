/**
 * `npm start`: loads config, picks the scoring engine (embedded by default; distributed BullMQ when
 * REDIS_URL is set), builds the app and serves on PORT. SIGTERM/SIGINT: stop accepting, let
 * in-flight calls finish (SHUTDOWN_GRACE_MS), close the engine and Redis.
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { createInProcessScorer, learnedModelCards, loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import type { CdsServiceDescriptor, ModelInfo, ScoringEngine } from '@prognos/contracts';
import { createApp, type AppDependencies } from './app';
import { createAuthMode } from './auth/create-auth-mode';
import { MemoryReplayCache, RedisReplayCache, type ReplayCache } from './auth/replay-cache';
import { answerMetricRequests, ClusterRegistryView } from './cluster/cluster-metrics';
import { IpcClient } from './cluster/ipc-rpc';
import { IpcCardRegistry, IpcFeedbackStore, IpcReplayCache, IpcShownCardLog } from './cluster/ipc-stores';
import { ClusterDrift } from './cluster/cluster-drift';
import { IpcClientLimits } from './cluster/ipc-client-limits';
import { CLUSTER_SIZE_ENV, HISTORY, runPrimary } from './cluster/run-primary';
import { embeddedProcesses, isDevelopmentEnv, loadConfig, type Config } from './config';
import { MemoryCardRegistry, RedisCardRegistry, type CardRegistry } from './feedback/card-registry';
import type { FeedbackStore } from './feedback/feedback-store';
import { MemoryFeedbackStore } from './feedback/memory-feedback-store';
import { RedisFeedbackStore } from './feedback/redis-feedback-store';
import { createHttpServer } from './http/create-server';
import { MemoryShownCardLog, RedisShownCardLog, type ShownCardLog } from './analytics/shown-card-log';
import { embeddedEngine } from './pipeline/embedded-engine';
import { createLogger, type Logger } from './logger';

interface Engine {
  engine: ScoringEngine & { queue?: unknown; workers?: AppDependencies['workers'] };
  services: CdsServiceDescriptor[];
  models: () => ModelInfo[];
  executionProvider: () => string;
}

/**
 * Distributed mode trusts results from Redis only when they are signed: without SCORING_RESULT_SECRET
 * it refuses to start, unless NODE_ENV asks for development explicitly. Returns false when running
 * without a secret (development), true otherwise.
 */
export function checkResultSecret(config: Pick<Config, 'REDIS_URL' | 'SCORING_RESULT_SECRET' | 'NODE_ENV'>): boolean {
  if (!config.REDIS_URL || config.SCORING_RESULT_SECRET) return true;
  if (!isDevelopmentEnv(config)) {
    throw new Error('SCORING_RESULT_SECRET is required in distributed mode: without it a result written to Redis by anyone would be trusted (set NODE_ENV=development to run without it on purpose)');
  }
  return false;
}

async function createEngine(config: Config, logger: Logger): Promise<Engine> {
  const scorerConfig = loadScorerConfig();
  if (config.REDIS_URL) {
    if (!checkResultSecret(config)) logger.warn('SCORING_RESULT_SECRET is not set: scoring results from Redis are not authenticated (development only)');
    const catalog = loadServiceCatalog(scorerConfig);
    // Loaded only in distributed mode: embedded deployments never need the queue code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createQueueScorer } = require('./queue') as typeof import('./queue');
    const engine = await createQueueScorer(config, catalog);
    logger.info({ services: catalog.services.length }, 'distributed mode: scoring through BullMQ workers');
    return { engine, services: catalog.services, models: () => catalog.models, executionProvider: () => 'workers' };
  }
  const scorer = await createInProcessScorer(scorerConfig);
  logger.info({ services: scorer.services().length, provider: scorer.executionProvider }, 'embedded mode: scoring in process');
  return { engine: embeddedEngine(scorer), services: scorer.services(), models: () => scorer.models(), executionProvider: () => scorer.executionProvider };
}

/**
 * A worker of multi-process embedded mode takes its share of the per-client limits: the primary counts
 * the whole limits for every process (ipc-client-limits.ts), and a worker counts its share itself only
 * while the primary does not answer.
 */
function shareOfLimits(config: Config, processes: number): Config {
  const share = (n: number) => (n > 0 ? Math.max(1, Math.ceil(n / processes)) : n);
  return {
    ...config,
    CLIENT_RATE_PER_S: config.CLIENT_RATE_PER_S > 0 ? config.CLIENT_RATE_PER_S / processes : 0,
    CLIENT_RATE_BURST: share(config.CLIENT_RATE_BURST),
    CLIENT_MAX_CONCURRENT: share(config.CLIENT_MAX_CONCURRENT),
  };
}

/**
 * Starts the service. With more than one embedded process this process becomes the cluster primary
 * (it forks the HTTP workers and resolves undefined); a worker, or a single process, serves HTTP.
 */
export async function main(): Promise<Server | undefined> {
  const loaded = loadConfig();
  const logger = createLogger(loaded.LOG_LEVEL);
  const processes = embeddedProcesses(loaded);
  if (processes > 1 && cluster.isPrimary) {
    const primary = runPrimary(loaded, logger, processes);
    process.on('SIGTERM', () => primary.shutdown('SIGTERM'));
    process.on('SIGINT', () => primary.shutdown('SIGINT'));
    void primary.stopped.then(() => { logger.info('stopped'); process.exit(0); });
    return undefined;
  }
  const inCluster = cluster.isWorker && !loaded.REDIS_URL;
  const config = inCluster ? shareOfLimits(loaded, Number(process.env[CLUSTER_SIZE_ENV]) || 1) : loaded;
  const ipc = inCluster ? new IpcClient(process) : undefined;
  let redis: Redis | undefined;
  let replayCache: ReplayCache = new MemoryReplayCache(Date.now, config.REPLAY_CACHE_MAX_PER_ISSUER);
  let cardRegistry: CardRegistry = new MemoryCardRegistry(config.CARD_REGISTRY_TTL_S, config.CARD_REGISTRY_MAX, Date.now, config.CARD_REGISTRY_MAX_PER_CLIENT);
  let feedbackStore: FeedbackStore = new MemoryFeedbackStore({ max: config.CARD_REGISTRY_MAX });
  let shownCards: ShownCardLog = new MemoryShownCardLog(config.SHOWN_CARDS_MAX);
  if (ipc) {
    // One copy of each in the cluster primary: attribution, replay refusal and feedback across processes.
    replayCache = new IpcReplayCache(ipc);
    cardRegistry = new IpcCardRegistry(ipc);
    feedbackStore = new IpcFeedbackStore(ipc);
    shownCards = new IpcShownCardLog(ipc);
    answerMetricRequests();
  }
  if (config.REDIS_URL) {
    // Fail fast per command: the feedback store buffers, the replay cache falls back locally.
    redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on('error', (e: Error) => logger.warn({ err: e.message }, 'redis connection error'));
    replayCache = new RedisReplayCache(redis, logger, undefined, undefined, config.REPLAY_CACHE_MAX_PER_ISSUER);
    cardRegistry = new RedisCardRegistry(redis, config.CARD_REGISTRY_TTL_S, undefined, config.CARD_REGISTRY_MAX_PER_CLIENT);
    feedbackStore = new RedisFeedbackStore(redis, {
      streamKey: config.FEEDBACK_STREAM_KEY, maxLen: config.FEEDBACK_STREAM_MAXLEN, bufferMax: config.FEEDBACK_BUFFER_MAX, logger,
      cardTtlS: config.CARD_REGISTRY_TTL_S,
    });
    shownCards = new RedisShownCardLog(redis, { streamKey: config.SHOWN_CARDS_STREAM_KEY, maxLen: config.FEEDBACK_STREAM_MAXLEN });
  }
  const auth = createAuthMode(config, logger, replayCache);
  const { engine, services, models, executionProvider } = await createEngine(config, logger);
  // Drift counts recorded here, merged in the primary (the panel shows every process's calls).
  const drift = ipc ? new ClusterDrift(ipc, models) : undefined;
  // Per-client limits counted by the primary for every process (this process's share only if it is silent).
  const clientAdmission = ipc ? new IpcClientLimits(ipc, config) : undefined;
  const lifecycle = { draining: false };
  const app = createApp({
    config, logger, engine, services, auth, cardRegistry, feedbackStore, shownCards, models, executionProvider, lifecycle,
    queue: engine.queue, workers: engine.workers,
    modelCards: (() => { const sc = loadScorerConfig(); return learnedModelCards(sc.MODELS_DIR, sc.CUSTOM_MODELS_DIR); })(),
    metricsRegistry: ipc ? new ClusterRegistryView(ipc).asRegistry() : undefined,
    timeseries: ipc ? (since) => ipc.call(HISTORY, 'points', since ?? null) : undefined,
    drift,
    clientAdmission,
    readinessChecks: redis ? async () => ({ redis: { ok: (await redis.ping().catch(() => '')) === 'PONG' } }) : undefined,
  });
  const server = createHttpServer(app, config).listen(config.PORT, config.HOST, () => {
    logger.info({ port: config.PORT, host: config.HOST, mode: engine.mode, auth: auth.kind }, 'prognos cds-hooks listening');
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      clearTimeout(force);
      try {
        await engine.close();
        await drift?.close();
        await feedbackStore.close?.();
        await redis?.quit();
      } catch (e) {
        logger.error({ err: (e as Error).message }, 'error while closing');
      }
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A worker whose primary is gone has no shared state left: finish in-flight calls and exit.
  if (inCluster) process.on('disconnect', () => shutdown('primary disconnected'));
  return server;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    // eslint-disable-next-line no-console
    console.error(`prognos cds-hooks failed to start: ${(e as Error).message}`);
    process.exit(1);
  });
}
