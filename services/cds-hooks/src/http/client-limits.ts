/**
 * Per-client rate and concurrency limits on /cds-services (after authentication, before the body is
 * read): one client (JWT issuer + tenant; every caller is 'development' in development mode) cannot
 * take the service from the others. Beyond CLIENT_RATE_PER_S sustained (token bucket of
 * CLIENT_RATE_BURST) or CLIENT_MAX_CONCURRENT in flight, the answer is 429 with an OperationOutcome
 * and `Retry-After` (seconds).
 *
 * The counts are one per service instance: a single process keeps them itself ({@link ClientLimiter});
 * the processes of multi-process embedded mode ask the cluster primary, which keeps them for all
 * (cluster/ipc-client-limits.ts), so a client gets its configured limits whichever workers its
 * connections reach. Replicas of distributed mode each enforce their own.
 */
import type { RequestHandler, Response } from 'express';
import { operationOutcome } from '@prognos/contracts';
import type { CallingClient } from '../auth/authenticate';
import type { Config } from '../config';
import { clientThrottled } from '../metrics';
import { sendOutcome } from './send-outcome';

export type LimitsConfig = Pick<Config, 'CLIENT_RATE_PER_S' | 'CLIENT_RATE_BURST' | 'CLIENT_MAX_CONCURRENT'>;

/** Why a call was refused. */
export interface Refusal { reason: 'rate' | 'concurrency'; retryAfterS: number; diagnostics: string }
/** An admitted call: `release` when it ends (once). */
export interface Admitted { release(): void }

/** Where the middleware asks: this process's limiter, or the cluster primary's. */
export interface ClientAdmission {
  acquire(key: string): Refusal | Admitted | Promise<Refusal | Admitted>;
}

interface ClientState { tokens: number; at: number; inFlight: number }

/** Clients tracked at once; the least recently seen idle one is forgotten beyond (bounded memory). */
const MAX_TRACKED_CLIENTS = 10_000;

export const isRefusal = (d: Refusal | object): d is Refusal => 'reason' in d;

/** The token bucket and in-flight count of every client, kept in one process. */
export class ClientLimiter implements ClientAdmission {
  private readonly clients = new Map<string, ClientState>();

  constructor(private readonly config: LimitsConfig, private readonly now: () => number = Date.now) {}

  /** False when neither limit is set: nothing to count. */
  get enabled(): boolean { return this.config.CLIENT_RATE_PER_S > 0 || this.config.CLIENT_MAX_CONCURRENT > 0; }

  acquire(key: string): Refusal | Admitted {
    const rate = this.config.CLIENT_RATE_PER_S;
    const burst = this.config.CLIENT_RATE_BURST;
    const maxConcurrent = this.config.CLIENT_MAX_CONCURRENT;
    const t = this.now();
    const s = this.stateOf(key, t);
    if (rate > 0) {
      s.tokens = Math.min(burst, s.tokens + ((t - s.at) / 1000) * rate);
      s.at = t;
      if (s.tokens < 1) {
        return { reason: 'rate', retryAfterS: (1 - s.tokens) / rate, diagnostics: `Too many requests from this client (CLIENT_RATE_PER_S ${rate}, burst ${burst})` };
      }
    }
    if (maxConcurrent > 0 && s.inFlight >= maxConcurrent) {
      return { reason: 'concurrency', retryAfterS: 1, diagnostics: `Too many concurrent requests from this client (CLIENT_MAX_CONCURRENT ${maxConcurrent})` };
    }
    if (rate > 0) s.tokens -= 1;
    s.inFlight += 1;
    let released = false;
    return { release: () => { if (!released) { released = true; s.inFlight -= 1; } } };
  }

  private stateOf(key: string, t: number): ClientState {
    let s = this.clients.get(key);
    if (s) { this.clients.delete(key); this.clients.set(key, s); return s; }
    s = { tokens: this.config.CLIENT_RATE_BURST, at: t, inFlight: 0 };
    this.clients.set(key, s);
    if (this.clients.size > MAX_TRACKED_CLIENTS) {
      for (const [k, v] of this.clients) if (v.inFlight === 0) { this.clients.delete(k); break; }
    }
    return s;
  }
}

/** The client a call counts against: issuer and tenant. */
export function clientKey(client: CallingClient | undefined): string {
  return `${client?.iss ?? 'anonymous'}\u0000${client?.tenant ?? ''}`;
}

function refuse(res: Response, r: Refusal): void {
  clientThrottled.inc({ reason: r.reason });
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(r.retryAfterS))));
  sendOutcome(res, 429, operationOutcome('error', 'throttled', r.diagnostics));
}

/**
 * The middleware. `admission` defaults to a limiter of this process; with no limit configured it
 * passes every call through without counting.
 */
export function clientLimits(config: LimitsConfig, admission: ClientAdmission = new ClientLimiter(config)): RequestHandler {
  if (config.CLIENT_RATE_PER_S <= 0 && config.CLIENT_MAX_CONCURRENT <= 0) return (_req, _res, next) => { next(); };
  return (_req, res, next) => {
    // The call's end is watched from the start: a client that hangs up while the primary decides
    // still gives its slot back.
    let ended = false;
    let admitted: Admitted | undefined;
    const onEnd = () => { ended = true; admitted?.release(); };
    res.once('finish', onEnd);
    res.once('close', onEnd);
    const decide = (d: Refusal | Admitted) => {
      if (isRefusal(d)) { refuse(res, d); return; }
      if (ended) { d.release(); return; }
      admitted = d;
      next();
    };
    const d = admission.acquire(clientKey(res.locals.client as CallingClient | undefined));
    if (d instanceof Promise) d.then(decide, next);
    else decide(d);
  };
}
