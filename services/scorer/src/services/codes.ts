/**
 * Codes used in suggested resources and RiskAssessments. Where each code was checked is noted;
 * "[unverified]" marks codes seen only in third-party code, to be checked against an RxNorm /
 * SNOMED CT release before clinical use (clinical-reference.md §7).
 */

export const SYSTEM = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  /**
   * Placeholder system of model codes in RiskAssessment.method: the engine replaces it with
   * RISK_METHOD_SYSTEM (the deployment's canonical CodeSystem) or drops the coding when none is set.
   */
  model: 'urn:prognos:model',
  /** CDS Hooks 3.0 ballot override-reason example code system (HL7/cds-hooks input/vocabulary). */
  overrideReason: 'http://cds-hooks.hl7.org/CodeSystem/non-adherence-reason',
  /** FHIR risk-probability (RiskAssessment.prediction.qualitativeRisk). */
  riskProbability: 'http://terminology.hl7.org/CodeSystem/risk-probability',
} as const;

export interface CodedConcept {
  system: string;
  code: string;
  display: string;
}

/** Orderable drug products (RxNorm SCD) with the dose they are suggested at. */
export interface DrugProduct extends CodedConcept {
  /** mg per tablet. */
  strengthMg: number;
  /** Administrations per day. */
  timesPerDay: number;
  /** Sig text shown and written into dosageInstruction.text. */
  sig: string;
}

const rx = (code: string, display: string, strengthMg: number, timesPerDay: number, sig: string): DrugProduct =>
  ({ system: SYSTEM.rxnorm, code, display, strengthMg, timesPerDay, sig });

export const DRUGS = {
  /**
   * Verified: VSAC eCQM "Anticoagulants for All Indications" (2.16.840.1.113762.1.4.1248.22, eCQM
   * Update 2025-05-08) lists "1364445 apixaban 5 MG Oral Tablet".
   */
  apixaban5: rx('1364445', 'apixaban 5 MG Oral Tablet', 5, 2, '5 mg by mouth twice daily'),
  /** Verified: same value set, "1364435 apixaban 2.5 MG Oral Tablet". */
  apixaban2_5: rx('1364435', 'apixaban 2.5 MG Oral Tablet', 2.5, 2, '2.5 mg by mouth twice daily'),
  /**
   * Verified: FDA NDC directory (api.fda.gov/drug/ndc.json) maps dapagliflozin 10 mg-only products
   * (e.g. NDC 50090-7057, 71335-3176) to RxCUI 1488569 alone; 5 + 10 mg listings give 1488569 and
   * 1488574. (1488564 is the ingredient.) Label: initiation not recommended below eGFR 25.
   */
  dapagliflozin10: rx('1488569', 'dapagliflozin 10 MG Oral Tablet', 10, 1, '10 mg by mouth once daily'),
  /**
   * [unverified: SCD vs SBD] FDA NDC listings confirm 1545658 and 1545664 are the two empagliflozin
   * 10 mg concepts; that 1545658 is the generic SCD (1545664 the Jardiance SBD) rests on third-party
   * code only. Label (CKD, heart failure): 10 mg once daily from eGFR 20.
   */
  empagliflozin10: rx('1545658', 'empagliflozin 10 MG Oral Tablet', 10, 1, '10 mg by mouth once daily'),
  /** Verified: VSAC eCQM "ACE Inhibitor or ARB or ARNI" (CMS135) lists "314076 lisinopril 10 MG Oral Tablet". */
  lisinopril10: rx('314076', 'lisinopril 10 MG Oral Tablet', 10, 1, '10 mg by mouth once daily'),
  /**
   * Verified: same value set lists "979492 losartan potassium 50 MG Oral Tablet" (979485 = 25 mg,
   * 979480 = 100 mg); FDA NDC 50 mg-only products map to 979492.
   */
  losartan50: rx('979492', 'losartan potassium 50 MG Oral Tablet', 50, 1, '50 mg by mouth once daily'),
  /**
   * Verified: Synthea sample data (code 259255 "Atorvastatin 80 MG Oral Tablet"); FDA NDC atorvastatin
   * listings give 259255 with 617310/617311/617312. High intensity (ACC/AHA 2018 Table 3).
   */
  atorvastatin80: rx('259255', 'atorvastatin 80 MG Oral Tablet', 80, 1, '80 mg by mouth once daily'),
  /** Verified: Synthea sample data (code 312961 "Simvastatin 20 MG Oral Tablet"). Moderate intensity (ACC/AHA 2018 Table 3: simvastatin 20-40 mg). */
  simvastatin20: rx('312961', 'simvastatin 20 MG Oral Tablet', 20, 1, '20 mg by mouth once daily'),
  /**
   * Verified: NDC-to-RxNorm crosswalk of rosuvastatin calcium tablets (ndclist.com/ndc/70377-008/rxnorm)
   * names 859747 "rosuvastatin calcium 10 MG Oral Tablet". Moderate intensity (ACC/AHA 2018 Table 3);
   * not CYP3A4-dependent, so it is the replacement offered when a statin meets a strong CYP3A4 inhibitor.
   */
  rosuvastatin10: rx('859747', 'rosuvastatin calcium 10 MG Oral Tablet', 10, 1, '10 mg by mouth once daily'),
} as const;

const sct = (code: string, display: string): CodedConcept => ({ system: SYSTEM.snomed, code, display });
const loinc = (code: string, display: string): CodedConcept => ({ system: SYSTEM.loinc, code, display });

export const PROCEDURES = {
  /**
   * "Referral to nephrology service (procedure)". Chosen because the HL7 CPG CKD example
   * (cqframework/cpg-example-ckd ActivityDefinition "Referral for nephrology") uses exactly this code
   * for a KDIGO-driven referral. Alternative: 306286007 "Referral to nephrologist (procedure)"
   * (VSAC eCQM value set "Referral", CMS50).
   */
  nephrologyReferral: sct('306125004', 'Referral to nephrology service'),
  /** "Referral to transplant surgeon (procedure)" (VSAC eCQM value set "Referral", CMS50): transplant evaluation. */
  transplantReferral: sct('306316000', 'Referral to transplant surgeon'),
  /** Oral route (SNOMED CT 26643006). */
  oralRoute: sct('26643006', 'Oral route'),
} as const;

export const LAB_TESTS = {
  /** LOINC 9318-7 Albumin/Creatinine [Mass Ratio] in Urine. */
  uacr: loinc('9318-7', 'Albumin/Creatinine [Mass Ratio] in Urine'),
  /** LOINC 2160-0 Creatinine [Mass/volume] in Serum or Plasma. */
  creatinine: loinc('2160-0', 'Creatinine [Mass/volume] in Serum or Plasma'),
} as const;

/** RiskAssessment.prediction.outcome codes. */
export const OUTCOMES = {
  /** KFRE outcome "kidney failure" (dialysis or pre-emptive transplant): ESRD 46177005 (clinical-reference §3). */
  kidneyFailure: { ...sct('46177005', 'End-stage renal disease'), text: 'Kidney failure (dialysis or kidney transplant)' },
  /**
   * PCE / PREVENT ASCVD: 72092001 "Arteriosclerotic vascular disease (disorder)" (seen in a public
   * FSH value set); the text states the model's event definition.
   */
  ascvdPce: { ...sct('72092001', 'Arteriosclerotic vascular disease'), text: 'First hard ASCVD event (nonfatal MI, CHD death, fatal or nonfatal stroke)' },
  ascvdPrevent: { ...sct('72092001', 'Arteriosclerotic vascular disease'), text: 'ASCVD event (MI, coronary death, stroke)' },
  /** 49601007 "Disorder of cardiovascular system": PREVENT total CVD (ASCVD or heart failure). */
  cvdPrevent: { ...sct('49601007', 'Disorder of cardiovascular system'), text: 'Total cardiovascular disease (ASCVD or heart failure)' },
  /** 84114007 "Heart failure (disorder)" (clinical-reference §3). */
  hfPrevent: { ...sct('84114007', 'Heart failure'), text: 'Heart failure' },
  /** 230690007 "Cerebrovascular accident" (stroke; clinical-reference §3). */
  stroke: { ...sct('230690007', 'Cerebrovascular accident'), text: 'Stroke or systemic thromboembolism' },
  /** 131148009 "Bleeding" (finding). */
  majorBleeding: { ...sct('131148009', 'Bleeding'), text: 'Major bleeding' },
} as const;
