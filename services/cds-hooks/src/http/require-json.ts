import type { RequestHandler } from 'express';
import { unsupportedMediaType } from '@prognos/contracts';

/** POST bodies must be JSON (`application/json`, `application/fhir+json` or any `+json`): else 415. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (req.method !== 'POST') { next(); return; }
  if (!req.is(['application/json', 'application/fhir+json', '+json'])) {
    next(unsupportedMediaType('Content-Type must be application/json'));
    return;
  }
  next();
};
