/**
 * SNOMED CT and ICD-10-CM codes -> condition concepts.
 *
 * Sources: clinical-reference.md §3 (SNOMED CT / ICD-10-CM table: Synthea sample data, Synthea
 * kidney_conditions.json, cqframework/cpg-example-ckd). Codes not in that table are marked [MEM]
 * (recalled; verify against a SNOMED CT / ICD-10-CM release before relying on them), or [CHECKED]
 * where they were then found with the same meaning in public FHIR material (HL7 examples, code maps
 * of several independent projects) on 2026-12-03.
 *
 * `history: true` concepts count when ever diagnosed before asOf (a past stroke is still a stroke
 * for CHA2DS2-VASc); the others count only while active at asOf.
 */

export type ConditionConcept =
  | 'type2_diabetes'
  | 'type1_diabetes'
  | 'diabetes_unspecified'
  | 'hypertension'
  | 'ckd'
  | 'esrd'
  | 'dialysis'
  | 'kidney_transplant'
  | 'atrial_fibrillation'
  | 'heart_failure'
  | 'stroke'
  | 'haemorrhagic_stroke'
  | 'tia'
  | 'systemic_embolism'
  | 'myocardial_infarction'
  | 'coronary_heart_disease'
  | 'peripheral_artery_disease'
  | 'aortic_plaque'
  | 'revascularisation'
  | 'major_bleeding'
  | 'bleeding_predisposition'
  | 'anaemia'
  | 'liver_disease'
  | 'alcohol_excess'
  | 'tobacco_use'
  // Pharmacogenomics (issue 12): thiopurine recommendations differ for malignant conditions (CPIC 2018).
  | 'malignancy';

export const HISTORY_CONCEPTS: ReadonlySet<ConditionConcept> = new Set<ConditionConcept>([
  'stroke', 'haemorrhagic_stroke', 'tia', 'systemic_embolism', 'myocardial_infarction', 'revascularisation', 'major_bleeding', 'kidney_transplant',
]);

export interface ConditionCodeInfo {
  concepts: readonly ConditionConcept[];
  /** CKD stage: 1, 2, 3, 3.1 (3a), 3.2 (3b), 4, 5. */
  stage?: number;
}

const c = (concepts: ConditionConcept | ConditionConcept[], stage?: number): ConditionCodeInfo =>
  stage === undefined ? { concepts: Array.isArray(concepts) ? concepts : [concepts] } : { concepts: Array.isArray(concepts) ? concepts : [concepts], stage };

export const SNOMED_CONDITIONS: ReadonlyMap<string, ConditionCodeInfo> = new Map([
  // Type 2 diabetes and its complications (Synthea codes)
  ['44054006', c('type2_diabetes')],
  // Diabetic renal disease does not say which diabetes: counting it as type 2 would let a type 1 patient
  // reach the T2D SGLT2 inhibitor rule. Synthea records 44054006 alongside it, so nothing is lost there.
  ['127013003', c(['diabetes_unspecified', 'ckd'])],
  ['90781000119102', c(['type2_diabetes'])], // microalbuminuria due to T2DM
  ['368581000119106', c('type2_diabetes')],
  ['422034002', c('type2_diabetes')],
  ['1551000119108', c('type2_diabetes')], // NPDR due to T2DM (Synthea)
  ['46635009', c('type1_diabetes')], // Type 1 diabetes mellitus [CHECKED]
  ['73211009', c('diabetes_unspecified')], // Diabetes mellitus [CHECKED]
  // Hypertension
  ['38341003', c('hypertension')], ['59621000', c('hypertension')], ['1201005', c('hypertension')] /* Benign essential hypertension [CHECKED] */,
  // CKD and stages (431855005.. from Synthea kidney_conditions.json; 3a/3b/5/dialysis from clinical-reference §3)
  ['709044004', c('ckd')],
  ['431855005', c('ckd', 1)], ['431856006', c('ckd', 2)], ['433144002', c('ckd', 3)],
  ['700378005', c('ckd', 3.1)], ['700379002', c('ckd', 3.2)], ['431857002', c('ckd', 4)], ['433146000', c('ckd', 5)],
  ['46177005', c(['ckd', 'esrd'], 5)], ['714152005', c(['ckd', 'esrd', 'dialysis'], 5)],
  // 714153000 "Chronic kidney disease stage 5 with transplant" (CKD 5T): a kidney transplant recipient,
  // excluded from KFRE. Code as given by the clinical review (issue 10), sibling of 714152005 CKD 5D
  // [CHECKED: SNOMED CT Spanish edition terms "enfermedad renal crónica, estadio 5, con trasplante" / "en diálisis"].
  ['714153000', c(['ckd', 'kidney_transplant'], 5)],
  // Atrial fibrillation (49436004; subtypes paroxysmal 282825002, persistent 440059007, permanent 440028005,
  // lone 706923002 [CHECKED: public code maps agree they are AF; one map swaps persistent/permanent])
  ['49436004', c('atrial_fibrillation')], ['282825002', c('atrial_fibrillation')], ['440059007', c('atrial_fibrillation')],
  ['440028005', c('atrial_fibrillation')], ['706923002', c('atrial_fibrillation')],
  // Heart failure (84114007, 88805009 Synthea, 42343007 congestive heart failure [CHECKED]; HFrEF 703272007 / HF with normal EF 446221000 [CHECKED])
  ['84114007', c('heart_failure')], ['88805009', c('heart_failure')], ['42343007', c('heart_failure')],
  ['703272007', c('heart_failure')], ['446221000', c('heart_failure')],
  // Stroke / TIA (230690007 Synthea; 266257000 TIA [CHECKED]; 422504002 ischaemic stroke [CHECKED: HL7 FHIR R4 examples])
  ['230690007', c('stroke')], ['422504002', c('stroke')], ['266257000', c('tia')],
  // ASCVD (22298006 MI, 399211009 history of MI, 53741008 CHD: Synthea; 414545008 IHD [CHECKED], 399957001 PAD [CHECKED])
  ['22298006', c('myocardial_infarction')], ['399211009', c('myocardial_infarction')],
  ['401303003', c('myocardial_infarction')], ['401314000', c('myocardial_infarction')], // acute STEMI / NSTEMI [CHECKED]
  ['53741008', c('coronary_heart_disease')], ['414545008', c('coronary_heart_disease')],
  ['399957001', c('peripheral_artery_disease')], ['840580004', c('peripheral_artery_disease')] /* [CHECKED] */,
  // Bleeding (anaemia 271737000 Synthea; GI 74474003 and intracranial 1386000 haemorrhage [CHECKED])
  ['271737000', c('anaemia')], ['74474003', c('major_bleeding')], ['1386000', c('major_bleeding')],
  // Liver disease: 19943007 Cirrhosis of liver, 328383001 Chronic liver disease, 420054005 Alcoholic cirrhosis
  // [CHECKED 2026-12-04: VSAC "Chronic Liver Disease" 2.16.840.1.113883.3.464.1003.199.12.1035 expansion,
  // cqframework/cds4cpm input/vocabulary/valueset/valueset-2.16.840.1.113883.3.464.1003.199.12.1035.json]
  ['19943007', c('liver_disease')], ['328383001', c('liver_disease')], ['420054005', c('liver_disease')],
  // Alcohol: 7200002 Alcoholism, 15167005 Alcohol abuse [CHECKED 2026-12-04: VSAC "Alcohol Abuse Disorder"
  // 2.16.840.1.113762.1.4.1222.24, OHSUCMP/htnu18ig input/vocabulary/valueset/valueset-2.16.840.1.113762.1.4.1222.24.json]
  ['7200002', c('alcohol_excess')], ['15167005', c('alcohol_excess')],
  // Tobacco use as a problem (newer Synthea codes these as conditions): 449868002 Smokes tobacco daily,
  // 65568007 Cigarette smoker, 77176002 Smoker [CHECKED 2026-12-04: VSAC "Tobacco User" 2.16.840.1.113883.3.526.2.422,
  // OHSUCMP/htnu18ig input/vocabulary/valueset/valueset-2.16.840.1.113883.3.526.2.422.json]
  ['449868002', c('tobacco_use')], ['65568007', c('tobacco_use')], ['77176002', c('tobacco_use')],
  // Malignancy: malignant neoplastic disease, acute lymphoid leukaemia, leukaemia (thiopurine indications)
  // [CHECKED 2026-12-04: 363346000 "Malignant tumour" heads the HL7 mCODE primary cancer disorder value set
  // (https://hl7.org/fhir/us/mcode/ValueSet-mcode-primary-cancer-disorder-vs.html); 91857003 "Acute lymphoid leukemia,
  // disease" and 93143009 "Leukemia, disease": logicahealth/covid-19 fsh/fsh-source/CV19-ValueSets.fsh]
  ['363346000', c('malignancy')], ['91857003', c('malignancy')], ['93143009', c('malignancy')],
]);

/**
 * ICD-10-CM prefixes (without the dot) -> concepts. The longest matching prefix wins, so 'N1831'
 * (stage 3a) beats 'N183' (stage 3) beats 'N18' (CKD).
 */
export const ICD10_PREFIXES: ReadonlyMap<string, ConditionCodeInfo> = new Map([
  ['E11', c('type2_diabetes')], ['E1122', c(['type2_diabetes', 'ckd'])], ['E10', c('type1_diabetes')],
  ['E13', c('diabetes_unspecified')], ['E08', c('diabetes_unspecified')], ['E09', c('diabetes_unspecified')],
  ['I10', c('hypertension')], ['I11', c('hypertension')], ['I110', c(['hypertension', 'heart_failure'])],
  ['I12', c(['hypertension', 'ckd'])], ['I13', c(['hypertension', 'ckd'])], ['I130', c(['hypertension', 'ckd', 'heart_failure'])],
  ['I132', c(['hypertension', 'ckd', 'heart_failure'])], ['I15', c('hypertension')], ['I16', c('hypertension')],
  ['N18', c('ckd')], ['N181', c('ckd', 1)], ['N182', c('ckd', 2)], ['N183', c('ckd', 3)], ['N1830', c('ckd', 3)],
  ['N1831', c('ckd', 3.1)], ['N1832', c('ckd', 3.2)], ['N184', c('ckd', 4)], ['N185', c('ckd', 5)],
  ['N186', c(['ckd', 'esrd'], 5)], ['N189', c('ckd')],
  ['Z992', c('dialysis')], ['Z940', c('kidney_transplant')],
  ['I480', c('atrial_fibrillation')], ['I481', c('atrial_fibrillation')], ['I482', c('atrial_fibrillation')], ['I4891', c('atrial_fibrillation')],
  ['I50', c('heart_failure')],
  // Intracerebral / subarachnoid haemorrhage is a stroke (CHA2DS2-VASc, HAS-BLED) and a major bleed, but
  // not atherosclerotic: kept apart from 'stroke' so it does not count as clinical ASCVD (statin rules).
  ['I63', c('stroke')], ['I61', c(['haemorrhagic_stroke', 'major_bleeding'])], ['I60', c(['haemorrhagic_stroke', 'major_bleeding'])],
  ['G45', c('tia')], ['Z8673', c(['stroke', 'tia'])], ['I69', c('stroke')], ['I74', c('systemic_embolism')],
  // Sequelae of subarachnoid (I69.0), intracerebral (I69.1) and other nontraumatic intracranial (I69.2)
  // haemorrhage: a past haemorrhagic stroke and major bleed, not atherosclerotic (not ASCVD).
  ['I690', c(['haemorrhagic_stroke', 'major_bleeding'])], ['I691', c(['haemorrhagic_stroke', 'major_bleeding'])],
  ['I692', c(['haemorrhagic_stroke', 'major_bleeding'])],
  ['I20', c('coronary_heart_disease')], ['I21', c('myocardial_infarction')], ['I22', c('myocardial_infarction')],
  ['I23', c('myocardial_infarction')], ['I24', c('coronary_heart_disease')], ['I25', c('coronary_heart_disease')],
  ['I252', c(['myocardial_infarction', 'coronary_heart_disease'])],
  ['I70', c('peripheral_artery_disease')], ['I700', c('aortic_plaque')], ['I739', c('peripheral_artery_disease')],
  ['Z951', c('revascularisation')], ['Z955', c('revascularisation')],
  ['K920', c('major_bleeding')], ['K921', c('major_bleeding')], ['K922', c('major_bleeding')], ['I62', c('major_bleeding')],
  ['D62', c('major_bleeding')], ['R58', c('major_bleeding')],
  ['D50', c('anaemia')], ['D51', c('anaemia')], ['D52', c('anaemia')], ['D53', c('anaemia')], ['D55', c('anaemia')],
  ['D56', c('anaemia')], ['D57', c('anaemia')], ['D58', c('anaemia')], ['D59', c('anaemia')], ['D60', c('anaemia')],
  ['D61', c('anaemia')], ['D63', c('anaemia')], ['D64', c('anaemia')],
  ['D65', c('bleeding_predisposition')], ['D66', c('bleeding_predisposition')], ['D67', c('bleeding_predisposition')],
  ['D68', c('bleeding_predisposition')], ['D696', c('bleeding_predisposition')],
  ['K70', c('liver_disease')], ['K72', c('liver_disease')], ['K73', c('liver_disease')], ['K74', c('liver_disease')],
  ['K766', c('liver_disease')], ['B18', c('liver_disease')],
  ['F101', c('alcohol_excess')], ['F102', c('alcohol_excess')],
  ['F172', c('tobacco_use')],
  // Malignant neoplasms C00-C96 (ICD-10 chapter II, malignant blocks); C97 multiple primaries.
  ...Array.from({ length: 98 }, (_, i): [string, ConditionCodeInfo] => [`C${String(i).padStart(2, '0')}`, c('malignancy')]),
]);

/**
 * Procedures that establish kidney replacement therapy or revascularisation (SNOMED CT), each [CHECKED 2026-12-04]
 * against the source on its line.
 */
export const SNOMED_PROCEDURES: ReadonlyMap<string, ConditionConcept> = new Map([
  ['265764009', 'dialysis'], // renal dialysis [CHECKED: synthetichealth/synthea src/main/resources/modules/dialysis.json]
  ['302497006', 'dialysis'], // haemodialysis [CHECKED: HL7 MCC eCare Plan IG example, https://hl7.org/fhir/us/mcc/2023Sep/Procedure-Dialysis.html]
  // peritoneal dialysis [CHECKED: public code lists only, "Peritoneal dialysis (procedure)" in a BHF CVD-COVID-UK
  // comorbidity codelist (CCU046); not found in an HL7/VSAC expansion the search index could open]
  ['71192002', 'dialysis'],
  ['70536003', 'kidney_transplant'], // transplant of kidney [CHECKED: synthetichealth/synthea src/main/resources/modules/kidney_transplant.json]
  // coronary artery bypass graft / percutaneous coronary intervention [CHECKED: DICOM CID 3721 "Cardiovascular Surgery",
  // bvdh/dicom-terminology-in-fhir input/fsh/ValueSet-dicom-cid-3721-CardiovascularSurgery.fsh]
  ['232717009', 'revascularisation'],
  ['415070008', 'revascularisation'],
]);

export const SNOMED_SYSTEM = 'http://snomed.info/sct';
export const ICD10_SYSTEMS: ReadonlySet<string> = new Set(['http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10']);

/** Looks up an ICD-10(-CM) code by longest prefix (dots removed, upper case). */
export function lookupIcd10(code: string): ConditionCodeInfo | undefined {
  const norm = code.replace('.', '').toUpperCase();
  for (let len = Math.min(norm.length, 6); len >= 3; len--) {
    const hit = ICD10_PREFIXES.get(norm.slice(0, len));
    if (hit) return hit;
  }
  return undefined;
}
