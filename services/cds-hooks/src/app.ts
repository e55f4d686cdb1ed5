/**
 * Composition root of the HTTP app (express 5): security headers, CORS, access log, ops routes,
 * health, then /cds-services behind authentication, JSON-only bodies with a size limit, and one
 * error handler that answers every failure with a FHIR OperationOutcome.
 */
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { notFound, type CdsServiceDescriptor, type ModelInfo, type ScoringEngine } from '@prognos/contracts';
import { authenticate, type AuthMode, type CallingClient } from './auth/authenticate';
import type { Config } from './config';
import { MemoryCardRegistry, type CardRegistry } from './feedback/card-registry';
import type { FeedbackRecord, FeedbackStore } from './feedback/feedback-store';
import { MemoryFeedbackStore } from './feedback/memory-feedback-store';
import { MemoryShownCardLog, type ShownCardLog } from './analytics/shown-card-log';
import { accessLog } from './http/access-log';
import { clientLimits, type ClientAdmission } from './http/client-limits';
import { createErrorHandler, notFoundHandler } from './http/error-handler';
import { limitJsonDepth } from './http/limit-json-depth';
import { HookAdmission } from './http/hook-admission';
import { deadlinePassed, markArrival } from './http/request-arrival';
import { hooksWaitingAdmission } from './metrics';
import { parseByteSize, readJsonBody } from './http/read-json-body';
import { requireJsonBody } from './http/require-json';
import { createCdsRoutes } from './http/routes';
import type { Logger } from './logger';
import { createOpsRouter } from './ops/router';
import { createModelCardRoutes } from './http/model-card-routes';
import { ModelDrift, type DriftView } from './ops/model-drift';
import { createSandboxRouter, SANDBOX_CLIENT_ISSUER } from './sandbox/sandbox-router';
import { cdsTrafficLog, RecentErrors } from './ops/cds-traffic-log';
import { runHook } from './pipeline/run-hook';
import { recordFeedback } from './feedback/record-feedback';
import type { OpsDependencies } from './ops/ops-dependencies';
import { ServiceRegistry } from './service-registry';

export type ReadinessChecks = Record<string, { ok: boolean; detail?: string }>;

export interface AppDependencies {
  config: Config;
  logger: Logger;
  engine: ScoringEngine;
  /** Service descriptors (from the scorer or the model catalogue). */
  services: readonly CdsServiceDescriptor[];
  auth: AuthMode;
  /** @defaultValue in-memory (CARD_REGISTRY_TTL_S, CARD_REGISTRY_MAX, CARD_REGISTRY_MAX_PER_CLIENT) */
  cardRegistry?: CardRegistry;
  /** @defaultValue in-memory */
  feedbackStore?: FeedbackStore;
  /** Cards shown, for the per-rule analytics. @defaultValue in-memory */
  shownCards?: ShownCardLog;
  models?: () => ModelInfo[];
  executionProvider?: () => string;
  /** More readiness checks (e.g. Redis in distributed mode). */
  readinessChecks?: () => Promise<ReadinessChecks>;
  /** Distributed mode, for the ops routes. */
  queue?: unknown;
  workers?: OpsDependencies['workers'];
  /** Learned models' model cards (id -> MODEL_CARD.md path), served at /models/{id}/card. */
  modelCards?: ReadonlyMap<string, string>;
  /** Registry for /metrics and the dashboard (multi-process: the primary's aggregate). @defaultValue prom-client's default */
  metricsRegistry?: OpsDependencies['registry'];
  /** Dashboard history kept by the cluster primary (multi-process embedded mode). */
  timeseries?: OpsDependencies['timeseries'];
  /** Drift counts (multi-process embedded mode: the primary's merged copy). @defaultValue this process's own */
  drift?: DriftView;
  /** Per-client limit counts (multi-process embedded mode: the primary's). @defaultValue this process's own */
  clientAdmission?: ClientAdmission;
  /** Set `draining` on shutdown: /readyz then answers 503. */
  lifecycle?: { draining: boolean };
  now?: () => Date;
}

const READINESS_TIMEOUT_MS = 2000;

export function createApp(deps: AppDependencies): Express {
  const { config, logger } = deps;
  const registry = new ServiceRegistry(deps.services);
  const cardRegistry = deps.cardRegistry
    ?? new MemoryCardRegistry(config.CARD_REGISTRY_TTL_S, config.CARD_REGISTRY_MAX, Date.now, config.CARD_REGISTRY_MAX_PER_CLIENT);
  const feedbackStore: FeedbackStore = deps.feedbackStore ?? new MemoryFeedbackStore({ max: config.CARD_REGISTRY_MAX });
  const shownCards = deps.shownCards ?? new MemoryShownCardLog(config.SHOWN_CARDS_MAX);
  const recentErrors = new RecentErrors();
  const lifecycle = deps.lifecycle ?? { draining: false };
  const drift = deps.drift ?? new ModelDrift(() => deps.models?.() ?? []);

  /**
   * Ready = this process answers hooks with real cards: the engine says so (models warm; in
   * distributed mode a worker online, or Redis down with the in-process fallback) and no shutdown is
   * under way. Anything else that fails (Redis for feedback, replay cache, card registry, which all
   * buffer or fall back) makes the answer `degraded`, not unready: taking the pod out of service
   * would turn a degraded service into none.
   */
  const readiness = async (): Promise<{ ready: boolean; degraded: boolean; checks: ReadinessChecks }> => {
    const checks: ReadinessChecks = {};
    const engine = await withTimeout(deps.engine.readiness(), READINESS_TIMEOUT_MS)
      .catch((e: unknown) => ({ ready: false, checks: { engine: { ok: false, detail: (e as Error).message } } }));
    Object.assign(checks, engine.checks);
    checks.engine = { ok: engine.ready, detail: deps.engine.mode };
    if (deps.readinessChecks) {
      Object.assign(checks, await withTimeout(deps.readinessChecks(), READINESS_TIMEOUT_MS)
        .catch((e: unknown) => ({ dependencies: { ok: false, detail: (e as Error).message } })));
    }
    checks.auth = { ok: true, detail: deps.auth.kind };
    if (lifecycle.draining) checks.shutdown = { ok: false, detail: 'draining' };
    const ready = engine.ready && !lifecycle.draining;
    return { ready, degraded: !Object.values(checks).every((c) => c.ok), checks };
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(markArrival);
  app.use(helmet());
  if (config.CORS_ORIGINS.length > 0) {
    // Browser CDS clients call /cds-services only: /metrics, /dashboard, /api and /admin/* stay
    // same-origin (no CORS headers, preflights fall through to 404).
    app.use('/cds-services', cors({
      origin: config.CORS_ORIGINS.includes('*') ? '*' : config.CORS_ORIGINS,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    }));
  }
  app.use(accessLog(logger));

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    const r = await readiness();
    res.status(r.ready ? 200 : 503).json(r);
  });

  app.use(createOpsRouter({
    config,
    readiness,
    models: () => (deps.models?.() ?? []).map((m) => ({ id: m.id, version: m.version, citation: m.citation, loadMs: m.loadMs, origin: m.origin })),
    executionProvider: () => deps.executionProvider?.() ?? 'none',
    authMode: deps.auth.kind,
    feedbackSummary: () => feedbackStore.summary(),
    queue: deps.queue,
    workers: deps.workers,
    drift,
    modelCards: [...(deps.modelCards ?? new Map()).keys()],
    recentErrors: () => recentErrors.list(),
    analytics: {
      shown: (sinceMs) => shownCards.list(sinceMs),
      // One outcome per card (issue 14): the Redis store looks up the shown cards' outcome slots
      // (no stream read per refresh); the memory store returns its latest-per-card map.
      feedback: async (shown) => {
        if (feedbackStore.outcomesOf) {
          const outcomes = await feedbackStore.outcomesOf(shown.map((c) => ({ issuer: c.issuer ?? '', tenant: c.tenant, cardUuid: c.uuid })));
          return outcomes.filter((r): r is FeedbackRecord => r !== undefined);
        }
        return feedbackStore.records ? feedbackStore.records() : [];
      },
    },
    registry: deps.metricsRegistry,
    timeseries: deps.timeseries,
  }));

  app.use(createModelCardRoutes(deps.modelCards ?? new Map()));

  const hookDeps = { config, engine: deps.engine, logger, cardRegistry, shownCards, now: deps.now, drift };
  // The relay's calling client: its cards are issued to it and its feedback comes from it, so the
  // per-client card ownership check (record-feedback.ts) accepts the sandbox's own feedback only.
  const sandboxClient: CallingClient = { iss: SANDBOX_CLIENT_ISSUER, fhirServers: [] };
  app.use(createSandboxRouter({
    config, services: deps.services, authMode: deps.auth.kind,
    relay: {
      hook: (id, body) => {
        const descriptor = registry.find(id, (body as { hook?: unknown } | undefined)?.hook);
        if (!descriptor) throw notFound('Unknown CDS service for this hook');
        return runHook(descriptor, body, sandboxClient, hookDeps);
      },
      feedback: async (id, body) => {
        await recordFeedback(id, body, sandboxClient, { cardRegistry, feedbackStore, now: deps.now });
      },
    },
  }));

  app.use('/cds-services', cdsTrafficLog(recentErrors, (id) => registry.has(id)));
  // Compressed bodies and other charsets still go through express.json (then the depth check).
  const bodyParserPath = [express.json({
    limit: config.BODY_LIMIT,
    type: ['application/json', 'application/fhir+json', 'application/*+json'],
  }), limitJsonDepth(config.MAX_JSON_DEPTH)] as const;
  const fallback: express.RequestHandler = (req, res, next) => {
    bodyParserPath[0](req, res, (err?: unknown) => (err ? next(err) : bodyParserPath[1](req, res, next)));
  };
  app.use('/cds-services', authenticate(deps.auth, logger), clientLimits(config, deps.clientAdmission), requireJsonBody, readJsonBody({
    limitBytes: parseByteSize(config.BODY_LIMIT), maxDepth: config.MAX_JSON_DEPTH, fallback,
    admission: new HookAdmission(config.HOOK_MAX_CONCURRENT, 100, (n) => hooksWaitingAdmission.set(n)),
    // Hook calls only: feedback is never dropped, however late.
    shedWhenLate: (req, res) => isHookCallPath(req.path) && deadlinePassed(res, config.HOOK_DEADLINE_MS),
  }));
  app.use(createCdsRoutes({
    config, engine: deps.engine, logger, registry, cardRegistry, feedbackStore, shownCards, now: deps.now, drift,
  }));

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}

/** A hook call's path under /cds-services (`/{id}`), not feedback (`/{id}/feedback`) or discovery. */
function isHookCallPath(p: string): boolean {
  return /^\/[^/]+\/?$/.test(p);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
