/**
 * One log line per request with the route PATTERN (`/cds-services/:id`), never `req.url`: URLs carry
 * service ids and query strings, bodies carry patient data. Status and duration only.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      logger[level]({ method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
