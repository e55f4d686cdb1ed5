/**
 * When a request reached this service, so that the hook deadline (HOOK_DEADLINE_MS) is counted from
 * then: the time a call spends waiting here (its body arriving, authentication, waiting for admission
 * behind other calls) is part of what the CDS client waits, and a deadline started only when the
 * pipeline starts would report "no deadline miss" for a call answered seconds after it arrived.
 * Mounted first, before any other middleware.
 */
import type { RequestHandler, Response } from 'express';

const RECEIVED_AT = 'receivedAt';
const SHED_UNREAD = 'shedUnread';

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

/** Whether a deadline of `deadlineMs`, counted from the request's arrival, has passed (false when unstamped). */
export function deadlinePassed(res: Response, deadlineMs: number, now = Date.now()): boolean {
  const t = arrivalOf(res);
  return t !== undefined && now >= t + deadlineMs;
}

/**
 * Marks a call that waited for admission past its deadline and was passed on without its body being
 * parsed (http/read-json-body.ts): its route answers it without reading it.
 */
export function markShedUnread(res: Response): void {
  res.locals[SHED_UNREAD] = true;
}

/** Whether {@link markShedUnread} marked this call. */
export function wasShedUnread(res: Response): boolean {
  return res.locals[SHED_UNREAD] === true;
}
