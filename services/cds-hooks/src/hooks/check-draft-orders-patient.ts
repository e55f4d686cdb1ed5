/**
 * Wrong-patient defence for draft orders: every draft order in `context.draftOrders` must be for
 * `context.patientId`. An order naming another patient (an EHR that mixed up two charts, or a
 * stale draft) would otherwise be screened against this patient's record and could be called safe
 * when it is not: the call is refused with 400 naming the entry, and nothing is screened. Orders
 * whose subject cannot be compared (absent, contained, a Group, an unknown urn:uuid) are kept, as in
 * the prefetch check (check-record-patient.ts).
 */
import type { Resource } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '@prognos/contracts';
import { subjectIds } from '../prefetch/check-record-patient';

interface DraftOrders {
  entry?: { fullUrl?: unknown; resource?: { resourceType: string; id?: string } & Record<string, unknown> }[];
}

/** Indexes of the draft orders that name a patient other than `patientId`. */
export function draftOrdersForOtherPatients(draftOrders: DraftOrders | undefined, patientId: string): number[] {
  const entries = draftOrders?.entry ?? [];
  // urn:uuid references to a Patient carried in the same Bundle.
  const patientUrls = new Map<string, string>();
  for (const e of entries) {
    if (e.resource?.resourceType === 'Patient' && typeof e.fullUrl === 'string' && typeof e.resource.id === 'string') patientUrls.set(e.fullUrl, e.resource.id);
  }
  const wrong: number[] = [];
  entries.forEach((e, i) => {
    const r = e.resource as Resource | undefined;
    if (!r) return;
    const named = r.resourceType === 'Patient' ? (typeof r.id === 'string' ? [r.id] : []) : subjectIds(r, patientUrls);
    if (named.some((id) => id !== patientId)) wrong.push(i);
  });
  return wrong;
}

/** @throws OperationOutcomeError 400 naming each draft order for another patient */
export function checkDraftOrdersPatient(draftOrders: DraftOrders | undefined, patientId: string): void {
  const wrong = draftOrdersForOtherPatients(draftOrders, patientId);
  if (wrong.length === 0) return;
  throw new OperationOutcomeError(400, {
    resourceType: 'OperationOutcome',
    issue: wrong.map((i) => ({
      severity: 'error' as const,
      code: 'conflict' as const,
      diagnostics: `Draft order ${i} is for a patient other than context.patientId: no draft order was screened`,
      expression: [`context.draftOrders.entry[${i}].resource`],
    })),
  });
}
