/**
 * IWPC pharmacogenetic warfarin dosing algorithm: International Warfarin Pharmacogenetics
 * Consortium. Estimation of the warfarin dose with clinical and pharmacogenetic data. N Engl J Med
 * 2009;360:753-764, doi:10.1056/NEJMoa0809329, supplementary appendix (pharmacogenetic algorithm):
 *
 *   sqrt(weekly dose, mg) = 5.6044 − 0.2614·age in decades + 0.0087·height cm + 0.0128·weight kg
 *     − 0.8677·VKORC1 A/G − 1.6974·VKORC1 A/A − 0.4854·VKORC1 unknown
 *     − 0.5211·CYP2C9 *1/*2 − 0.9357·*1/*3 − 1.0616·*2/*2 − 1.9206·*2/*3 − 2.3312·*3/*3 − 0.2188·CYP2C9 unknown
 *     − 0.1092·Asian − 0.2760·Black or African American − 0.1032·missing or mixed race
 *     + 1.1816·enzyme inducer (carbamazepine, phenytoin, rifampin/rifampicin) − 0.5503·amiodarone
 *   weekly dose = (sqrt)^2
 *
 * "Age in decades" is the IWPC age category: 1 for 10-19 years, 2 for 20-29, ... (floor(age / 10)),
 * as the IWPC data set recorded age. The reference groups are VKORC1 G/G, CYP2C9 *1/*1, White race.
 * One graph, input the `warfarin-iwpc` feature set; outputs the weekly and daily dose in mg.
 */
import { FEATURE_SETS } from '@prognos/contracts';
import type { ManifestInput, ModelManifest } from '../bundles/model-manifest';
import { COMPILER_VERSION, FLAG_RANGE, type ModelDefinition } from './model-definition';
import { OnnxGraphBuilder } from './onnx-graph-builder';

export const IWPC_INTERCEPT = 5.6044;

/** Coefficient per feature of the warfarin-iwpc set; age_years enters as floor(age / 10). */
export const IWPC_COEFFICIENTS: Readonly<Record<string, number>> = {
  age_years: -0.2614,
  height_cm: 0.0087,
  weight_kg: 0.0128,
  vkorc1_ag: -0.8677,
  vkorc1_aa: -1.6974,
  vkorc1_unknown: -0.4854,
  cyp2c9_12: -0.5211,
  cyp2c9_13: -0.9357,
  cyp2c9_22: -1.0616,
  cyp2c9_23: -1.9206,
  cyp2c9_33: -2.3312,
  cyp2c9_unknown: -0.2188,
  race_asian: -0.1092,
  race_black: -0.2760,
  race_missing_or_mixed: -0.1032,
  enzyme_inducer: 1.1816,
  amiodarone: -0.5503,
};

/**
 * Input ranges: the adult population the IWPC derived the algorithm in (age 18+; height and weight
 * bounds are plausibility limits, not published validation limits: see notes).
 */
const RANGES: Record<string, Pick<ManifestInput, 'min' | 'max' | 'description'>> = {
  age_years: { min: 18, max: 100, description: 'enters as the IWPC age category floor(age / 10)' },
  height_cm: { min: 120, max: 220 },
  weight_kg: { min: 30, max: 250 },
};

export function iwpcManifest(): ModelManifest {
  const set = FEATURE_SETS['warfarin-iwpc'];
  return {
    id: 'iwpc-warfarin',
    version: '1.0.0',
    title: 'IWPC pharmacogenetic warfarin dosing algorithm (2009)',
    description: 'Expected stable weekly warfarin dose (target INR 2-3) from age, height, weight, VKORC1 -1639G>A and CYP2C9 genotype, race, enzyme inducers and amiodarone.',
    featureSet: set.name,
    featureSetVersion: set.version,
    inputTensor: 'features',
    inputs: set.features.map((f) => ({ name: f.name, unit: f.unit, ...(RANGES[f.name] ?? FLAG_RANGE) })),
    outputs: [
      { name: 'weekly_dose_mg', description: 'Expected stable maintenance dose, mg per week' },
      { name: 'daily_dose_mg', description: 'Expected stable maintenance dose, mg per day (weekly / 7)' },
    ],
    citation: 'International Warfarin Pharmacogenetics Consortium. Estimation of the warfarin dose with clinical and pharmacogenetic data. N Engl J Med 2009;360:753-764.',
    doi: '10.1056/NEJMoa0809329',
    url: 'https://doi.org/10.1056/NEJMoa0809329',
    intendedUse: 'Adults starting warfarin with a target INR of 2-3, with VKORC1 and CYP2C9 results: the expected maintenance dose to start from (CPIC 2017). Not for patients of African ancestry unless CYP2C9 *5, *6, *8 and *11 were tested (CPIC 2017).',
    notes: [
      'Height and weight bounds are plausibility limits; the IWPC did not publish validated ranges.',
      'CPIC 2017 adjustments (CYP4F2*3 +5-10 %, CYP2C9 *5/*6/*8/*11 -15-30 %) are applied by the pharmacogenomics service, not in this graph.',
    ],
  };
}

export function buildIwpcGraph(): Uint8Array {
  const manifest = iwpcManifest();
  const names = manifest.inputs.map((i) => i.name);
  const g = new OnnxGraphBuilder(manifest.id, 'double');
  const x = g.castToCompute(g.input('features', names.length));
  // Age category: floor(age / 10) replaces column 0; the other columns enter as they are.
  const ageDecades = g.op('Floor', [g.scale(g.column(x, names.indexOf('age_years')), 0.1)]);
  const terms = g.concatColumns(names.map((n) => (n === 'age_years' ? ageDecades : g.column(x, names.indexOf(n)))));
  const w = g.constant(names.map((n) => IWPC_COEFFICIENTS[n]!), [names.length, 1]);
  const sqrtDose = g.shift(g.op('MatMul', [terms, w]), IWPC_INTERCEPT);
  // A negative square root would be outside the model (extreme inputs); clamp at 0 before squaring.
  const root = g.max(sqrtDose, g.constant([0]));
  const weekly = g.mul(root, root);
  g.output('weekly_dose_mg', weekly);
  g.output('daily_dose_mg', g.scale(weekly, 1 / 7));
  return g.toBytes({
    docString: `${manifest.title}. ${manifest.citation}`,
    producerVersion: COMPILER_VERSION,
    metadata: { model_id: manifest.id, model_version: manifest.version, feature_set: manifest.featureSet },
  });
}

export const IWPC_MODELS: ModelDefinition[] = [{ manifest: iwpcManifest(), build: buildIwpcGraph }];
