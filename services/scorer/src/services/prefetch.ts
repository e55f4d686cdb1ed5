/**
 * Prefetch templates of the built-in services (CDS Hooks 2.0 §Prefetch Template): relative FHIR
 * searches with {{context.patientId}} only, token lists with LOINC system, `_sort` and `_count`
 * (the RECOMMENDED query subset). LOINC codes from clinical-reference.md §3.
 */

const loincList = (codes: readonly string[]): string => codes.map((c) => `http://loinc.org|${c}`).join(',');

export const LOINC = {
  creatinine: ['2160-0', '38483-4', '14682-9', '77140-2'],
  egfr: ['98979-8', '98980-6', '62238-1', '88293-6', '88294-4', '33914-3', '48642-3', '48643-1', '50044-7', '69405-9', '77147-7', '76633-7', '70969-1'],
  uacr: ['9318-7', '14959-1', '14958-3', '13705-9', '44292-1', '30001-2', '32294-1'],
  kfre8: ['1751-7', '2777-1', '2028-9', '20565-8', '1963-8', '17861-6', '49765-1'],
  lipids: ['2093-3', '14647-2', '2085-9', '14646-4', '18262-6', '13457-7', '2089-1', '22748-8', '39469-2'],
  bloodPressure: ['85354-9', '55284-4', '8480-6'],
  body: ['39156-5', '29463-7'],
  hba1c: ['4548-4', '17856-6', '4549-2', '59261-8'],
  potassium: ['2823-3', '6298-4'],
  smoking: ['72166-2'],
} as const;

export const PATIENT = 'Patient/{{context.patientId}}';
export const CONDITIONS = 'Condition?patient={{context.patientId}}';
/**
 * Active medication requests with the Medications they reference (`_include`, FHIR R4 search §3.1.1.5.4):
 * Epic and Cerner write medicines as medicationReference, which without the Medication is unknown.
 */
export const ACTIVE_MEDICATIONS = 'MedicationRequest?patient={{context.patientId}}&status=active&_include=MedicationRequest:medication';

export function observations(codes: readonly string[], count = 200): string {
  return `Observation?patient={{context.patientId}}&code=${loincList(codes)}&_sort=-date&_count=${count}`;
}
