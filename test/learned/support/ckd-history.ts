/**
 * Hand-built CKD histories as a CDS Hooks prefetch: a Patient, creatinine results computed from the
 * intended eGFR by inverting CKD-EPI 2021 at the patient's age on each date (so the service's own
 * eGFR recovers it), urine ACR results, conditions and medications. For the learned-model tests:
 * two patients can share the last visit exactly and differ only in what came before.
 */
import type { Resource } from '@medplum/fhirtypes';
import { creatinineForEgfr } from '@prognos/fhir-features';

const YEAR = 365.2425 * 86_400_000;

export interface HistorySpec {
  asOf: Date;
  age: number;
  sex: 'male' | 'female';
  /** [years before asOf, eGFR] pairs, any order. */
  egfr: [number, number][];
  /** [years before asOf, ACR mg/g] pairs. */
  acr: [number, number][];
  diabetes?: boolean;
}

const searchset = (resources: Resource[]): Record<string, unknown> => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });

export function historyPrefetch(spec: HistorySpec, id = 'p1'): Record<string, unknown> {
  const birth = spec.asOf.getTime() - spec.age * YEAR;
  const subject = { reference: `Patient/${id}` };
  let n = 0;
  const obs = (yearsAgo: number, code: string, display: string, value: number, unit: string): Resource => ({
    resourceType: 'Observation', id: `${id}-o${n++}`, status: 'final', subject,
    code: { coding: [{ system: 'http://loinc.org', code, display }] },
    effectiveDateTime: new Date(spec.asOf.getTime() - yearsAgo * YEAR).toISOString(),
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  } as Resource);
  const renal: Resource[] = [
    ...spec.egfr.map(([y, e]) => obs(y, '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma',
      Math.round(creatinineForEgfr(e, (spec.asOf.getTime() - y * YEAR - birth) / YEAR, spec.sex) * 1000) / 1000, 'mg/dL')),
    ...spec.acr.map(([y, a]) => obs(y, '9318-7', 'Albumin/Creatinine [Mass Ratio] in Urine', a, 'mg/g')),
  ];
  const conditions: Resource[] = [{
    resourceType: 'Condition', id: `${id}-c1`, subject,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '59621000', display: 'Essential hypertension' }] }, onsetDateTime: '2010-01-01',
  } as Resource];
  if (spec.diabetes) {
    conditions.push({
      resourceType: 'Condition', id: `${id}-c2`, subject,
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' }] }, onsetDateTime: '2010-01-01',
    } as Resource);
  }
  const meds: Resource[] = [{
    resourceType: 'MedicationRequest', id: `${id}-m1`, subject, status: 'active', intent: 'order', authoredOn: '2015-01-01',
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '979492', display: 'losartan potassium 50 MG Oral Tablet' }] },
  } as Resource];
  return {
    patient: { resourceType: 'Patient', id, gender: spec.sex, birthDate: new Date(birth).toISOString().slice(0, 10) },
    renalLabs: searchset(renal),
    conditions: searchset(conditions),
    medications: searchset(meds),
  };
}

/** Quarterly eGFR points over `years`, linear from `from` to `to` (the last exactly `to`, 10 days ago). */
export function linear(from: number, to: number, years = 3, perYear = 4): [number, number][] {
  const n = years * perYear;
  return Array.from({ length: n + 1 }, (_, i) => {
    const yearsAgo = (n - i) / perYear + 10 / 365.2425;
    return [yearsAgo, from + ((to - from) * i) / n] as [number, number];
  });
}
