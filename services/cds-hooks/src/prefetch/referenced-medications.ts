/**
 * medicationReference resolution on the FHIR fallback path (issue 11). Epic and Cerner write
 * medicines as `medicationReference`; the prefetch templates ask for `_include=...:medication`, but a
 * client may prefetch without it and a server may ignore `_include`. Every reference to a Medication
 * that is neither in the record nor contained is listed here so the gatherer can read it from the
 * FHIR server. What still cannot be resolved is read as "unknown medicine" by fhir-features.
 */
import type { Resource } from '@medplum/fhirtypes';

/** Most Medication reads per hook (a record lists tens of medicines; more is hostile). */
export const MAX_MEDICATION_FETCHES = 100;
/** Medication reads in flight at once per hook. */
export const MEDICATION_FETCH_CONCURRENCY = 8;

const MEDICATION_USERS: ReadonlySet<string> = new Set(['MedicationRequest', 'MedicationStatement', 'MedicationDispense', 'MedicationAdministration']);
const MEDICATION_REF = /(?:^|\/)(Medication\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * 'Medication/id' of every medicationReference not satisfied by the record (contained '#id'
 * references are left to the extractor). Absolute references are returned as given when they are
 * not relative, so the caller can check them against the server base.
 */
export function unresolvedMedicationReferences(resources: readonly Resource[]): string[] {
  const have = new Set<string>();
  for (const r of resources) if (r.resourceType === 'Medication' && r.id) have.add(`Medication/${r.id}`);
  const out = new Set<string>();
  for (const r of resources) {
    if (!MEDICATION_USERS.has(r.resourceType)) continue;
    const ref = (r as unknown as { medicationReference?: { reference?: unknown } }).medicationReference?.reference;
    if (typeof ref !== 'string' || ref.startsWith('#') || ref.startsWith('urn:')) continue;
    const m = MEDICATION_REF.exec(ref);
    if (!m || have.has(m[1])) continue;
    out.add(ref);
    if (out.size >= MAX_MEDICATION_FETCHES) break;
  }
  return [...out];
}
