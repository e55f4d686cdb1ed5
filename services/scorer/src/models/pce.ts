/**
 * ACC/AHA Pooled Cohort Equations (Goff DC Jr et al. 2013 ACC/AHA guideline on the assessment of
 * cardiovascular risk. Circulation 2014;129(25 Suppl 2):S49-S73, doi:10.1161/01.cir.0000437741.48606.98),
 * 10-year risk of a first hard ASCVD event. All four equations (White/African-American × female/
 * male) in one graph, selected by sex_male and race_black; other races use the White equations
 * (2013 guideline convention).
 *
 *   sum = Σ coef·term;  risk = 1 − S0 ^ exp(sum − mean)
 *
 * Coefficients, means and S0: Goff 2013 Table A (via vcastro/CVrisk data-raw/score_coef.R),
 * shared/docs/clinical-reference.md §1.3. Note the two misprints seen in public copies: the AA-female
 * mean is 86.61 (not 86.16) and the White-female ln untreated SBP coefficient is 1.957 (not 1.857).
 */
import { FEATURE_SETS } from '@prognos/contracts';
import type { ManifestInput, ModelManifest } from '../bundles/model-manifest';
import { COMPILER_VERSION, FLAG_RANGE, type ModelDefinition } from './model-definition';
import { OnnxGraphBuilder } from './onnx-graph-builder';

export type PceGroup = 'white_female' | 'aa_female' | 'white_male' | 'aa_male';
export const PCE_GROUPS: readonly PceGroup[] = ['white_female', 'aa_female', 'white_male', 'aa_male'];

export type PceTerm =
  | 'ln_age' | 'ln_age_sq' | 'ln_tc' | 'ln_age_x_ln_tc' | 'ln_hdl' | 'ln_age_x_ln_hdl'
  | 'ln_treated_sbp' | 'ln_age_x_ln_treated_sbp' | 'ln_untreated_sbp' | 'ln_age_x_ln_untreated_sbp'
  | 'smoker' | 'ln_age_x_smoker' | 'diabetes';

export const PCE_TERMS: readonly PceTerm[] = [
  'ln_age', 'ln_age_sq', 'ln_tc', 'ln_age_x_ln_tc', 'ln_hdl', 'ln_age_x_ln_hdl',
  'ln_treated_sbp', 'ln_age_x_ln_treated_sbp', 'ln_untreated_sbp', 'ln_age_x_ln_untreated_sbp',
  'smoker', 'ln_age_x_smoker', 'diabetes',
];

export interface PceEquation { coef: Record<PceTerm, number>; mean: number; s0: number }

export const PCE_EQUATIONS: Record<PceGroup, PceEquation> = {
  white_female: {
    coef: {
      ln_age: -29.799, ln_age_sq: 4.884, ln_tc: 13.540, ln_age_x_ln_tc: -3.114, ln_hdl: -13.578, ln_age_x_ln_hdl: 3.149,
      ln_treated_sbp: 2.019, ln_age_x_ln_treated_sbp: 0, ln_untreated_sbp: 1.957, ln_age_x_ln_untreated_sbp: 0,
      smoker: 7.574, ln_age_x_smoker: -1.665, diabetes: 0.661,
    },
    mean: -29.18, s0: 0.9665,
  },
  aa_female: {
    coef: {
      ln_age: 17.114, ln_age_sq: 0, ln_tc: 0.940, ln_age_x_ln_tc: 0, ln_hdl: -18.920, ln_age_x_ln_hdl: 4.475,
      ln_treated_sbp: 29.291, ln_age_x_ln_treated_sbp: -6.432, ln_untreated_sbp: 27.820, ln_age_x_ln_untreated_sbp: -6.087,
      smoker: 0.691, ln_age_x_smoker: 0, diabetes: 0.874,
    },
    mean: 86.61, s0: 0.9533,
  },
  white_male: {
    coef: {
      ln_age: 12.344, ln_age_sq: 0, ln_tc: 11.853, ln_age_x_ln_tc: -2.664, ln_hdl: -7.990, ln_age_x_ln_hdl: 1.769,
      ln_treated_sbp: 1.797, ln_age_x_ln_treated_sbp: 0, ln_untreated_sbp: 1.764, ln_age_x_ln_untreated_sbp: 0,
      smoker: 7.837, ln_age_x_smoker: -1.795, diabetes: 0.658,
    },
    mean: 61.18, s0: 0.9144,
  },
  aa_male: {
    coef: {
      ln_age: 2.469, ln_age_sq: 0, ln_tc: 0.302, ln_age_x_ln_tc: 0, ln_hdl: -0.307, ln_age_x_ln_hdl: 0,
      ln_treated_sbp: 1.916, ln_age_x_ln_treated_sbp: 0, ln_untreated_sbp: 1.809, ln_age_x_ln_untreated_sbp: 0,
      smoker: 0.549, ln_age_x_smoker: 0, diabetes: 0.645,
    },
    mean: 19.54, s0: 0.8954,
  },
};

/** Validity: Goff 2013 (age 40-79) and the ranges of the ACC/AHA ASCVD Risk Estimator. */
const RANGES: Record<string, Pick<ManifestInput, 'min' | 'max' | 'description'>> = {
  age_years: { min: 40, max: 79 },
  sex_male: FLAG_RANGE,
  race_black: { ...FLAG_RANGE, description: 'selects the African-American equations; other races use the White equations' },
  total_chol_mg_dl: { min: 130, max: 320 },
  hdl_mg_dl: { min: 20, max: 100 },
  sbp_mmhg: { min: 90, max: 200 },
  bp_treated: FLAG_RANGE,
  smoker: FLAG_RANGE,
  diabetes: FLAG_RANGE,
};

export function pceManifest(): ModelManifest {
  const set = FEATURE_SETS.pce;
  return {
    id: 'pce',
    version: '1.0.0',
    title: 'Pooled Cohort Equations (ACC/AHA 2013)',
    description: '10-year risk of a first hard ASCVD event (non-fatal MI, CHD death, fatal or non-fatal stroke); ' +
      'sex- and race-specific equations (White equations for races other than Black).',
    featureSet: set.name,
    featureSetVersion: set.version,
    inputTensor: 'features',
    inputs: set.features.map((f) => ({ name: f.name, unit: f.unit, ...RANGES[f.name] })),
    outputs: [{ name: 'ascvd_10y', description: '10-year probability of a first hard ASCVD event', horizonYears: 10 }],
    horizonYears: 10,
    citation: 'Goff DC Jr, et al. 2013 ACC/AHA Guideline on the Assessment of Cardiovascular Risk. ' +
      'Circulation. 2014;129(25 Suppl 2):S49-S73.',
    doi: '10.1161/01.cir.0000437741.48606.98',
    url: 'https://doi.org/10.1161/01.cir.0000437741.48606.98',
    intendedUse: 'Adults aged 40-79 without clinical ASCVD and with LDL-C < 190 mg/dL: primary-prevention ' +
      'statin decisions (ACC/AHA 2018/2019). Not for patients with ASCVD.',
  };
}

/** Computes the 13 PCE terms for every row, then the four equations with one MatMul, then selects. */
export function buildPceGraph(): Uint8Array {
  const manifest = pceManifest();
  const names = manifest.inputs.map((i) => i.name);
  const g = new OnnxGraphBuilder(manifest.id, 'double');
  const x = g.castToCompute(g.input('features', names.length));
  const col = (name: string) => g.column(x, names.indexOf(name));
  const lnAge = g.log(col('age_years'));
  const lnTc = g.log(col('total_chol_mg_dl'));
  const lnHdl = g.log(col('hdl_mg_dl'));
  const lnSbp = g.log(col('sbp_mmhg'));
  const treated = col('bp_treated');
  const untreated = g.sub(g.constant([1]), treated);
  const smoker = col('smoker');
  const lnTreated = g.mul(lnSbp, treated);
  const lnUntreated = g.mul(lnSbp, untreated);
  const term: Record<PceTerm, string> = {
    ln_age: lnAge,
    ln_age_sq: g.mul(lnAge, lnAge),
    ln_tc: lnTc,
    ln_age_x_ln_tc: g.mul(lnAge, lnTc),
    ln_hdl: lnHdl,
    ln_age_x_ln_hdl: g.mul(lnAge, lnHdl),
    ln_treated_sbp: lnTreated,
    ln_age_x_ln_treated_sbp: g.mul(lnAge, lnTreated),
    ln_untreated_sbp: lnUntreated,
    ln_age_x_ln_untreated_sbp: g.mul(lnAge, lnUntreated),
    smoker,
    ln_age_x_smoker: g.mul(lnAge, smoker),
    diabetes: col('diabetes'),
  };
  const t = g.concatColumns(PCE_TERMS.map((k) => term[k])); // [N, 13]
  // W [13, 4]: row-major, one column per group.
  const w = g.constant(PCE_TERMS.flatMap((k) => PCE_GROUPS.map((grp) => PCE_EQUATIONS[grp].coef[k])), [PCE_TERMS.length, PCE_GROUPS.length]);
  const sums = g.op('MatMul', [t, w]); // [N, 4]
  const centred = g.sub(sums, g.constant(PCE_GROUPS.map((grp) => PCE_EQUATIONS[grp].mean), [PCE_GROUPS.length]));
  const lnS0 = g.constant(PCE_GROUPS.map((grp) => Math.log(PCE_EQUATIONS[grp].s0)), [PCE_GROUPS.length]);
  const risks = g.sub(g.constant([1]), g.exp(g.mul(g.exp(centred), lnS0))); // [N, 4]
  const groupRisk = (grp: PceGroup) => g.column(risks, PCE_GROUPS.indexOf(grp));
  const male = g.flag(col('sex_male'));
  const black = g.flag(col('race_black'));
  const female = g.where(black, groupRisk('aa_female'), groupRisk('white_female'));
  const maleRisk = g.where(black, groupRisk('aa_male'), groupRisk('white_male'));
  g.output('ascvd_10y', g.where(male, maleRisk, female));
  return g.toBytes({
    docString: `${manifest.title}. ${manifest.citation}`,
    producerVersion: COMPILER_VERSION,
    metadata: { model_id: manifest.id, model_version: manifest.version, feature_set: manifest.featureSet },
  });
}

export const PCE_MODELS: ModelDefinition[] = [{ manifest: pceManifest(), build: buildPceGraph }];
