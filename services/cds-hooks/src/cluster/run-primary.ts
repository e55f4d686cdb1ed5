/**
 * The cluster primary of multi-process embedded mode (EMBEDDED_PROCESSES > 1): forks the HTTP
 * workers (each a full embedded service: HTTP, pipeline and ONNX models, listening on the one PORT,
 * which node:cluster shares), holds the state that must be one across them (card registry, replay
 * cache, feedback store; see ipc-stores.ts), aggregates /metrics (cluster-metrics.ts), keeps the
 * dashboard history from the aggregated metrics, the drift panel's counts (cluster-drift.ts) and the
 * per-client limits (ipc-client-limits.ts). It never handles a hook itself.
 *
 * A worker that dies while the service is not shutting down is forked again at once (after 10
 * restarts within a minute, one second apart, so a crash loop does not spin the CPU); calls on the
 * dead worker's connections fail, the other workers go on answering. SIGTERM/SIGINT: stop
 * restarting, pass SIGTERM to every worker (each finishes its in-flight calls within
 * SHUTDOWN_GRACE_MS), SIGKILL any left after the grace, exit.
 */
import cluster, { type Worker } from 'node:cluster';
import client from 'prom-client';
import { getOrCreateMetric } from '@prognos/scorer';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { readDashboardConfig } from '../ops/dashboard-config';
import { MetricHistory } from '../ops/metric-history';
import { driftHandlers } from './cluster-drift';
import { ClusterClientLimits } from './ipc-client-limits';
import { aggregatedRegistry, metricsHandlers } from './cluster-metrics';
import { serveIpc, type IpcHandlers } from './ipc-rpc';
import { createSharedStores } from './ipc-stores';

export const HISTORY = 'history';
/** Environment variable telling a worker how many processes share the service (for its share of the per-client limits when the primary does not answer). */
export const CLUSTER_SIZE_ENV = 'PROGNOS_CLUSTER_SIZE';

const workerRestarts = getOrCreateMetric('prognos_worker_restarts_total', () => new client.Counter({
  name: 'prognos_worker_restarts_total',
  help: 'Embedded HTTP worker processes restarted after they died (multi-process embedded mode)',
}));

const RESTART_WINDOW_MS = 60_000;
const RESTARTS_BEFORE_BACKOFF = 10;
const BACKOFF_MS = 1000;

export interface Primary {
  /** Live workers. */
  workers(): Worker[];
  /** Resolves when every worker has exited after a shutdown. */
  stopped: Promise<void>;
  shutdown(signal: string): void;
}

export function runPrimary(config: Config, logger: Logger, processes: number): Primary {
  const shared = createSharedStores(config);
  const options = readDashboardConfig(config);
  const history = new MetricHistory({
    collect: async () => (await aggregatedRegistry()).getMetricsAsJSON(),
    intervalMs: options.sampleIntervalMs,
    capacity: options.historyPoints,
    windowMs: options.windowMs,
  });
  history.start();
  const handlers: IpcHandlers = {
    ...shared.handlers,
    ...metricsHandlers(),
    ...driftHandlers(),
    [HISTORY]: {
      points: (since: number | null) => ({
        intervalMs: history.intervalMs, windowMs: history.windowMs, points: history.points(since ?? undefined),
      }),
    },
  };

  const limits = new ClusterClientLimits(config);

  let stopping = false;
  const restarts: number[] = [];
  const fork = () => {
    const w = cluster.fork({ [CLUSTER_SIZE_ENV]: String(processes) });
    const workerLimits = limits.forWorker();
    serveIpc(w, { ...handlers, ...workerLimits.handlers });
    // The calls a dead worker held give their client slots back.
    w.once('exit', () => workerLimits.workerGone());
    return w;
  };

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => { resolveStopped = r; });
  cluster.on('exit', (w, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) resolveStopped();
      return;
    }
    workerRestarts.inc();
    const t = Date.now();
    restarts.push(t);
    while (restarts.length > 0 && t - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    const delay = restarts.length > RESTARTS_BEFORE_BACKOFF ? BACKOFF_MS : 0;
    logger.warn({ worker: w.id, code, signal, restartInMs: delay }, 'embedded worker died: starting another');
    setTimeout(() => { if (!stopping) fork(); }, delay);
  });

  if (config.EMBEDDED_SEMI_SPACE_MB > 0) {
    cluster.setupPrimary({ execArgv: [...process.execArgv, `--max-semi-space-size=${config.EMBEDDED_SEMI_SPACE_MB}`] });
  }
  for (let i = 0; i < processes; i++) fork();
  logger.info({ processes, port: config.PORT }, 'embedded mode: multi-process (node:cluster), one port');

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    history.stop();
    logger.info({ signal }, 'shutting down the embedded workers');
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (live.length === 0) resolveStopped();
    for (const w of live) w.process.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    }, config.SHUTDOWN_GRACE_MS + 2000);
    force.unref();
  };
  return {
    workers: () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined),
    stopped,
    shutdown,
  };
}
