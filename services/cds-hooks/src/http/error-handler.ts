/**
 * The one error handler: OperationOutcomeError → its status and outcome; body-parser failures →
 * 400 / 413 / 415; anything else → 500 with a generic outcome (no internals leave the process).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { OperationOutcomeError, operationOutcome } from '@prognos/contracts';
import type { Logger } from '../logger';
import { sendOutcome } from './send-outcome';

interface HttpishError { type?: string; status?: number; statusCode?: number; expose?: boolean }

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) { next(err); return; }
    if (err instanceof OperationOutcomeError) {
      sendOutcome(res, err.status, err.outcome);
      return;
    }
    const e = (err ?? {}) as HttpishError;
    switch (e.type) {
      case 'entity.parse.failed':
        sendOutcome(res, 400, operationOutcome('error', 'invalid', 'Request body is not valid JSON'));
        return;
      case 'entity.too.large':
        sendOutcome(res, 413, operationOutcome('error', 'too-costly', 'Request body exceeds the size limit'));
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        sendOutcome(res, 415, operationOutcome('error', 'not-supported', 'Unsupported body encoding or charset'));
        return;
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        sendOutcome(res, 400, operationOutcome('error', 'invalid', 'Request body could not be read'));
        return;
      default:
        break;
    }
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && e.expose) {
      sendOutcome(res, status, operationOutcome('error', 'invalid', 'Bad request'));
      return;
    }
    // Only the error class and message reach the log, never request data.
    logger.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'unexpected error');
    sendOutcome(res, 500, operationOutcome('error', 'exception', 'Internal server error'));
  };
}

/** Unknown routes: 404 OperationOutcome. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  sendOutcome(res, 404, operationOutcome('error', 'not-found', 'No such endpoint'));
};

/** Known path, wrong method: 405 with Allow. */
export function methodNotAllowed(allow: string): RequestHandler {
  return (_req, res) => {
    res.setHeader('Allow', allow);
    sendOutcome(res, 405, operationOutcome('error', 'not-supported', `Method not allowed; use ${allow}`));
  };
}
