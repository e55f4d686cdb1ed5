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
import { answerShedUnread, runHook, type HookDependencies } from '../pipeline/run-hook';
import type { ServiceRegistry } from '../service-registry';
import { methodNotAllowed } from './error-handler';
import { arrivalOf, wasShedUnread } from './request-arrival';

export interface CdsRoutesDependencies extends HookDependencies {
  registry: ServiceRegistry;
  cardRegistry: CardRegistry;
  feedbackStore: FeedbackStore;
}

/**
 * The parsed body, no longer held by the request: runHook lets go of the record before it waits for
 * scoring (run-hook.ts), and `req.body` would otherwise keep it alive until the response is sent.
 */
function takeBody(req: Request): unknown {
  const body: unknown = req.body;
  req.body = undefined;
  return body;
}

export function createCdsRoutes(deps: CdsRoutesDependencies): Router {
  const router = Router();

  router.get('/cds-services', (_req, res) => { res.json(deps.registry.discovery()); });
  router.all('/cds-services', methodNotAllowed('GET'));

  router.post('/cds-services/:id', async (req: Request<{ id: string }>, res) => {
    // A call shed unread at admission has no body to pick the hook by: its id says whether it exists.
    const shed = wasShedUnread(res);
    const descriptor = shed ? undefined : deps.registry.find(req.params.id, (req.body as { hook?: unknown } | undefined)?.hook);
    const service = shed ? (deps.registry.has(req.params.id) ? req.params.id : undefined) : descriptor?.id;
    if (!service) throw notFound('Unknown CDS service');
    // Metric labels use the registered id only (an unknown id never becomes a label).
    res.on('finish', () => hookRequests.inc({ service, status: String(res.statusCode) }));
    const receivedAt = arrivalOf(res);
    res.json(descriptor
      ? await runHook(descriptor, takeBody(req), res.locals.client as CallingClient, deps, { receivedAt })
      : answerShedUnread(service, deps, receivedAt));
  });
  router.all('/cds-services/:id', methodNotAllowed('POST'));

  router.post('/cds-services/:id/feedback', async (req: Request<{ id: string }>, res) => {
    if (!deps.registry.has(req.params.id)) throw notFound('Unknown CDS service');
    await recordFeedback(req.params.id, req.body, res.locals.client as CallingClient, deps);
    res.status(200).end();
  });
  router.all('/cds-services/:id/feedback', methodNotAllowed('POST'));

  return router;
}
