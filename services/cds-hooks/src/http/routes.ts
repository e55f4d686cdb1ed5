/**
 * /cds-services routes: discovery, hook calls, feedback. Handlers are thin: look up, call, reply.
 */
import { Router, type Request } from 'express';
import { notFound } from '@prognos/contracts';
import type { CallingClient } from '../auth/authenticate';
import type { CardRegistry } from '../feedback/card-registry';
import type { FeedbackStore } from '../feedback/feedback-store';
import { recordFeedback } from '../feedback/record-feedback';
import { hookRequests } from '../metrics';
import { countClientFeedback } from '../ops/cds-traffic-log';
import { runHook, type HookDependencies } from '../pipeline/run-hook';
import type { ServiceRegistry } from '../service-registry';
import { methodNotAllowed } from './error-handler';

export interface CdsRoutesDependencies extends HookDependencies {
  registry: ServiceRegistry;
  cardRegistry: CardRegistry;
  feedbackStore: FeedbackStore;
}

export function createCdsRoutes(deps: CdsRoutesDependencies): Router {
  const router = Router();

  router.get('/cds-services', (_req, res) => { res.json(deps.registry.discovery()); });
  router.all('/cds-services', methodNotAllowed('GET'));

  router.post('/cds-services/:id', async (req: Request<{ id: string }>, res) => {
    const descriptor = deps.registry.find(req.params.id, (req.body as { hook?: unknown } | undefined)?.hook);
    if (!descriptor) throw notFound('Unknown CDS service');
    // Metric labels use the registered id only (an unknown id never becomes a label).
    res.on('finish', () => hookRequests.inc({ service: descriptor.id, status: String(res.statusCode) }));
    const response = await runHook(descriptor, req.body, res.locals.client as CallingClient, deps);
    res.json(response);
  });
  router.all('/cds-services/:id', methodNotAllowed('POST'));

  router.post('/cds-services/:id/feedback', async (req: Request<{ id: string }>, res) => {
    if (!deps.registry.has(req.params.id)) throw notFound('Unknown CDS service');
    const records = await recordFeedback(req.params.id, req.body, deps);
    countClientFeedback(res.locals.client as CallingClient | undefined, records.map((r) => r.outcome));
    res.status(200).end();
  });
  router.all('/cds-services/:id/feedback', methodNotAllowed('POST'));

  return router;
}
