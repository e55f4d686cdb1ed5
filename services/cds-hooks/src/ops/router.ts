/**
 * Operations routes, mounted by the app at '/':
 * - GET /metrics: Prometheus text format (operator credential when METRICS_PROTECTED=true);
 * - GET /dashboard (+ /dashboard/assets/*): the operations page, self-contained (no CDN);
 * - GET /api/dashboard/summary, /api/dashboard/timeseries: its JSON data;
 * - GET /api/feedback/rules (JSON), /api/feedback/rules.csv: per-rule feedback analytics;
 * - /admin/queues: @bull-board's queue view (distributed mode only).
 * Everything but an open /metrics requires the operator credential (see operator-auth.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import client, { type Registry } from 'prom-client';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { operationOutcome } from '@prognos/contracts';
import { modelInfo, modelLoadSeconds, queueDepth, workersOnline } from '../metrics';
import { buildDashboardSummary, DEPENDENCY_TIMEOUT_MS } from './dashboard-summary';
import { readDashboardConfig, type DashboardOptions } from './dashboard-config';
import { MetricHistory } from './metric-history';
import { requireOperator, type OperatorAccess } from './operator-auth';
import type { OpsDependencies, WorkerInfo } from './ops-dependencies';
import { isBullQueue, readQueueCounts, withTimeout } from './queue-stats';
import { mergeWorkerMetrics } from './worker-metrics-merge';
import { ruleAnalyticsHandler } from './rule-analytics-route';
import { ProcessHealthMonitor } from './process-health';

/** The router plus what the composition root needs to shut it down and what tests inspect. */
export type OpsRouter = Router & {
  /** Stops the history sampler (idempotent). */
  close(): void;
  history: MetricHistory;
  options: DashboardOptions;
};

/** services/cds-hooks/static, from src/ops (jest) and from dist/ops (runtime) alike. */
export const STATIC_DIR = path.resolve(__dirname, '..', '..', 'static');

/**
 * CSP for the dashboard: scripts and styles only from this origin (no inline code), data only from
 * this origin; nothing may frame it.
 */
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function chartJsPath(): string | null {
  try {
    // chart.js' exports map hides dist/*; its CommonJS entry sits next to the UMD bundle.
    const file = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

function sendError(res: Response, status: number, code: 'exception' | 'not-found', diagnostics: string): void {
  res.status(status).type('application/fhir+json').json(operationOutcome('error', code, diagnostics));
}

/** Wraps an async handler so a failure answers a 500 OperationOutcome without leaking details. */
function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, _next: NextFunction) => {
    fn(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'exception', 'Operations data unavailable');
    });
  };
}

/** Refreshes the gauges whose values live in dependencies (models, queue, workers) before a scrape. */
export async function refreshOperationalGauges(deps: OpsDependencies): Promise<void> {
  try {
    const provider = deps.executionProvider();
    modelInfo.reset();
    modelLoadSeconds.reset();
    for (const m of deps.models()) {
      modelInfo.set({ model: m.id, version: m.version, provider }, 1);
      if (m.loadMs !== undefined) modelLoadSeconds.set({ model: m.id }, m.loadMs / 1000);
    }
  } catch {
    // models not loaded yet
  }
  if (isBullQueue(deps.queue)) {
    try {
      const counts = await readQueueCounts(deps.queue, DEPENDENCY_TIMEOUT_MS);
      for (const [state, n] of Object.entries(counts)) {
        if (state !== 'completed') queueDepth.set({ state }, n);
      }
    } catch {
      queueDepth.reset(); // unknown is better than stale
    }
  }
  if (deps.workers) {
    try {
      const list = await withTimeout(deps.workers(), DEPENDENCY_TIMEOUT_MS, 'workers');
      workersOnline.reset();
      for (const w of list) workersOnline.inc({ provider: w.provider });
    } catch {
      workersOnline.reset();
    }
  }
}

function mountQueueBoard(router: Router, deps: OpsDependencies, guard: RequestHandler): void {
  if (!isBullQueue(deps.queue)) {
    router.use('/admin/queues', guard, (_req, res) => {
      sendError(res, 404, 'not-found', 'The queue view exists only in distributed mode (REDIS_URL)');
    });
    return;
  }
  // Loaded only in distributed mode: bull-board pulls in its UI and template engine.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
  const { BullMQAdapter } = require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
  const { ExpressAdapter } = require('@bull-board/express') as typeof import('@bull-board/express');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/admin/queues');
  createBullBoard({ queues: [new BullMQAdapter(deps.queue, { readOnlyMode: false })], serverAdapter });
  router.use('/admin/queues', guard, serverAdapter.getRouter() as RequestHandler);
}

/**
 * Builds the operations router and starts the in-process metrics history (its timer is unref'd;
 * call `close()` on shutdown).
 */
export function createOpsRouter(deps: OpsDependencies): OpsRouter {
  const registry: Registry = deps.registry ?? client.register;
  const options: DashboardOptions = { ...readDashboardConfig(deps.config), ...deps.dashboard };
  const operator = requireOperator(deps.config);
  const router = Router();

  // Distributed mode: worker series come with their heartbeats. A failed read reuses the last list,
  // so a Redis hiccup does not make worker series vanish and come back as a fake counter reset.
  let lastWorkers: WorkerInfo[] = [];
  const collect = async () => {
    const local = await registry.getMetricsAsJSON();
    if (!deps.workers) return local;
    lastWorkers = await withTimeout(deps.workers(), DEPENDENCY_TIMEOUT_MS, 'workers').catch(() => lastWorkers);
    return mergeWorkerMetrics(local, lastWorkers);
  };
  const history = new MetricHistory({
    collect,
    intervalMs: options.sampleIntervalMs,
    capacity: options.historyPoints,
    windowMs: options.windowMs,
    queueCounts: isBullQueue(deps.queue)
      ? async () => readQueueCounts(deps.queue as never, DEPENDENCY_TIMEOUT_MS)
      : undefined,
  });
  if (!deps.timeseries) history.start();
  const processHealth = new ProcessHealthMonitor((deps.config as { BUILD_COMMIT?: string }).BUILD_COMMIT);

  const metricsGuard: RequestHandler = deps.config.METRICS_PROTECTED ? operator : (_req, _res, next) => next();
  router.get('/metrics', metricsGuard, handle(async (_req, res) => {
    await refreshOperationalGauges(deps);
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(await registry.metrics());
  }));

  const dashboardHeaders: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  };

  const assets = new Map<string, { file: string; type: string }>([
    ['dashboard.js', { file: path.join(STATIC_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' }],
    ['dashboard.css', { file: path.join(STATIC_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' }],
  ]);
  const chartJs = chartJsPath();
  if (chartJs) assets.set('chart.umd.min.js', { file: chartJs, type: 'text/javascript; charset=utf-8' });

  router.get('/dashboard', operator, dashboardHeaders, (req, res) => {
    // Relative asset and API URLs in the page need the path without a trailing slash.
    if (req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(301, '../dashboard');
      return;
    }
    res.type('text/html; charset=utf-8').sendFile(path.join(STATIC_DIR, 'dashboard.html'));
  });
  router.get('/dashboard/assets/:file', operator, dashboardHeaders, (req, res) => {
    const asset = assets.get(String(req.params.file));
    if (!asset) {
      sendError(res, 404, 'not-found', 'No such dashboard asset');
      return;
    }
    res.type(asset.type).sendFile(asset.file);
  });

  router.get('/api/dashboard/summary', operator, dashboardHeaders, handle(async (_req, res) => {
    const access = (res.locals.operatorAccess as OperatorAccess | undefined) ?? 'credential';
    res.json(await buildDashboardSummary(deps, registry, { ...options, operatorAccess: access, processHealth }));
  }));
  router.get('/api/dashboard/timeseries', operator, dashboardHeaders, handle(async (req, res) => {
    const minutes = Number(req.query.minutes);
    const since = Number.isFinite(minutes) && minutes > 0 ? Date.now() - minutes * 60_000 : undefined;
    if (deps.timeseries) { res.json(await deps.timeseries(since)); return; }
    res.json({
      intervalMs: history.intervalMs,
      windowMs: history.windowMs,
      points: history.points(since),
    });
  }));

  router.get('/api/dashboard/drift', operator, dashboardHeaders, handle(async (_req, res) => {
    res.json({
      ...(await deps.drift?.snapshot() as object | undefined ?? { predictions: [], missingness: [] }),
      modelCards: Object.fromEntries((deps.modelCards ?? []).map((id) => [id, `/models/${encodeURIComponent(id)}/card`])),
    });
  }));
  router.get('/api/feedback/rules', operator, dashboardHeaders, handle(ruleAnalyticsHandler(deps, false)));
  router.get('/api/feedback/rules.csv', operator, dashboardHeaders, handle(ruleAnalyticsHandler(deps, true)));

  mountQueueBoard(router, deps, operator);
  router.use('/admin', operator, (_req, res) => sendError(res, 404, 'not-found', 'No such operations page'));

  return Object.assign(router, { close: () => { history.stop(); processHealth.stop(); }, history, options }) as OpsRouter;
}
