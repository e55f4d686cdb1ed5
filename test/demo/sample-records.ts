/**
 * Sample patient records for the demo and the replay test: generated patients (one per profile of
 * the fhir-features generator) and the shared Synthea R4 bundles when present. Records are labelled
 * by profile or file index only: no names or identifiers are printed.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, MedicationRequest, Resource } from '@medplum/fhirtypes';
import { PATIENT_PROFILES, generatePatient, type PatientProfile } from '@prognos/fhir-features';
import { readJson, syntheaBundlePaths } from '../support/shared-data';

export interface SampleRecord {
  label: string;
  /** The generator profile, for generated records. */
  profile?: PatientProfile;
  resources: Resource[];
  patientId: string;
  /** Hook time: the generator's asOf, or one day after the latest date in a Synthea record. */
  asOf: Date;
}

/** @defaultValue the generator's default asOf (2025-06-30) */
export const GENERATED_AS_OF = new Date('2025-06-30T00:00:00Z');

/**
 * The resources of a transaction Bundle as a FHIR server stores them: `urn:uuid:` references to
 * entries of the same Bundle become `Type/id` (FHIR R4 §3.1.0.11.2, transaction processing). Without
 * this, a medicationReference to a bundled Medication could not be resolved once the record is a
 * plain list (prefetch, `_include`), and the medicine would read as unidentified.
 */
export function resourcesOf(bundle: Bundle): Resource[] {
  const byUrl = new Map<string, string>();
  for (const e of bundle.entry ?? []) {
    if (e.fullUrl?.startsWith('urn:uuid:') && e.resource?.id) byUrl.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  }
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'reference' && typeof x === 'string' && byUrl.has(x) ? byUrl.get(x) : rewrite(x)]));
    }
    return v;
  };
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined).map((r) => (byUrl.size > 0 ? rewrite(r) as Resource : r));
}

function patientIdOf(resources: Resource[]): string {
  return resources.find((r) => r.resourceType === 'Patient')?.id ?? randomUUID();
}

/** One generated patient per profile whose record ends just before `asOf`. */
export function generatedRecords(seed = 42, asOf: Date = GENERATED_AS_OF): SampleRecord[] {
  // Every random profile, then the pharmacogenomic profile (always genotyped: shows the PGx cards).
  return [...PATIENT_PROFILES, 'pgx' as const].map((profile, i) => {
    const resources = resourcesOf(generatePatient({ seed: seed + i, profile, asOf }));
    return { label: `generated ${profile}`, profile, resources, patientId: patientIdOf(resources), asOf };
  });
}

const DATE = /"(?:effectiveDateTime|issued|authoredOn|onsetDateTime|recordedDate|start)"\s*:\s*"(\d{4}-\d{2}-\d{2}[^"]*)"/g;

/** One day after the latest clinical date of the record (Synthea records end years ago). */
function latestDate(json: string): Date {
  let max = 0;
  for (const m of json.matchAll(DATE)) {
    const t = Date.parse(m[1]!);
    if (Number.isFinite(t) && t > max) max = t;
  }
  return new Date((max || Date.now()) + 86_400_000);
}

/** The shared Synthea bundles ([] when ../shared is absent). */
export function syntheaRecords(limit = Number.POSITIVE_INFINITY): SampleRecord[] {
  return syntheaBundlePaths().slice(0, limit).map((file, i) => {
    const bundle = readJson<Bundle>(file);
    const resources = resourcesOf(bundle);
    return { label: `synthea #${i + 1}`, resources, patientId: patientIdOf(resources), asOf: latestDate(JSON.stringify(bundle)) };
  });
}

const rxnorm = 'http://www.nlm.nih.gov/research/umls/rxnorm';

function draft(patientId: string, code: string, display: string, doseMg: number, perDay: number): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: randomUUID(),
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { coding: [{ system: rxnorm, code, display }], text: display },
    dosageInstruction: [{
      text: `${doseMg} mg ${perDay === 1 ? 'once' : 'twice'} daily`,
      timing: { repeat: { frequency: perDay, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: doseMg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
    }],
  };
}

/** SNOMED CT 49436004 atrial fibrillation (clinical-reference §3). */
function hasAtrialFibrillation(resources: Resource[]): boolean {
  return resources.some((r) => r.resourceType === 'Condition' && (r.code?.coding ?? []).some((c) => c.code === '49436004'));
}

/** LOINC 84413-4 genotype Observations (Genomics Reporting IG) or VKORC1 lab results in the record. */
function hasGenotypes(resources: Resource[]): boolean {
  return resources.some((r) => r.resourceType === 'Observation' && ((r.code?.coding ?? []).some((c) => c.code === '84413-4') || /VKORC1/.test(r.code?.text ?? '')));
}

/**
 * An order-sign draftOrders Bundle exercising the medication-safety rules: metformin and ibuprofen
 * for everyone, apixaban 5 mg twice daily as well when the record has atrial fibrillation; when
 * the record has pharmacogenomic results, also clopidogrel, simvastatin 40 mg and warfarin 5 mg
 * (the pharmacogenomics service's CPIC and IWPC cards).
 */
export function demoDraftOrders(patientId: string, resources: Resource[] = []): Bundle {
  const drafts = [
    draft(patientId, '860975', '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet', 1000, 1),
    draft(patientId, '310965', 'Ibuprofen 200 MG Oral Tablet', 400, 3),
  ];
  if (hasAtrialFibrillation(resources)) drafts.push(draft(patientId, '1364445', 'apixaban 5 MG Oral Tablet', 5, 2));
  if (hasGenotypes(resources)) {
    drafts.push(draft(patientId, '309362', 'Clopidogrel 75 MG Oral Tablet', 75, 1));
    drafts.push(draft(patientId, '198211', 'simvastatin 40 MG Oral Tablet', 40, 1));
    drafts.push(draft(patientId, '855332', 'Warfarin Sodium 5 MG Oral Tablet', 5, 1));
  }
  return { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
}
