/**
 * Per-client rate and concurrency limits on /cds-services (after authentication, before the body is
 * read): one client (JWT issuer + tenant; every caller is 'development' in development mode) cannot
 * take the service from the others. Beyond CLIENT_RATE_PER_S sustained (token bucket of
 * CLIENT_RATE_BURST) or CLIENT_MAX_CONCURRENT in flight, the answer is 429 with an OperationOutcome
 * and `Retry-After` (seconds). Limits are per process (each replica enforces its own).
 */
import type { RequestHandler } from 'express';
import { operationOutcome } from '@prognos/contracts';
import type { CallingClient } from '../auth/authenticate';
import type { Config } from '../config';
import { clientThrottled } from '../metrics';
import { sendOutcome } from './send-outcome';

type LimitsConfig = Pick<Config, 'CLIENT_RATE_PER_S' | 'CLIENT_RATE_BURST' | 'CLIENT_MAX_CONCURRENT'>;

interface ClientState { tokens: number; at: number; inFlight: number }

/** Clients tracked at once; the least recently seen idle one is forgotten beyond (bounded memory). */
const MAX_TRACKED_CLIENTS = 10_000;

export function clientLimits(config: LimitsConfig, now: () => number = Date.now): RequestHandler {
  const rate = config.CLIENT_RATE_PER_S;
  const burst = config.CLIENT_RATE_BURST;
  const maxConcurrent = config.CLIENT_MAX_CONCURRENT;
  const clients = new Map<string, ClientState>();

  const stateOf = (key: string, t: number): ClientState => {
    let s = clients.get(key);
    if (s) { clients.delete(key); clients.set(key, s); return s; }
    s = { tokens: burst, at: t, inFlight: 0 };
    clients.set(key, s);
    if (clients.size > MAX_TRACKED_CLIENTS) {
      for (const [k, v] of clients) if (v.inFlight === 0) { clients.delete(k); break; }
    }
    return s;
  };

  const refuse = (res: Parameters<RequestHandler>[1], reason: 'rate' | 'concurrency', retryAfterS: number, diagnostics: string): void => {
    clientThrottled.inc({ reason });
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterS))));
    sendOutcome(res, 429, operationOutcome('error', 'throttled', diagnostics));
  };

  return (_req, res, next) => {
    const client = res.locals.client as CallingClient | undefined;
    const key = `${client?.iss ?? 'anonymous'}\u0000${client?.tenant ?? ''}`;
    const t = now();
    const s = stateOf(key, t);
    if (rate > 0) {
      s.tokens = Math.min(burst, s.tokens + ((t - s.at) / 1000) * rate);
      s.at = t;
      if (s.tokens < 1) {
        refuse(res, 'rate', (1 - s.tokens) / rate, `Too many requests from this client (CLIENT_RATE_PER_S ${rate}, burst ${burst})`);
        return;
      }
    }
    if (maxConcurrent > 0 && s.inFlight >= maxConcurrent) {
      refuse(res, 'concurrency', 1, `Too many concurrent requests from this client (CLIENT_MAX_CONCURRENT ${maxConcurrent})`);
      return;
    }
    if (rate > 0) s.tokens -= 1;
    s.inFlight += 1;
    let done = false;
    const release = (): void => { if (!done) { done = true; s.inFlight -= 1; } };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
