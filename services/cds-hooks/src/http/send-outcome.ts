import type { Response } from 'express';
import type { OperationOutcome } from '@medplum/fhirtypes';

/** Sends a FHIR OperationOutcome; every error body of this service goes through here. */
export function sendOutcome(res: Response, status: number, outcome: OperationOutcome): void {
  // Kept for the operations error log (ops/cds-traffic-log.ts reads codes and paths, never values).
  res.locals.outcome = outcome;
  res.status(status).type('application/fhir+json').send(JSON.stringify(outcome));
}
