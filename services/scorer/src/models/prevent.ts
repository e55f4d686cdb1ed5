/**
 * AHA PREVENT base 10-year equations (Khan SS et al. Development and validation of the American
 * Heart Association's PREVENT equations. Circulation 2024;149(6):430-449, doi:10.1161/CIRCULATIONAHA.123.067626):
 * total CVD, ASCVD and heart failure, female and male, in one graph selected by sex_male.
 *
 *   risk = 1 / (1 + exp(−LP)),   LP = intercept + Σ coef·term
 *
 * Terms as in preventr (martingmayer/preventr R/prevent_equations.R); coefficients from the article
 * supplement Table S12A (base model), reproduced in shared/docs/clinical-reference.md §1.4.
 * Cholesterol enters in mmol/L: mg/dL × 0.02586.
 */
import { FEATURE_SETS } from '@prognos/contracts';
import type { ManifestInput, ModelManifest } from '../bundles/model-manifest';
import { COMPILER_VERSION, FLAG_RANGE, type ModelDefinition } from './model-definition';
import { OnnxGraphBuilder } from './onnx-graph-builder';

/** mg/dL → mmol/L for cholesterol (PREVENT / preventr). */
export const CHOL_MG_DL_TO_MMOL_L = 0.02586;

export type PreventTerm =
  | 'intercept' | 'age' | 'nonhdl' | 'hdl' | 'sbp_lt' | 'sbp_ge' | 'dm' | 'smoking' | 'bmi_lt' | 'bmi_ge'
  | 'egfr_lt' | 'egfr_ge' | 'bp_tx' | 'statin' | 'bp_tx_x_sbp_ge' | 'statin_x_nonhdl' | 'age_x_nonhdl'
  | 'age_x_hdl' | 'age_x_sbp_ge' | 'age_x_dm' | 'age_x_smoking' | 'age_x_bmi_ge' | 'age_x_egfr_lt';

export const PREVENT_TERMS: readonly PreventTerm[] = [
  'age', 'nonhdl', 'hdl', 'sbp_lt', 'sbp_ge', 'dm', 'smoking', 'bmi_lt', 'bmi_ge', 'egfr_lt', 'egfr_ge',
  'bp_tx', 'statin', 'bp_tx_x_sbp_ge', 'statin_x_nonhdl', 'age_x_nonhdl', 'age_x_hdl', 'age_x_sbp_ge',
  'age_x_dm', 'age_x_smoking', 'age_x_bmi_ge', 'age_x_egfr_lt',
];

export type PreventEquation = 'female_cvd' | 'female_ascvd' | 'female_hf' | 'male_cvd' | 'male_ascvd' | 'male_hf';
export const PREVENT_EQUATIONS: readonly PreventEquation[] = ['female_cvd', 'female_ascvd', 'female_hf', 'male_cvd', 'male_ascvd', 'male_hf'];

/** Table S12A (base 10-year). Terms absent from an equation are 0 (HF has no cholesterol or statin terms; only HF has BMI). */
export const PREVENT_COEFFICIENTS: Record<PreventEquation, Record<PreventTerm, number>> = {
  female_cvd: {
    intercept: -3.307728, age: 0.7939329, nonhdl: 0.0305239, hdl: -0.1606857, sbp_lt: -0.2394003, sbp_ge: 0.3600781,
    dm: 0.8667604, smoking: 0.5360739, bmi_lt: 0, bmi_ge: 0, egfr_lt: 0.6045917, egfr_ge: 0.0433769, bp_tx: 0.3151672,
    statin: -0.1477655, bp_tx_x_sbp_ge: -0.0663612, statin_x_nonhdl: 0.1197879, age_x_nonhdl: -0.0819715,
    age_x_hdl: 0.0306769, age_x_sbp_ge: -0.0946348, age_x_dm: -0.27057, age_x_smoking: -0.078715, age_x_bmi_ge: 0,
    age_x_egfr_lt: -0.1637806,
  },
  female_ascvd: {
    intercept: -3.819975, age: 0.719883, nonhdl: 0.1176967, hdl: -0.151185, sbp_lt: -0.0835358, sbp_ge: 0.3592852,
    dm: 0.8348585, smoking: 0.4831078, bmi_lt: 0, bmi_ge: 0, egfr_lt: 0.4864619, egfr_ge: 0.0397779, bp_tx: 0.2265309,
    statin: -0.0592374, bp_tx_x_sbp_ge: -0.0395762, statin_x_nonhdl: 0.0844423, age_x_nonhdl: -0.0567839,
    age_x_hdl: 0.0325692, age_x_sbp_ge: -0.1035985, age_x_dm: -0.2417542, age_x_smoking: -0.0791142, age_x_bmi_ge: 0,
    age_x_egfr_lt: -0.1671492,
  },
  female_hf: {
    intercept: -4.310409, age: 0.8998235, nonhdl: 0, hdl: 0, sbp_lt: -0.4559771, sbp_ge: 0.3576505,
    dm: 1.038346, smoking: 0.583916, bmi_lt: -0.0072294, bmi_ge: 0.2997706, egfr_lt: 0.7451638, egfr_ge: 0.0557087,
    bp_tx: 0.3534442, statin: 0, bp_tx_x_sbp_ge: -0.0981511, statin_x_nonhdl: 0, age_x_nonhdl: 0, age_x_hdl: 0,
    age_x_sbp_ge: -0.0946663, age_x_dm: -0.3581041, age_x_smoking: -0.1159453, age_x_bmi_ge: -0.003878,
    age_x_egfr_lt: -0.1884289,
  },
  male_cvd: {
    intercept: -3.031168, age: 0.7688528, nonhdl: 0.0736174, hdl: -0.0954431, sbp_lt: -0.4347345, sbp_ge: 0.3362658,
    dm: 0.7692857, smoking: 0.4386871, bmi_lt: 0, bmi_ge: 0, egfr_lt: 0.5378979, egfr_ge: 0.0164827, bp_tx: 0.288879,
    statin: -0.1337349, bp_tx_x_sbp_ge: -0.0475924, statin_x_nonhdl: 0.150273, age_x_nonhdl: -0.0517874,
    age_x_hdl: 0.0191169, age_x_sbp_ge: -0.1049477, age_x_dm: -0.2251948, age_x_smoking: -0.0895067, age_x_bmi_ge: 0,
    age_x_egfr_lt: -0.1543702,
  },
  male_ascvd: {
    intercept: -3.500655, age: 0.7099847, nonhdl: 0.1658663, hdl: -0.1144285, sbp_lt: -0.2837212, sbp_ge: 0.3239977,
    dm: 0.7189597, smoking: 0.3956973, bmi_lt: 0, bmi_ge: 0, egfr_lt: 0.3690075, egfr_ge: 0.0203619, bp_tx: 0.2036522,
    statin: -0.0865581, bp_tx_x_sbp_ge: -0.0322916, statin_x_nonhdl: 0.114563, age_x_nonhdl: -0.0300005,
    age_x_hdl: 0.0232747, age_x_sbp_ge: -0.0927024, age_x_dm: -0.2018525, age_x_smoking: -0.0970527, age_x_bmi_ge: 0,
    age_x_egfr_lt: -0.1217081,
  },
  male_hf: {
    intercept: -3.946391, age: 0.8972642, nonhdl: 0, hdl: 0, sbp_lt: -0.6811466, sbp_ge: 0.3634461,
    dm: 0.923776, smoking: 0.5023736, bmi_lt: -0.0485841, bmi_ge: 0.3726929, egfr_lt: 0.6926917, egfr_ge: 0.0251827,
    bp_tx: 0.2980922, statin: 0, bp_tx_x_sbp_ge: -0.0497731, statin_x_nonhdl: 0, age_x_nonhdl: 0, age_x_hdl: 0,
    age_x_sbp_ge: -0.1289201, age_x_dm: -0.3040924, age_x_smoking: -0.1401688, age_x_bmi_ge: 0.0068126,
    age_x_egfr_lt: -0.1797778,
  },
};

/** preventr's accepted ranges. */
const RANGES: Record<string, Pick<ManifestInput, 'min' | 'max'>> = {
  age_years: { min: 30, max: 79 },
  sex_male: FLAG_RANGE,
  total_chol_mg_dl: { min: 130, max: 320 },
  hdl_mg_dl: { min: 20, max: 100 },
  sbp_mmhg: { min: 90, max: 180 },
  bp_treated: FLAG_RANGE,
  statin: FLAG_RANGE,
  diabetes: FLAG_RANGE,
  smoker: FLAG_RANGE,
  egfr: { min: 15, max: 140 },
  bmi_kg_m2: { min: 18.5, max: 39.9 },
};

export function preventManifest(): ModelManifest {
  const set = FEATURE_SETS.prevent;
  return {
    id: 'prevent-base-10y',
    version: '1.0.0',
    title: 'AHA PREVENT base 10-year',
    description: 'PREVENT base model: 10-year risk of total CVD, ASCVD and heart failure, sex-specific, race-free.',
    featureSet: set.name,
    featureSetVersion: set.version,
    inputTensor: 'features',
    inputs: set.features.map((f) => ({ name: f.name, unit: f.unit, ...RANGES[f.name] })),
    outputs: [
      { name: 'cvd_10y', description: '10-year probability of total cardiovascular disease (ASCVD or heart failure)', horizonYears: 10 },
      { name: 'ascvd_10y', description: '10-year probability of ASCVD (MI, stroke, CHD death)', horizonYears: 10 },
      { name: 'hf_10y', description: '10-year probability of heart failure', horizonYears: 10 },
    ],
    horizonYears: 10,
    citation: 'Khan SS, et al. Development and Validation of the American Heart Association\'s PREVENT Equations. ' +
      'Circulation. 2024;149(6):430-449.',
    doi: '10.1161/CIRCULATIONAHA.123.067626',
    url: 'https://doi.org/10.1161/CIRCULATIONAHA.123.067626',
    intendedUse: 'Adults aged 30-79 without known cardiovascular disease: 10-year CVD, ASCVD and heart-failure ' +
      'risk for primary-prevention discussions.',
    notes: [
      'Coefficients from the article supplement Table S12A; all six equations agree term by term with an independent ' +
        'implementation (Stata SSC module prevent10i, Linden 2024).',
      'Female worked example reproduces the supplement Table S25 value (10-year total CVD 0.147) as quoted by preventr; ' +
        'no published male oracle found, male equations checked by hand calculation and against that implementation.',
    ],
  };
}

export function buildPreventGraph(): Uint8Array {
  const manifest = preventManifest();
  const names = manifest.inputs.map((i) => i.name);
  const g = new OnnxGraphBuilder(manifest.id, 'double');
  const x = g.castToCompute(g.input('features', names.length));
  const col = (name: string) => g.column(x, names.indexOf(name));
  const c = (v: number) => g.constant([v]);
  const tc = g.scale(col('total_chol_mg_dl'), CHOL_MG_DL_TO_MMOL_L);
  const hdlMmol = g.scale(col('hdl_mg_dl'), CHOL_MG_DL_TO_MMOL_L);
  const sbp = col('sbp_mmhg');
  const egfr = col('egfr');
  const bmi = col('bmi_kg_m2');
  const age = g.scale(g.shift(col('age_years'), -55), 1 / 10);
  const nonhdl = g.shift(g.sub(tc, hdlMmol), -3.5);
  const hdl = g.scale(g.shift(hdlMmol, -1.3), 1 / 0.3);
  const sbpLt = g.scale(g.shift(g.min(sbp, c(110)), -110), 1 / 20);
  const sbpGe = g.scale(g.shift(g.max(sbp, c(110)), -130), 1 / 20);
  const bmiLt = g.scale(g.shift(g.min(bmi, c(30)), -25), 1 / 5);
  const bmiGe = g.scale(g.shift(g.max(bmi, c(30)), -30), 1 / 5);
  const egfrLt = g.scale(g.shift(g.min(egfr, c(60)), -60), -1 / 15);
  const egfrGe = g.scale(g.shift(g.max(egfr, c(60)), -90), -1 / 15);
  const dm = col('diabetes');
  const smoking = col('smoker');
  const bpTx = col('bp_treated');
  const statin = col('statin');
  const term: Record<Exclude<PreventTerm, 'intercept'>, string> = {
    age, nonhdl, hdl, sbp_lt: sbpLt, sbp_ge: sbpGe, dm, smoking, bmi_lt: bmiLt, bmi_ge: bmiGe,
    egfr_lt: egfrLt, egfr_ge: egfrGe, bp_tx: bpTx, statin,
    bp_tx_x_sbp_ge: g.mul(bpTx, sbpGe), statin_x_nonhdl: g.mul(statin, nonhdl),
    age_x_nonhdl: g.mul(age, nonhdl), age_x_hdl: g.mul(age, hdl), age_x_sbp_ge: g.mul(age, sbpGe),
    age_x_dm: g.mul(age, dm), age_x_smoking: g.mul(age, smoking), age_x_bmi_ge: g.mul(age, bmiGe),
    age_x_egfr_lt: g.mul(age, egfrLt),
  };
  const t = g.concatColumns(PREVENT_TERMS.map((k) => term[k as Exclude<PreventTerm, 'intercept'>])); // [N, 22]
  const w = g.constant(PREVENT_TERMS.flatMap((k) => PREVENT_EQUATIONS.map((e) => PREVENT_COEFFICIENTS[e][k])),
    [PREVENT_TERMS.length, PREVENT_EQUATIONS.length]);
  const intercepts = g.constant(PREVENT_EQUATIONS.map((e) => PREVENT_COEFFICIENTS[e].intercept), [PREVENT_EQUATIONS.length]);
  const risks = g.op('Sigmoid', [g.add(g.op('MatMul', [t, w]), intercepts)]); // [N, 6]
  const male = g.flag(col('sex_male'));
  const pick = (outcome: 'cvd' | 'ascvd' | 'hf') => g.where(male,
    g.column(risks, PREVENT_EQUATIONS.indexOf(`male_${outcome}`)),
    g.column(risks, PREVENT_EQUATIONS.indexOf(`female_${outcome}`)));
  g.output('cvd_10y', pick('cvd'));
  g.output('ascvd_10y', pick('ascvd'));
  g.output('hf_10y', pick('hf'));
  return g.toBytes({
    docString: `${manifest.title}. ${manifest.citation}`,
    producerVersion: COMPILER_VERSION,
    metadata: { model_id: manifest.id, model_version: manifest.version, feature_set: manifest.featureSet },
  });
}

export const PREVENT_MODELS: ModelDefinition[] = [{ manifest: preventManifest(), build: buildPreventGraph }];
