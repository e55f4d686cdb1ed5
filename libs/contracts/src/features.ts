/**
 * The feature-set contract between libs/fhir-features (producer) and services/scorer (consumer).
 *
 * Each feature set is named and versioned; its features come in this fixed order with these
 * canonical units. Model manifests reference features by `name`. Booleans are 0/1.
 * Changing an order, a unit or a meaning requires a version bump.
 */

export interface FeatureDefinition {
  /** Stable name, referenced by model manifests and card policies. */
  name: string;
  /** Canonical unit (UCUM where one exists; '1' for counts and 0/1 flags). */
  unit: string;
  description: string;
}

export interface FeatureSetDefinition {
  name: string;
  version: string;
  features: readonly FeatureDefinition[];
}

const f = (name: string, unit: string, description: string): FeatureDefinition => ({ name, unit, description });

const AGE = f('age_years', 'a', 'Age at asOf in fractional years');
const MALE = f('sex_male', '1', '1 = administrative gender male, 0 = female');
const EGFR = f('egfr', 'mL/min/{1.73_m2}', 'Latest eGFR (CKD-EPI 2021 recomputed from creatinine where available)');
const UACR = f('uacr_mg_g', 'mg/g', 'Latest urine albumin/creatinine ratio');

export const FEATURE_SETS = {
  'kfre-4var': {
    name: 'kfre-4var', version: '1.0.0',
    features: [AGE, MALE, EGFR, UACR],
  },
  'kfre-8var': {
    name: 'kfre-8var', version: '1.0.0',
    features: [AGE, MALE, EGFR, UACR,
      f('albumin_g_dl', 'g/dL', 'Latest serum albumin'),
      f('phosphate_mg_dl', 'mg/dL', 'Latest serum phosphate'),
      f('bicarbonate_mmol_l', 'mmol/L', 'Latest serum bicarbonate / total CO2'),
      f('calcium_mg_dl', 'mg/dL', 'Latest serum calcium')],
  },
  pce: {
    name: 'pce', version: '1.0.0',
    features: [AGE, MALE,
      f('race_black', '1', '1 = Black or African American (US Core race), used only to pick the PCE equation'),
      f('total_chol_mg_dl', 'mg/dL', 'Latest total cholesterol'),
      f('hdl_mg_dl', 'mg/dL', 'Latest HDL cholesterol'),
      f('sbp_mmhg', 'mm[Hg]', 'Latest systolic blood pressure'),
      f('bp_treated', '1', '1 = an antihypertensive is active'),
      f('smoker', '1', '1 = current smoker'),
      f('diabetes', '1', '1 = diabetes (type 2 or unspecified) active')],
  },
  prevent: {
    name: 'prevent', version: '1.0.0',
    features: [AGE, MALE,
      f('total_chol_mg_dl', 'mg/dL', 'Latest total cholesterol'),
      f('hdl_mg_dl', 'mg/dL', 'Latest HDL cholesterol'),
      f('sbp_mmhg', 'mm[Hg]', 'Latest systolic blood pressure'),
      f('bp_treated', '1', '1 = an antihypertensive is active'),
      f('statin', '1', '1 = a statin is active'),
      f('diabetes', '1', '1 = diabetes active'),
      f('smoker', '1', '1 = current smoker'),
      EGFR,
      f('bmi_kg_m2', 'kg/m2', 'Latest body-mass index')],
  },
  'cha2ds2-vasc': {
    name: 'cha2ds2-vasc', version: '1.0.0',
    features: [AGE, f('sex_female', '1', '1 = female'),
      f('chf', '1', 'Heart failure active'),
      f('hypertension', '1', 'Hypertension active'),
      f('diabetes', '1', 'Diabetes active'),
      f('stroke_tia_te', '1', 'History of stroke, TIA or thromboembolism'),
      f('vascular_disease', '1', 'Prior MI, PAD or aortic plaque')],
  },
  'has-bled': {
    name: 'has-bled', version: '1.0.0',
    features: [AGE,
      f('sbp_mmhg', 'mm[Hg]', 'Latest systolic blood pressure (uncontrolled HTN: > 160)'),
      f('hypertension', '1', 'Hypertension active'),
      f('renal_abnormal', '1', 'Dialysis, kidney transplant or creatinine >= 2.26 mg/dL (200 umol/L)'),
      f('liver_abnormal', '1', 'Cirrhosis or chronic liver disease'),
      f('stroke', '1', 'History of stroke'),
      f('bleeding_history', '1', 'Prior major bleeding or predisposition (incl. anaemia)'),
      f('labile_inr', '1', 'Labile INR (TTR < 60%) when on warfarin; 0 when unknown'),
      f('antiplatelet_or_nsaid', '1', 'Antiplatelet or NSAID active'),
      f('alcohol_excess', '1', '>= 8 units alcohol per week (from record; 0 when unknown)')],
  },
  'egfr-trajectory': {
    name: 'egfr-trajectory', version: '1.0.0',
    features: [
      f('egfr_last', 'mL/min/{1.73_m2}', 'Latest eGFR'),
      f('egfr_last_age_days', 'd', 'Days between the latest eGFR and asOf'),
      f('egfr_count', '1', 'Number of eGFR values in the window'),
      f('egfr_min', 'mL/min/{1.73_m2}', 'Minimum eGFR in the window'),
      f('egfr_max', 'mL/min/{1.73_m2}', 'Maximum eGFR in the window'),
      f('egfr_mean', 'mL/min/{1.73_m2}', 'Mean eGFR in the window'),
      f('egfr_slope_per_year', 'mL/min/{1.73_m2}/a', 'Least-squares slope (>= 3 points over >= 90 days)'),
      f('egfr_change_from_baseline_pct', '%', 'Percent change of the latest from the earliest value in the window'),
      f('egfr_from_creatinine', '1', '1 = latest eGFR recomputed from creatinine, 0 = reported eGFR used'),
      f('uacr_last', 'mg/g', 'Latest urine ACR'),
      f('uacr_last_age_days', 'd', 'Days between the latest urine ACR and asOf'),
      f('creatinine_last_mg_dl', 'mg/dL', 'Latest serum creatinine'),
      f('creatinine_last_age_days', 'd', 'Days between the latest creatinine and asOf'),
    ],
  },
  /** Clinical context for rules: conditions and active medication classes as of asOf. */
  'clinical-context': {
    name: 'clinical-context', version: '1.0.0',
    features: [AGE, MALE,
      f('type2_diabetes', '1', 'Type 2 diabetes active'),
      f('hypertension', '1', 'Hypertension active'),
      f('ckd', '1', 'CKD diagnosis active'),
      f('ckd_stage', '1', 'Coded CKD stage 1-5 (3 = 3 unspecified, 3.1 = 3a, 3.2 = 3b), missing when none'),
      f('dialysis_or_transplant', '1', 'ESRD on dialysis or kidney transplant'),
      f('atrial_fibrillation', '1', 'Atrial fibrillation active'),
      f('heart_failure', '1', 'Heart failure active'),
      f('ascvd', '1', 'Clinical ASCVD (MI, CHD/IHD, stroke/TIA, PAD, revascularisation)'),
      f('ldl_mg_dl', 'mg/dL', 'Latest LDL cholesterol'),
      f('hba1c_pct', '%', 'Latest HbA1c (NGSP)'),
      f('potassium_mmol_l', 'mmol/L', 'Latest serum potassium'),
      f('weight_kg', 'kg', 'Latest body weight'),
      f('on_statin', '1', 'Statin active'),
      f('statin_intensity', '1', '0 none, 1 low, 2 moderate, 3 high (ACC/AHA 2018 table)'),
      f('on_sglt2i', '1', 'SGLT2 inhibitor active'),
      f('on_acei', '1', 'ACE inhibitor active'),
      f('on_arb', '1', 'ARB active'),
      f('on_arni', '1', 'ARNI (sacubitril/valsartan) active'),
      f('on_doac', '1', 'DOAC active'),
      f('on_warfarin', '1', 'Warfarin / VKA active'),
      f('on_antiplatelet', '1', 'Any antiplatelet active (incl. aspirin)'),
      f('on_aspirin', '1', 'Aspirin active'),
      f('on_nsaid', '1', 'Non-aspirin NSAID active'),
      f('on_metformin', '1', 'Metformin active'),
      f('on_glp1ra', '1', 'GLP-1 receptor agonist active'),
      f('on_finerenone', '1', 'Finerenone active'),
      f('on_antihypertensive', '1', 'Any antihypertensive class active'),
    ],
  },
  /**
   * Pharmacogenomic results (issue 12): one phenotype code (PGX_PHENOTYPE_CODES, libs/contracts
   * pgx.ts) per gene, CPIC activity scores where CPIC uses one, and the allele counts the IWPC
   * warfarin algorithm and CPIC 2017 warfarin need. Missing = no result on file; a result whose
   * alleles could not be interpreted is present with the code `indeterminate` (0).
   * Provenance carries the gene, the diplotype as reported and the result date (never an id).
   */
  pharmacogenomics: {
    name: 'pharmacogenomics', version: '1.0.0',
    features: [
      f('cyp2c19_phenotype', '1', 'CYP2C19 phenotype code (CPIC 2022 clopidogrel Table 1)'),
      f('cyp2d6_phenotype', '1', 'CYP2D6 phenotype code (CPIC 2021 opioids, activity score)'),
      f('cyp2d6_activity_score', '1', 'CYP2D6 activity score (CPIC/DPWG 2019 consensus; duplications counted)'),
      f('cyp2c9_phenotype', '1', 'CYP2C9 phenotype code (activity score 2 normal, 1-1.5 intermediate, 0-0.5 poor)'),
      f('cyp2c9_activity_score', '1', 'CYP2C9 activity score'),
      f('slco1b1_phenotype', '1', 'SLCO1B1 function code (CPIC 2022 statins)'),
      f('abcg2_phenotype', '1', 'ABCG2 function code (CPIC 2022 statins, rs2231142)'),
      f('tpmt_phenotype', '1', 'TPMT phenotype code (CPIC 2018 thiopurines)'),
      f('nudt15_phenotype', '1', 'NUDT15 phenotype code (CPIC 2018 thiopurines)'),
      f('dpyd_phenotype', '1', 'DPYD phenotype code (CPIC 2017 fluoropyrimidines, activity score)'),
      f('dpyd_activity_score', '1', 'DPYD gene activity score (0-2)'),
      f('hla_b_5701', '1', '1 = HLA-B*57:01 positive, 0 = negative'),
      f('vkorc1_1639_a_count', '1', 'Number of VKORC1 -1639A (rs9923231 T) alleles: 0, 1, 2'),
      f('cyp2c9_star2_count', '1', 'Number of CYP2C9*2 alleles'),
      f('cyp2c9_star3_count', '1', 'Number of CYP2C9*3 alleles'),
      f('cyp2c9_african_alleles_tested', '1', '1 = the CYP2C9 result covers *5, *6, *8 and *11 (CPIC 2017 warfarin, African ancestry)'),
      f('cyp2c9_african_allele_count', '1', 'Number of CYP2C9 *5, *6, *8 or *11 alleles'),
      f('cyp4f2_star3_count', '1', 'Number of CYP4F2*3 (rs2108622 T) alleles'),
      f('acs_or_pci', '1', 'Acute coronary syndrome (MI) or PCI/revascularisation in the record (CPIC 2022 clopidogrel indication)'),
      f('malignancy', '1', 'Malignant condition active (CPIC 2018 thiopurine recommendations differ)'),
    ],
  },
  /**
   * Inputs of the IWPC 2009 pharmacogenetic warfarin dosing algorithm (N Engl J Med 2009;360:753-64,
   * supplementary appendix), one column per term. Genotype indicator columns are all 0 for the
   * reference genotype (VKORC1 G/G, CYP2C9 *1/*1); an "unknown" column is 1 when no result is on file.
   */
  'warfarin-iwpc': {
    name: 'warfarin-iwpc', version: '1.0.0',
    features: [
      AGE,
      f('height_cm', 'cm', 'Latest body height'),
      f('weight_kg', 'kg', 'Latest body weight'),
      f('vkorc1_ag', '1', 'VKORC1 -1639 G/A'),
      f('vkorc1_aa', '1', 'VKORC1 -1639 A/A'),
      f('vkorc1_unknown', '1', 'VKORC1 -1639 genotype unknown'),
      f('cyp2c9_12', '1', 'CYP2C9 *1/*2'),
      f('cyp2c9_13', '1', 'CYP2C9 *1/*3'),
      f('cyp2c9_22', '1', 'CYP2C9 *2/*2'),
      f('cyp2c9_23', '1', 'CYP2C9 *2/*3'),
      f('cyp2c9_33', '1', 'CYP2C9 *3/*3'),
      f('cyp2c9_unknown', '1', 'CYP2C9 genotype unknown (or other than *1, *2, *3)'),
      f('race_asian', '1', 'Asian race (US Core race)'),
      f('race_black', '1', '1 = Black or African American (US Core race)'),
      f('race_missing_or_mixed', '1', 'Race missing or more than one race'),
      f('enzyme_inducer', '1', 'Carbamazepine, phenytoin, rifampin or rifampicin active'),
      f('amiodarone', '1', 'Amiodarone active'),
    ],
  },
  /**
   * What the clinical safety screening stage (services/scorer/src/safety) reads before any drug is
   * offered or signed: pregnancy and lactation, drug allergies, contraindicating conditions, recent
   * potassium and the active ingredients (for interactions). Flags are missing (not 0) when the record
   * cannot tell; coded facts are listed in provenance (concept `allergy:...` / `ingredient:...`).
   */
  'safety-context': {
    name: 'safety-context', version: '1.0.0',
    features: [AGE, f('sex_female', '1', '1 = female'),
      f('pregnant', '1', '1 = pregnant, 0 = not pregnant (latest status within 42 weeks); missing = unknown'),
      f('lactating', '1', '1 = breastfeeding, 0 = not; missing = unknown'),
      f('drug_allergy_count', '1', 'Active drug allergies/intolerances to ingredients or classes Prognos screens (items: allergy:<class>:<ingredient|*>[:angioedema][:unconfirmed])'),
      f('angioedema_history', '1', 'Angioedema ever recorded (any cause)'),
      f('type1_diabetes', '1', 'Type 1 diabetes active'),
      f('ketoacidosis_history', '1', 'Diabetic ketoacidosis ever recorded'),
      f('prosthetic_valve', '1', 'Mechanical or unspecified prosthetic heart valve'),
      f('mitral_stenosis', '1', 'Rheumatic or moderate-severe mitral stenosis active'),
      f('dialysis', '1', 'On dialysis (coded, or a dialysis procedure within 90 days)'),
      f('kidney_transplant', '1', 'Kidney transplant recipient'),
      f('active_bleeding', '1', 'Bleeding condition active at asOf'),
      f('potassium_last', 'mmol/L', 'Latest serum potassium (any age; see potassium_last_age_days)'),
      f('potassium_last_age_days', 'd', 'Days between the latest potassium and asOf'),
      f('active_ingredient_count', '1', 'Active medication ingredients Prognos recognises (items: ingredient:<name>)'),
    ],
  },
} as const satisfies Record<string, FeatureSetDefinition>;

export type FeatureSetName = keyof typeof FEATURE_SETS;
export const FEATURE_SET_NAMES = Object.keys(FEATURE_SETS) as FeatureSetName[];

/** One piece of evidence behind a feature: never a resource id, name or identifier. */
export interface ProvenanceItem {
  /** Concept, e.g. 'creatinine', 'egfr', 'condition:atrial_fibrillation', 'medication:sglt2i'. */
  concept: string;
  /** Value in the canonical unit; absent for coded facts (conditions, medications). */
  value?: number;
  unit?: string;
  /** Value and unit as recorded, when a conversion was applied. */
  originalValue?: number;
  originalUnit?: string;
  /** ISO date(-time) the fact is effective (observation time, onset, authoredOn). Never crosses to a scorer (see daysBefore). */
  date?: string;
  /**
   * Whole calendar days from the fact's date to the hook time (0 = the hook's day). What the HTTP
   * side sends to a scorer instead of `date` (scoring-payload minimisation); card text names the day
   * with {@link daysBeforeToken} and the HTTP side restores the calendar date from its own record.
   */
  daysBefore?: number;
  resourceType: string;
  /** Human-readable code display (e.g. 'Creatinine [Mass/volume] in Serum or Plasma'). */
  display?: string;
  /** 'measured', 'computed' (e.g. eGFR from creatinine), 'reported' (eGFR as sent), 'coded'. */
  derivation?: 'measured' | 'computed' | 'reported' | 'coded';
}

export interface FeatureProvenance {
  feature: string;
  items: ProvenanceItem[];
  /** Why the feature is missing or how it was derived, for card detail. */
  note?: string;
}

/** A feature vector as it crosses process boundaries (JSON-safe). */
export interface FeatureVectorPayload {
  set: FeatureSetName | string;
  version: string;
  names: string[];
  /** Values in definition order; missing values are 0 here and flagged in `present`. */
  values: number[];
  /** 1 = present, 0 = missing, per feature. */
  present: number[];
  provenance: FeatureProvenance[];
}

/** A draft order from context.draftOrders, reduced to what rules need (no ids, no patient data). */
export interface DraftOrderSummary {
  /** Index of the entry in context.draftOrders.entry; the HTTP side maps it back to the resource. */
  index: number;
  resourceType: string;
  /** RxNorm code as ordered (product or ingredient), when a medication. */
  rxcui?: string;
  display?: string;
  /** Ingredient names (lower-case) resolved from the static RxNorm table. */
  ingredients: string[];
  /** Medication classes (e.g. 'metformin', 'sglt2i', 'doac', 'nsaid', 'statin'). */
  classes: string[];
  /** Strength per unit dose in mg, when known from the product table. */
  strengthMg?: number;
  /** Dose per administration in mg when derivable from dosageInstruction. */
  doseMg?: number;
  /** Administrations per day when derivable. */
  frequencyPerDay?: number;
}

/** Counts from data-quality checks, exposed as metrics (labels are reasons, never patient data). */
export interface DataQualityReport {
  resourcesSeen: number;
  resourcesUsed: number;
  /** reason -> count, e.g. 'unknown_unit', 'implausible_value', 'duplicate', 'malformed_resource'. */
  excluded: Record<string, number>;
  /**
   * reason -> count of values kept after correcting a known defect (e.g. 'egfr_unit_label_ml_min':
   * eGFR labelled 'mL/min' read as mL/min/{1.73_m2}). Absent when nothing was corrected.
   */
  corrected?: Record<string, number>;
  /**
   * Value-level exclusions by `reason|concept|unit` (e.g. 'implausible_value|hba1c|%'): the
   * operators' drill-down. Units are bounded labels, never free text. Stays on the HTTP side: it is
   * not part of the scoring input.
   */
  excludedByConcept?: Record<string, number>;
}
