/**
 * LOINC codes -> observation concepts, with the canonical unit, the conversion constants and the
 * plausible (physiological) range of each concept.
 *
 * Codes: clinical-reference.md §3 (LOINC table; sources cqframework/cpg-example-ckd value sets and the
 * Synthea sample data). Codes marked [MEM] there are included because the cost of matching a wrong
 * code is low: the unit check still has to pass.
 */

export type ObservationConcept =
  | 'creatinine'
  | 'egfr_reported'
  | 'uacr'
  | 'hba1c'
  | 'total_chol'
  | 'hdl'
  | 'ldl'
  | 'sbp'
  | 'dbp'
  | 'bmi'
  | 'weight'
  | 'height'
  | 'potassium'
  | 'albumin'
  | 'phosphate'
  | 'bicarbonate'
  | 'calcium'
  | 'inr';

export const OBSERVATION_CONCEPTS: readonly ObservationConcept[] = [
  'creatinine', 'egfr_reported', 'uacr', 'hba1c', 'total_chol', 'hdl', 'ldl', 'sbp', 'dbp', 'bmi', 'weight',
  'height', 'potassium', 'albumin', 'phosphate', 'bicarbonate', 'calcium', 'inr',
];

export interface ConceptUnitSpec {
  /** Canonical UCUM unit of the concept. */
  unit: string;
  /** g/mol, for mass <-> substance conversions by UCUM. */
  molecularWeight?: number;
  /** Ionic charge, for meq <-> mmol. */
  charge?: number;
  /** Inclusive plausible range in the canonical unit; outside is 'implausible_value'. */
  min: number;
  max: number;
}

/**
 * Canonical units and plausibility ranges. Molar masses: creatinine 113.12 g/mol (brief; gives the
 * 88.4 factor of clinical-reference §1.2), cholesterol 386.65 g/mol (x 0.02586 mmol/L per mg/dL,
 * clinical-reference §3), calcium 40.08 g/mol (~x 4, kfre R/conversions.R), phosphorus 30.97 g/mol
 * (~x 3.1, kfre R/conversions.R). Ranges are deliberately wide: they remove impossible values
 * (typing and unit errors), not abnormal ones.
 */
export const CONCEPT_UNITS: Readonly<Record<ObservationConcept, ConceptUnitSpec>> = {
  creatinine: { unit: 'mg/dL', molecularWeight: 113.12, min: 0.1, max: 30 },
  egfr_reported: { unit: 'mL/min/{1.73_m2}', min: 1, max: 200 },
  // UACR in mg/mmol carries creatinine as the denominator substance.
  uacr: { unit: 'mg/g', molecularWeight: 113.12, min: 0, max: 50_000 },
  // NGSP %: values below 3.5 % are not compatible with life in a stable patient (Synthea emits 2.5-3.1).
  hba1c: { unit: '%', min: 3.5, max: 20 },
  total_chol: { unit: 'mg/dL', molecularWeight: 386.65, min: 50, max: 1000 },
  hdl: { unit: 'mg/dL', molecularWeight: 386.65, min: 5, max: 250 },
  ldl: { unit: 'mg/dL', molecularWeight: 386.65, min: 5, max: 700 },
  sbp: { unit: 'mm[Hg]', min: 50, max: 300 },
  dbp: { unit: 'mm[Hg]', min: 20, max: 200 },
  bmi: { unit: 'kg/m2', min: 8, max: 100 },
  weight: { unit: 'kg', min: 0.3, max: 400 },
  height: { unit: 'cm', min: 20, max: 260 },
  potassium: { unit: 'mmol/L', charge: 1, min: 1.5, max: 10 },
  albumin: { unit: 'g/dL', min: 0.5, max: 7 },
  phosphate: { unit: 'mg/dL', molecularWeight: 30.97, min: 0.3, max: 20 },
  bicarbonate: { unit: 'mmol/L', charge: 1, min: 3, max: 60 },
  calcium: { unit: 'mg/dL', molecularWeight: 40.08, charge: 2, min: 2, max: 20 },
  inr: { unit: '{INR}', min: 0.5, max: 15 },
};

/** LOINC code -> concept. BP panels (85354-9, 55284-4) are handled through their components. */
export const LOINC_TO_CONCEPT: ReadonlyMap<string, ObservationConcept> = new Map<string, ObservationConcept>([
  // Creatinine, mass (2160-0 serum/plasma, 38483-4 blood: Synthea) and molar (14682-9, 77140-2)
  ['2160-0', 'creatinine'], ['38483-4', 'creatinine'], ['14682-9', 'creatinine'], ['77140-2', 'creatinine'],
  // eGFR in all its codes (MDRD, CKD-EPI 2009, CKD-EPI 2021, unspecified)
  ['33914-3', 'egfr_reported'], ['48642-3', 'egfr_reported'], ['48643-1', 'egfr_reported'], ['50044-7', 'egfr_reported'],
  ['62238-1', 'egfr_reported'], ['88293-6', 'egfr_reported'], ['88294-4', 'egfr_reported'], ['98979-8', 'egfr_reported'],
  ['98980-6', 'egfr_reported'], ['69405-9', 'egfr_reported'], ['77147-7', 'egfr_reported'], ['76633-7', 'egfr_reported'],
  ['50210-4', 'egfr_reported'], ['70969-1', 'egfr_reported'],
  // Urine albumin/creatinine ratio
  ['9318-7', 'uacr'], ['14959-1', 'uacr'], ['14958-3', 'uacr'], ['13705-9', 'uacr'], ['44292-1', 'uacr'],
  ['30001-2', 'uacr'], ['32294-1', 'uacr'],
  // HbA1c (NGSP %, IFCC mmol/mol 59261-8)
  ['4548-4', 'hba1c'], ['17856-6', 'hba1c'], ['4549-2', 'hba1c'], ['59261-8', 'hba1c'],
  // Lipids
  ['2093-3', 'total_chol'], ['14647-2', 'total_chol'],
  ['2085-9', 'hdl'], ['14646-4', 'hdl'],
  ['18262-6', 'ldl'], ['13457-7', 'ldl'], ['2089-1', 'ldl'], ['22748-8', 'ldl'], ['39469-2', 'ldl'],
  // Blood pressure (standalone or as panel components)
  ['8480-6', 'sbp'], ['8462-4', 'dbp'],
  // Body measures
  ['39156-5', 'bmi'], ['29463-7', 'weight'], ['3141-9', 'weight'], ['8302-2', 'height'], ['8306-3', 'height'],
  // Chemistry for KFRE-8 and rules
  ['2823-3', 'potassium'], ['6298-4', 'potassium'],
  ['1751-7', 'albumin'],
  // 2777-1 "Phosphate [Mass/volume] in Serum or Plasma" ([MEM] in clinical-reference §3) [CHECKED 2026-12-04: public code
  // maps only, several independent projects give that long name; not checked against a LOINC release]
  ['2777-1', 'phosphate'], ['14879-1', 'phosphate'],
  ['2028-9', 'bicarbonate'], ['20565-8', 'bicarbonate'], ['1963-8', 'bicarbonate'], ['1959-6', 'bicarbonate'],
  ['17861-6', 'calcium'], ['49765-1', 'calcium'], ['2000-8', 'calcium'],
  // INR (labile INR for HAS-BLED)
  ['6301-6', 'inr'], ['34714-6', 'inr'], ['46418-0', 'inr'],
]);

export const BP_PANEL_CODES: ReadonlySet<string> = new Set(['85354-9', '55284-4']);
export const SMOKING_STATUS_CODES: ReadonlySet<string> = new Set(['72166-2']);

/** Tobacco smoking status answers (SNOMED CT; US Core smoking status value set). */
export const SMOKING_STATUS: ReadonlyMap<string, 'current' | 'former' | 'never' | 'unknown'> = new Map([
  ['449868002', 'current'], // Current every day smoker
  ['428041000124106', 'current'], // Current some day smoker
  ['77176002', 'current'], // Smoker, current status unknown
  ['428071000124103', 'current'], // Current heavy tobacco smoker
  ['428061000124105', 'current'], // Current light tobacco smoker
  ['65568007', 'current'], // Cigarette smoker
  ['8517006', 'former'], // Ex-smoker
  ['266919005', 'never'], // Never smoked tobacco
  ['266927001', 'unknown'], // Tobacco smoking consumption unknown
] as const);

export const LOINC_SYSTEM = 'http://loinc.org';
