/**
 * Errors as FHIR OperationOutcomes: throw an OperationOutcomeError; one error handler maps it to
 * its HTTP status and body (the same pattern as Medplum's outcomes.ts).
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueCode = OperationOutcomeIssue['code'];

export function operationOutcome(
  severity: OperationOutcomeIssue['severity'],
  code: IssueCode,
  diagnostics: string,
  expression?: string[],
): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity, code, diagnostics };
  if (expression && expression.length > 0) issue.expression = expression;
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

export class OperationOutcomeError extends Error {
  constructor(readonly status: number, readonly outcome: OperationOutcome) {
    super(outcome.issue?.[0]?.diagnostics ?? `HTTP ${status}`);
    this.name = 'OperationOutcomeError';
  }
}

export const badRequest = (diagnostics: string, expression?: string[]) =>
  new OperationOutcomeError(400, operationOutcome('error', 'invalid', diagnostics, expression));
/** 401 carries no detail (CDS Hooks best practice). */
export const unauthorized = () => new OperationOutcomeError(401, operationOutcome('error', 'login', 'Unauthorized'));
export const notFound = (diagnostics: string) => new OperationOutcomeError(404, operationOutcome('error', 'not-found', diagnostics));
export const preconditionFailed = (diagnostics: string, expression?: string[]) =>
  new OperationOutcomeError(412, operationOutcome('error', 'incomplete', diagnostics, expression));
export const payloadTooLarge = (diagnostics: string) => new OperationOutcomeError(413, operationOutcome('error', 'too-costly', diagnostics));
export const unsupportedMediaType = (diagnostics: string) => new OperationOutcomeError(415, operationOutcome('error', 'not-supported', diagnostics));
