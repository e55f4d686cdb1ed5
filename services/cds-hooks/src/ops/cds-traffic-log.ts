/**
 * What an on-call operator asks first: which calls fail, why, and for whom. A middleware on
 * /cds-services records, when each answer finishes:
 * - errors by service, status and reason (`prognos_http_errors_total`): 401 by JWT rejection
 *   cause, 412 by missing prefetch key, 400 by issue code and path, 413, 415, 429 ...;
 * - the latest errors (time, service, status, reason) in a small ring for the dashboard;
 * - calls and errors per calling client (`prognos_client_requests_total{issuer, tenant}`).
 * Reasons come from the OperationOutcome's issue codes and expressions (paths, never values) and
 * the JWT rejection code: no patient data, no tokens. Label sets are capped per process.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { RequestHandler, Response } from 'express';
import client from 'prom-client';
import { getOrCreateMetric } from '@prognos/scorer';

export const httpErrors = getOrCreateMetric('prognos_http_errors_total', () => new client.Counter({
  name: 'prognos_http_errors_total',
  help: 'CDS Hooks answers with status >= 400 by service, status and reason (issue code and path, JWT rejection cause, missing prefetch key)',
  labelNames: ['service', 'status', 'reason'] as const,
}));

export const clientRequests = getOrCreateMetric('prognos_client_requests_total', () => new client.Counter({
  name: 'prognos_client_requests_total',
  help: 'CDS Hooks calls by calling client (JWT issuer, tenant), kind (hook, feedback) and outcome (ok, error)',
  labelNames: ['issuer', 'tenant', 'kind', 'outcome'] as const,
}));

export const clientFeedback = getOrCreateMetric('prognos_client_feedback_total', () => new client.Counter({
  name: 'prognos_client_feedback_total',
  help: 'Cards given feedback (first outcome per card, as the feedback counters) by calling client (JWT issuer, tenant) and outcome',
  labelNames: ['issuer', 'tenant', 'outcome'] as const,
}));

export interface RecentError {
  /** ISO 8601. */
  time: string;
  service: string;
  status: number;
  reason: string;
  /** Calling client when authenticated, else 'unauthenticated'. */
  issuer: string;
}

const MAX_REASON = 80;
const MAX_LABEL_SETS = 300;

/** Caps the distinct values of a label family per process (beyond it: 'other'). */
class LabelCap {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  take(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}
const reasonCap = new LabelCap(MAX_LABEL_SETS);
const clientCap = new LabelCap(MAX_LABEL_SETS);

/** A path without array indices or odd characters: `feedback[3].card` → `feedback[].card`. */
function cleanPath(expression: string): string {
  return expression.replace(/\[\d+\]/g, '[]').replace(/[^A-Za-z0-9_.[\]-]/g, '').slice(0, 48);
}

/** Why a call failed, from what was answered (no values from the request). */
export function describeFailure(status: number, outcome: OperationOutcome | undefined, jwtRejection: string | undefined): string {
  if (status === 401 && jwtRejection) return `jwt ${jwtRejection}`;
  const issues = outcome?.issue ?? [];
  if (status === 412) {
    const keys = issues.flatMap((i) => i.expression ?? []).filter((e) => e.startsWith('prefetch.')).map((e) => cleanPath(e.slice('prefetch.'.length)));
    if (keys.length > 0) return `missing prefetch ${[...new Set(keys)].sort().join(', ')}`.slice(0, MAX_REASON);
  }
  const first = issues[0];
  if (!first) return 'unknown';
  const paths = [...new Set(issues.flatMap((i) => i.expression ?? []).map(cleanPath))].slice(0, 2);
  return `${first.code}${paths.length ? ` ${paths.join(', ')}` : ''}`.slice(0, MAX_REASON);
}

/** Ring of the latest errors. */
export class RecentErrors {
  private readonly ring: RecentError[] = [];
  constructor(private readonly capacity = 50) {}
  add(e: RecentError): void {
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.shift();
  }
  /** Newest first. */
  list(): RecentError[] { return [...this.ring].reverse(); }
}

/** The outcome an error answer carried (send-outcome.ts keeps it on res.locals). */
function outcomeOf(res: Response): OperationOutcome | undefined {
  return res.locals.outcome as OperationOutcome | undefined;
}

/**
 * Middleware for '/cds-services': counts each finished answer. `knownService` maps a path segment
 * to a registered service id (unknown ids never become labels).
 */
export function cdsTrafficLog(recent: RecentErrors, knownService: (id: string) => boolean): RequestHandler {
  return (req, res, next) => {
    // Read now: inside the mount req.path is relative to /cds-services; by 'finish' it is not.
    const parts = req.path.split('/').filter(Boolean);
    res.on('finish', () => {
      const id = parts[0] ? decodeURIComponent(parts[0]) : '';
      const service = id === '' ? 'discovery' : knownService(id) ? id : 'unknown';
      const kind = parts[1] === 'feedback' ? 'feedback' : 'hook';
      const caller = res.locals.client as { iss?: string; tenant?: string } | undefined;
      const issuer = caller?.iss ?? 'unauthenticated';
      const error = res.statusCode >= 400;
      const who = clientCap.take(`${issuer}\u0001${caller?.tenant ?? ''}`).split('\u0001');
      if (service !== 'discovery') {
        clientRequests.inc({ issuer: who[0]!, tenant: who[1] ?? '', kind, outcome: error ? 'error' : 'ok' });
      }
      if (!error) return;
      const reason = reasonCap.take(describeFailure(res.statusCode, outcomeOf(res), res.locals.jwtRejection as string | undefined));
      httpErrors.inc({ service, status: String(res.statusCode), reason });
      recent.add({ time: new Date().toISOString(), service, status: res.statusCode, reason, issuer: who[0]! });
    });
    next();
  };
}

/** Counts feedback per client: called once per card with its first outcome (feedback/count-outcome.ts). */
export function countClientFeedback(caller: { iss?: string; tenant?: string } | undefined, outcomes: readonly string[]): void {
  const who = clientCap.take(`${caller?.iss ?? 'unauthenticated'}\u0001${caller?.tenant ?? ''}`).split('\u0001');
  for (const outcome of outcomes) clientFeedback.inc({ issuer: who[0]!, tenant: who[1] ?? '', outcome });
}
