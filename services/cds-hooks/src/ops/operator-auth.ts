/**
 * Operator access to /dashboard, /api/dashboard/*, /admin/* (and /metrics when METRICS_PROTECTED).
 *
 * Accepted credentials (config):
 * - `Authorization: Bearer <OPERATOR_TOKEN>`: for API clients and scrapers;
 * - `Authorization: Basic` with `OPERATOR_BASIC` (`user:password`): browsers prompt for it after the
 *   401 + `WWW-Authenticate: Basic` challenge and resend it on every same-origin request, so the page
 *   and its data calls need no cookie, no login form and no script to hold a secret;
 * - `Authorization: Basic` with any user name and OPERATOR_TOKEN as the password, so a deployment
 *   that only configured a token can still open the dashboard in a browser.
 *
 * No credential configured: open in development (the page shows a warning), refused (403) otherwise
 * (NODE_ENV production, any case, or unset), because an open operations view in production is a misconfiguration.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { operationOutcome } from '@prognos/contracts';
import { isDevelopmentEnv, type Config } from '../config';

export const OPERATOR_REALM = 'Prognos operations';

/** How the current request was let in; the dashboard shows a warning for 'open'. */
export type OperatorAccess = 'credential' | 'open';

type OperatorConfig = Pick<Config, 'NODE_ENV' | 'OPERATOR_TOKEN' | 'OPERATOR_BASIC'>;

/** True when an operator credential (token or basic) is configured. */
export function hasOperatorCredential(config: OperatorConfig): boolean {
  return Boolean(config.OPERATOR_TOKEN || config.OPERATOR_BASIC);
}

/** Constant-time comparison of two secrets of any length (compares their SHA-256 digests). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Checks an Authorization header value against the configured operator credentials. */
export function isOperatorAuthorized(header: string | undefined, config: OperatorConfig): boolean {
  if (!header) return false;
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(header);
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') {
    return config.OPERATOR_TOKEN !== undefined && sameSecret(value, config.OPERATOR_TOKEN);
  }
  if (scheme === 'basic') {
    let decoded: string;
    try {
      decoded = Buffer.from(value, 'base64').toString('utf8');
    } catch {
      return false;
    }
    const colon = decoded.indexOf(':');
    if (colon < 1) return false;
    const password = decoded.slice(colon + 1);
    const basicOk = config.OPERATOR_BASIC !== undefined && sameSecret(decoded, config.OPERATOR_BASIC);
    const tokenOk = config.OPERATOR_TOKEN !== undefined && sameSecret(password, config.OPERATOR_TOKEN);
    return basicOk || tokenOk;
  }
  return false;
}

function challenge(res: Response, config: OperatorConfig): void {
  const challenges = [`Basic realm="${OPERATOR_REALM}", charset="UTF-8"`];
  if (config.OPERATOR_TOKEN) challenges.push(`Bearer realm="${OPERATOR_REALM}"`);
  res.setHeader('WWW-Authenticate', challenges);
}

/**
 * Middleware guarding operator routes. Sets `res.locals.operatorAccess` to 'credential' or 'open'.
 * Refusals are FHIR OperationOutcomes (401 with a challenge, or 403 when production has no credential).
 */
export function requireOperator(config: OperatorConfig): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasOperatorCredential(config)) {
      if (!isDevelopmentEnv(config)) {
        res.status(403).type('application/fhir+json').json(operationOutcome('error', 'forbidden',
          'Operator access is disabled: no operator credential is configured (set OPERATOR_TOKEN or OPERATOR_BASIC)'));
        return;
      }
      res.locals.operatorAccess = 'open' satisfies OperatorAccess;
      next();
      return;
    }
    if (isOperatorAuthorized(req.headers.authorization, config)) {
      res.locals.operatorAccess = 'credential' satisfies OperatorAccess;
      next();
      return;
    }
    challenge(res, config);
    // 401 carries no detail beyond the challenge (same rule as the CDS endpoints).
    res.status(401).type('application/fhir+json').json(operationOutcome('error', 'login', 'Unauthorized'));
  };
}
