/**
 * Wrong-patient defence (issue 11): every resource of a gathered record must belong to
 * context.patientId. A Patient resource for someone else means the whole prefetch is wrong: 412 with
 * an OperationOutcome naming the key. Any other resource whose `subject` / `patient` references a
 * different Patient is dropped and counted (by resource type only: no ids reach metrics or logs).
 * References that cannot be compared (contained, Group subjects, an unknown urn:uuid) are kept.
 */
import type { Resource } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '@prognos/contracts';

/** Resources of one prefetch key, with the Patient fullUrls seen in its Bundles (urn:uuid references). */
export interface KeyResources {
  key: string;
  resources: Resource[];
}

export interface PatientCheckResult {
  /** The keys' resources without strays, in the same order. */
  kept: KeyResources[];
  /** Strays dropped, by resource type. */
  dropped: Record<string, number>;
}

const PATIENT_REF = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * The Patient id a reference string names, or undefined when it names none we can compare.
 * @param patientUrls fullUrl -> Patient id, for `urn:uuid:` references inside Bundles
 */
export function referencedPatientId(reference: unknown, patientUrls: ReadonlyMap<string, string>): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const byUrl = patientUrls.get(reference);
  if (byUrl !== undefined) return byUrl;
  const m = PATIENT_REF.exec(reference);
  return m ? m[1] : undefined;
}

/** The Patient ids a resource's `subject` / `patient` reference names (none when not comparable). */
export function subjectIds(r: Resource, patientUrls: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const rec = r as unknown as Record<string, unknown>;
  for (const field of ['subject', 'patient']) {
    const v = rec[field];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const id = referencedPatientId((v as Record<string, unknown>).reference, patientUrls);
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

/**
 * @throws OperationOutcomeError 412 when a key holds a Patient resource with another id
 */
export function checkRecordPatient(keys: KeyResources[], patientId: string | undefined, patientUrls: ReadonlyMap<string, string>): PatientCheckResult {
  if (!patientId) return { kept: keys, dropped: {} };
  const wrongKeys = keys.filter((k) => k.resources.some((r) => r.resourceType === 'Patient' && typeof r.id === 'string' && r.id !== patientId));
  if (wrongKeys.length > 0) {
    throw new OperationOutcomeError(412, {
      resourceType: 'OperationOutcome',
      issue: wrongKeys.map((k) => ({
        severity: 'error' as const,
        code: 'conflict' as const,
        diagnostics: `Prefetch key '${k.key}' holds a Patient resource that is not context.patientId: the record is for another patient`,
        expression: [`prefetch.${k.key}`],
      })),
    });
  }
  const dropped: Record<string, number> = {};
  const kept = keys.map((k) => ({
    key: k.key,
    resources: k.resources.filter((r) => {
      const ids = subjectIds(r, patientUrls);
      if (ids.every((id) => id === patientId)) return true;
      dropped[r.resourceType] = (dropped[r.resourceType] ?? 0) + 1;
      return false;
    }),
  }));
  return { kept, dropped };
}
