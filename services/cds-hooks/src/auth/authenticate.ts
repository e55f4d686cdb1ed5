/**
 * Express middleware: in JWT mode every /cds-services call must carry a valid client JWT whose `aud`
 * is `${PUBLIC_BASE_URL}${path}`; failures are 401 with no detail and a jwtRejections{reason} count.
 * In development mode (no issuers) calls pass and the FHIR servers allowed are DEV_FHIR_SERVERS.
 */
import type { RequestHandler } from 'express';
import { unauthorized } from '@prognos/contracts';
import { jwtRejections } from '../metrics';
import type { Logger } from '../logger';
import { JwtRejection, type JwtVerifier, type VerifiedClient } from './jwt-verifier';

export type AuthMode =
  | { kind: 'jwt'; verifier: JwtVerifier; publicBaseUrl: string }
  | { kind: 'development'; fhirServers: string[] };

/** Set on res.locals.client for the handlers. */
export type CallingClient = VerifiedClient;

export function authenticate(mode: AuthMode, logger: Logger): RequestHandler {
  if (mode.kind === 'development') {
    const client: CallingClient = { iss: 'development', fhirServers: mode.fhirServers };
    return (_req, res, next) => { res.locals.client = client; next(); };
  }
  const base = mode.publicBaseUrl.replace(/\/+$/, '');
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header) : null;
    // Path without query string: aud names the endpoint, not the request URL.
    const path = req.originalUrl.split('?')[0];
    mode.verifier.verify(match?.[1], `${base}${path}`).then((client) => {
      res.locals.client = client;
      next();
    }, (e: unknown) => {
      const reason = e instanceof JwtRejection ? e.reason : 'jwks_unavailable';
      jwtRejections.inc({ reason });
      res.locals.jwtRejection = reason;
      logger.warn({ reason }, 'client JWT rejected');
      next(unauthorized());
    });
  };
}
