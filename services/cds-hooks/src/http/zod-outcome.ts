/**
 * Turns zod issues into a 400 OperationOutcome, one issue per problem, each with its FHIRPath-like
 * expression (`context.patientId`, `feedback[0].outcomeTimestamp`).
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '@prognos/contracts';
import type { z } from 'zod';

/** Most issues reported in one answer (a hostile body could otherwise produce thousands). */
const MAX_ISSUES = 20;

export function formatPath(path: readonly PropertyKey[], prefix?: string): string {
  let out = prefix ?? '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || (prefix ?? '$');
}

export function zodErrorToOutcome(error: z.ZodError, prefix?: string): OperationOutcome {
  const issue: OperationOutcomeIssue[] = error.issues.slice(0, MAX_ISSUES).map((i) => ({
    severity: 'error',
    code: i.code === 'unrecognized_keys' ? 'structure' : (i.path.length && i.code === 'invalid_type' && i.message.includes('undefined') ? 'required' : 'invalid'),
    diagnostics: i.message,
    expression: [formatPath(i.path, prefix)],
  }));
  return { resourceType: 'OperationOutcome', issue };
}

/** Parses `value` or throws a 400 OperationOutcomeError listing every issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OperationOutcomeError(400, zodErrorToOutcome(parsed.error, prefix));
  return parsed.data;
}
