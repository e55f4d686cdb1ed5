/**
 * When a request reached this service, so that the hook deadline (HOOK_DEADLINE_MS) is counted from
 * then: the time a call spends waiting here (its body arriving, authentication, waiting for admission
 * behind other calls) is part of what the CDS client waits, and a deadline started only when the
 * pipeline starts would report "no deadline miss" for a call answered seconds after it arrived.
 * Mounted first, before any other middleware.
 */
import type { RequestHandler, Response } from 'express';

const RECEIVED_AT = 'receivedAt';

/** Stamps the request's arrival (epoch ms) on `res.locals`. */
export const markArrival: RequestHandler = (_req, res, next) => {
  res.locals[RECEIVED_AT] = Date.now();
  next();
};

/** The arrival time stamped by {@link markArrival}, or undefined when it did not run. */
export function arrivalOf(res: Response): number | undefined {
  const t: unknown = res.locals[RECEIVED_AT];
  return typeof t === 'number' ? t : undefined;
}
