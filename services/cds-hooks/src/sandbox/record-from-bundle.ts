/**
 * A FHIR Bundle (a sample patient, a Synthea export, an uploaded file) as the flat resource list an
 * EHR's FHIR server would hold: `urn:uuid:` references rewritten to `Type/id`, entries without a
 * resource dropped, the Patient found. Bad input is a clear error, never a crash.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';

export class RecordError extends Error {}

/** Most resources accepted from one record (an uploaded Bundle is operator input, still bounded). */
export const MAX_SANDBOX_RESOURCES = 50_000;

export interface SandboxRecord {
  patientId: string;
  resources: Resource[];
}

export function recordFromBundle(input: unknown): SandboxRecord {
  const bundle = input as Bundle;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) {
    throw new RecordError('Expected a FHIR Bundle with entries');
  }
  if (bundle.entry.length > MAX_SANDBOX_RESOURCES) throw new RecordError(`A sandbox record holds at most ${MAX_SANDBOX_RESOURCES} resources`);
  const refs = new Map<string, string>();
  for (const e of bundle.entry) {
    const r = e?.resource;
    if (e?.fullUrl && r && typeof r.resourceType === 'string' && typeof r.id === 'string') refs.set(e.fullUrl, `${r.resourceType}/${r.id}`);
  }
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === 'reference' && typeof x === 'string' && refs.has(x) ? refs.get(x) : walk(x);
      return out;
    }
    return v;
  };
  const resources = bundle.entry
    .filter((e) => e?.resource && typeof e.resource.resourceType === 'string')
    .map((e) => walk(e.resource) as Resource);
  const patients = resources.filter((r) => r.resourceType === 'Patient' && typeof r.id === 'string');
  if (patients.length !== 1) throw new RecordError(`Expected exactly one Patient with an id in the Bundle (found ${patients.length})`);
  return { patientId: patients[0]!.id!, resources };
}
