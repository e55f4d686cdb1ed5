/** Small builders for hand-made FHIR test records (tests only). */

let counter = 0;
const nextId = (): string => `fixture-${++counter}`;

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export function patient(gender: string, birthDate: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceType: 'Patient', id: nextId(), gender, birthDate, name: [{ family: 'Fixture', given: ['Hand'] }], ...extra };
}

export function obs(code: string, value: number, unit: string, date: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Observation', id: nextId(), status: 'final',
    code: { coding: [{ system: LOINC, code, display: `LOINC ${code}` }] },
    effectiveDateTime: date,
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    ...extra,
  };
}

export function bp(sbp: number, dbp: number, date: string, panel = '85354-9'): Record<string, unknown> {
  return {
    resourceType: 'Observation', id: nextId(), status: 'final',
    code: { coding: [{ system: LOINC, code: panel, display: 'Blood pressure panel' }] },
    effectiveDateTime: date,
    component: [
      { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic' }] }, valueQuantity: { value: sbp, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic' }] }, valueQuantity: { value: dbp, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    ],
  };
}

export function smoking(code: string, date: string): Record<string, unknown> {
  return {
    resourceType: 'Observation', id: nextId(), status: 'final',
    code: { coding: [{ system: LOINC, code: '72166-2' }] }, effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: SNOMED, code }] },
  };
}

export function condition(
  code: string, onset: string, opts: { system?: string; clinical?: string; verification?: string; abatement?: string; display?: string } = {},
): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resourceType: 'Condition', id: nextId(),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: opts.clinical ?? 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: opts.verification ?? 'confirmed' }] },
    code: { coding: [{ system: opts.system ?? SNOMED, code, display: opts.display ?? `code ${code}` }] },
    onsetDateTime: onset,
  };
  if (opts.abatement) r.abatementDateTime = opts.abatement;
  return r;
}

export function medRequest(
  rxcui: string | undefined, display: string, authoredOn: string, opts: { status?: string; validityEnd?: string; dosage?: unknown[]; extra?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resourceType: 'MedicationRequest', id: nextId(), status: opts.status ?? 'active', intent: 'order', authoredOn,
    medicationCodeableConcept: rxcui ? { coding: [{ system: RXNORM, code: rxcui, display }], text: display } : { text: display },
    ...opts.extra,
  };
  if (opts.validityEnd) r.dispenseRequest = { validityPeriod: { end: opts.validityEnd } };
  if (opts.dosage) r.dosageInstruction = opts.dosage;
  return r;
}

export function bundle(resources: unknown[], type = 'searchset'): Record<string, unknown> {
  return { resourceType: 'Bundle', type, entry: resources.map((resource) => ({ resource })) };
}
