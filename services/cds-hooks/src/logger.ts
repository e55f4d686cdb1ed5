/**
 * pino logger of the HTTP service. Secrets and patient data never reach a log line: the paths below
 * are redacted wherever they appear, and the code never logs bodies, query strings or route params
 * (see http/access-log.ts). Correlate a hook call with `logger.child({ hookInstance })`.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths censored in every log record (defence in depth: nothing logs these on purpose). */
export const REDACT_PATHS = [
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'fhirAuthorization', '*.fhirAuthorization', 'access_token', '*.access_token',
  'prefetch', '*.prefetch', 'context', '*.context', 'token', '*.token', 'jwt', '*.jwt',
  'body', '*.body', 'url', '*.url',
];

/** Creates the service logger; `destination` lets tests capture output. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    name: 'prognos-cds-hooks',
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  }, destination);
}
