/**
 * The built-in card sandbox (operator credential, like the dashboard):
 * - GET /sandbox (+ /sandbox/assets/*): the page, self-contained (no CDN), strict CSP;
 * - GET /api/sandbox/options: sample patients, services (hook, title), draft orders;
 * - POST /api/sandbox/request {serviceId, sample | bundle, draftOrder?}: the hook request an EHR
 *   would send: context for the hook, prefetch filled from the service's own templates against the
 *   chosen record, draft orders for order-select / order-sign.
 * The page then calls the real /cds-services/{id} endpoint with it and sends real feedback. With JWT
 * issuers configured the browser holds no client JWT, so the page goes through
 * POST /api/sandbox/cds-services/{id}[/feedback] instead: the same hook pipeline and feedback code,
 * run for the operator as the client `prognos-sandbox` (no FHIR server allowed), so that sandbox
 * traffic stays apart from the EHRs' in the per-client figures. Records are never logged; an
 * uploaded Bundle lives only in its request.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { Router, type RequestHandler, type Response } from 'express';
import type { CdsServiceDescriptor } from '@prognos/contracts';
import { operationOutcome } from '@prognos/contracts';
import { limitJsonDepth } from '../http/limit-json-depth';
import { requireOperator } from '../ops/operator-auth';
import { isDevelopmentEnv, type Config } from '../config';
import { DRAFT_ORDERS, draftOrder } from './draft-orders';
import { RecordError, recordFromBundle, type SandboxRecord } from './record-from-bundle';
import { resolvePrefetch } from './resolve-prefetch';
import { SamplePatients } from './sample-patients';

/** services/cds-hooks/static, from src/sandbox (jest) and dist/sandbox (runtime). */
const STATIC_DIR = path.resolve(__dirname, '..', '..', 'static');

/** The shared Synthea bundles next to a development checkout (repository/../shared). */
const DEFAULT_SYNTHEA_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'synthea-r4');

const SANDBOX_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export interface SandboxDependencies {
  config: Pick<Config, 'NODE_ENV' | 'OPERATOR_TOKEN' | 'OPERATOR_BASIC' | 'BODY_LIMIT' | 'MAX_JSON_DEPTH' | 'SANDBOX_ENABLED' | 'SANDBOX_SYNTHEA_DIR'>;
  services: readonly CdsServiceDescriptor[];
  samples?: SamplePatients;
  /** 'jwt' when CDS clients must send JWTs: the page then uses the relay. */
  authMode: 'jwt' | 'development';
  /** Runs a hook call / records feedback as the sandbox client (the relay for JWT mode). */
  relay: {
    hook(serviceId: string, body: unknown): Promise<unknown>;
    feedback(serviceId: string, body: unknown): Promise<void>;
  };
}

/** JWT-mode relay's calling client (issuer): its cards, feedback and traffic are attributed to it. */
export const SANDBOX_CLIENT_ISSUER = 'prognos-sandbox';

function outcome(res: Response, status: number, code: 'invalid' | 'not-found', text: string): void {
  res.status(status).type('application/fhir+json').json(operationOutcome('error', code, text));
}

export function createSandboxRouter(deps: SandboxDependencies): Router {
  const router = Router();
  const operator = requireOperator(deps.config);
  // Off in production unless enabled: sandbox cards and feedback land in the same analytics.
  // On by default only where unauthenticated development is allowed (NODE_ENV development/test):
  // sandbox feedback lands in the same analytics as the EHR's.
  if (!(deps.config.SANDBOX_ENABLED ?? isDevelopmentEnv(deps.config))) {
    const off: RequestHandler = (_req, res) => outcome(res, 404, 'not-found', 'The sandbox is disabled (SANDBOX_ENABLED=false)');
    router.all(['/sandbox', '/sandbox/*rest', '/api/sandbox/*rest'], off);
    return router;
  }
  const samples = deps.samples ?? new SamplePatients(deps.config.SANDBOX_SYNTHEA_DIR ?? DEFAULT_SYNTHEA_DIR);
  const headers: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', SANDBOX_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  };
  const assets = new Map([
    ['sandbox.js', { file: path.join(STATIC_DIR, 'sandbox.js'), type: 'text/javascript; charset=utf-8' }],
    ['sandbox.css', { file: path.join(STATIC_DIR, 'sandbox.css'), type: 'text/css; charset=utf-8' }],
    ['dashboard.css', { file: path.join(STATIC_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' }],
  ]);

  router.get('/sandbox', operator, headers, (req, res) => {
    if (req.originalUrl.split('?')[0]!.endsWith('/')) { res.redirect(301, '../sandbox'); return; }
    res.type('text/html; charset=utf-8').sendFile(path.join(STATIC_DIR, 'sandbox.html'));
  });
  router.get('/sandbox/assets/:file', operator, headers, (req, res) => {
    const asset = assets.get(String(req.params.file));
    if (!asset) { outcome(res, 404, 'not-found', 'No such sandbox asset'); return; }
    res.type(asset.type).sendFile(asset.file);
  });

  router.get('/api/sandbox/options', operator, headers, (_req, res) => {
    res.json({
      authMode: deps.authMode,
      patients: samples.list(),
      services: deps.services.map((s) => ({ id: s.id, hook: s.hook, title: s.title ?? s.id, description: s.description })),
      draftOrders: DRAFT_ORDERS.map((d) => ({ id: d.id, label: d.label })),
    });
  });

  router.post('/api/sandbox/request', operator, headers, express.json({ limit: deps.config.BODY_LIMIT }), (req, res) => {
    const body = (req.body ?? {}) as { serviceId?: unknown; sample?: unknown; bundle?: unknown; draftOrder?: unknown };
    const service = deps.services.find((s) => s.id === body.serviceId);
    if (!service) { outcome(res, 400, 'invalid', 'Unknown serviceId'); return; }
    let record: SandboxRecord | undefined;
    try {
      record = body.bundle !== undefined ? recordFromBundle(body.bundle)
        : typeof body.sample === 'string' ? samples.record(body.sample) : undefined;
    } catch (e) {
      if (e instanceof RecordError) { outcome(res, 400, 'invalid', e.message); return; }
      throw e;
    }
    if (!record) { outcome(res, 400, 'invalid', 'Choose a sample patient or upload a FHIR Bundle'); return; }
    const context: Record<string, unknown> = { userId: 'Practitioner/prognos-sandbox', patientId: record.patientId };
    if (service.hook === 'order-select' || service.hook === 'order-sign') {
      const choice = DRAFT_ORDERS.find((d) => d.id === body.draftOrder);
      if (!choice) { outcome(res, 400, 'invalid', `Choose a draft order for this ${service.hook} service`); return; }
      const order = draftOrder(choice, record.patientId);
      context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: order }] };
      if (service.hook === 'order-select') context.selections = [`MedicationRequest/${order.id}`];
    }
    res.json({
      hook: service.hook,
      hookInstance: randomUUID(),
      context,
      prefetch: resolvePrefetch(service.prefetch, context, record.resources),
    });
  });
  // The relay reads bodies as /cds-services does: same size and nesting limits (issue 14).
  const parse = express.json({ limit: deps.config.BODY_LIMIT, type: ['application/json', 'application/fhir+json'] });
  const depth = limitJsonDepth(deps.config.MAX_JSON_DEPTH);
  const json: RequestHandler = (req, res, next) => parse(req, res, (e?: unknown) => (e ? next(e) : depth(req, res, next)));
  router.post('/api/sandbox/cds-services/:id', operator, headers, json, async (req, res) => {
    const id = String(req.params.id);
    if (!deps.services.some((s) => s.id === id)) { outcome(res, 404, 'not-found', 'Unknown CDS service'); return; }
    res.json(await deps.relay.hook(id, req.body));
  });
  router.post('/api/sandbox/cds-services/:id/feedback', operator, headers, json, async (req, res) => {
    const id = String(req.params.id);
    if (!deps.services.some((s) => s.id === id)) { outcome(res, 404, 'not-found', 'Unknown CDS service'); return; }
    await deps.relay.feedback(id, req.body);
    res.status(200).end();
  });
  return router;
}
