/**
 * Kidney Failure Risk Equation (KFRE), 4- and 8-variable, 2- and 5-year, North American and
 * non-North-American baseline survival.
 *
 * Sources: Tangri N et al. JAMA 2011;305(15):1553-1559 (doi:10.1001/jama.2011.451), multinational
 * recalibration Tangri N et al. JAMA 2016;315(2):164-174 (doi:10.1001/jama.2015.18202).
 * Coefficients and S0 as in the CRAN package kfre (lshpaner/kfre_r R/risk.R), reproduced in
 * shared/docs/clinical-reference.md §1.1.
 *
 *   risk_t = 1 − S0(t) ^ exp(LP)
 *   LP(4) = −0.2201·(age/10 − 7.036) + 0.2467·(male − 0.5642) − 0.5567·(eGFR/5 − 7.222) + 0.4510·(ln ACR − 5.137)
 *   LP(8) = same four terms with −0.1992 / 0.1602 / −0.4919 / 0.3364, plus
 *           −0.3441·(alb − 3.997) + 0.2604·(phos − 3.916) − 0.07354·(bicarb − 25.57) − 0.2228·(Ca − 9.355)
 */
import { FEATURE_SETS } from '@prognos/contracts';
import type { ManifestInput, ModelManifest } from '../bundles/model-manifest';
import { COMPILER_VERSION, FLAG_RANGE, type ModelDefinition } from './model-definition';
import { OnnxGraphBuilder } from './onnx-graph-builder';

export type KfreVariant = '4var' | '8var';
export type KfreRegion = 'na' | 'other';

/** One centred linear term: coef · (scale · x − centre), with x = ln(ACR) for the ACR term. */
export interface KfreTerm { feature: string; coef: number; scale: number; centre: number; log?: boolean }

export const KFRE_TERMS: Record<KfreVariant, readonly KfreTerm[]> = {
  '4var': [
    { feature: 'age_years', coef: -0.2201, scale: 1 / 10, centre: 7.036 },
    { feature: 'sex_male', coef: 0.2467, scale: 1, centre: 0.5642 },
    { feature: 'egfr', coef: -0.5567, scale: 1 / 5, centre: 7.222 },
    { feature: 'uacr_mg_g', coef: 0.4510, scale: 1, centre: 5.137, log: true },
  ],
  '8var': [
    { feature: 'age_years', coef: -0.1992, scale: 1 / 10, centre: 7.036 },
    { feature: 'sex_male', coef: 0.1602, scale: 1, centre: 0.5642 },
    { feature: 'egfr', coef: -0.4919, scale: 1 / 5, centre: 7.222 },
    { feature: 'uacr_mg_g', coef: 0.3364, scale: 1, centre: 5.137, log: true },
    { feature: 'albumin_g_dl', coef: -0.3441, scale: 1, centre: 3.997 },
    { feature: 'phosphate_mg_dl', coef: 0.2604, scale: 1, centre: 3.916 },
    { feature: 'bicarbonate_mmol_l', coef: -0.07354, scale: 1, centre: 25.57 },
    { feature: 'calcium_mg_dl', coef: -0.2228, scale: 1, centre: 9.355 },
  ],
};

/** Baseline survival S0 at 2 and 5 years (kfre R/risk.R). */
export const KFRE_BASELINE_SURVIVAL: Record<KfreVariant, Record<KfreRegion, { y2: number; y5: number }>> = {
  '4var': { na: { y2: 0.9750, y5: 0.9240 }, other: { y2: 0.9832, y5: 0.9365 } },
  '8var': { na: { y2: 0.9780, y5: 0.9301 }, other: { y2: 0.9827, y5: 0.9245 } },
};

/**
 * Validated ranges. Age, eGFR and ACR follow the KFRE development population (adults with CKD
 * G3-G5, eGFR 10-59); the extra 8-variable labs have no published validation range, so these are
 * physiological plausibility limits that reject unit mix-ups (e.g. albumin in g/L).
 */
const RANGES: Record<string, Pick<ManifestInput, 'min' | 'max' | 'minExclusive' | 'description'>> = {
  age_years: { min: 18, max: 100 },
  sex_male: FLAG_RANGE,
  egfr: { min: 10, max: 60, description: 'KFRE population: CKD G3-G5 (eGFR 10-59)' },
  uacr_mg_g: { min: 0, minExclusive: true, description: 'enters ln(ACR); must be > 0' },
  albumin_g_dl: { min: 1, max: 6, description: 'plausibility limits (g/dL, not g/L)' },
  phosphate_mg_dl: { min: 1, max: 12, description: 'plausibility limits (mg/dL, not mmol/L)' },
  bicarbonate_mmol_l: { min: 5, max: 45, description: 'plausibility limits' },
  calcium_mg_dl: { min: 5, max: 15, description: 'plausibility limits (mg/dL, not mmol/L)' },
};

export function kfreModelId(variant: KfreVariant, region: KfreRegion): string {
  return `kfre-${variant}-${region}`;
}

export function kfreManifest(variant: KfreVariant, region: KfreRegion): ModelManifest {
  const set = FEATURE_SETS[variant === '4var' ? 'kfre-4var' : 'kfre-8var'];
  const regionText = region === 'na' ? 'North American' : 'non-North American';
  return {
    id: kfreModelId(variant, region),
    version: '1.0.0',
    title: `KFRE ${variant === '4var' ? '4' : '8'}-variable (${regionText})`,
    description: `Kidney Failure Risk Equation, ${variant === '4var' ? '4' : '8'}-variable, ${regionText} baseline survival: ` +
      'probability of kidney failure (dialysis or transplant) at 2 and 5 years.',
    featureSet: set.name,
    featureSetVersion: set.version,
    inputTensor: 'features',
    inputs: set.features.map((f) => ({ name: f.name, unit: f.unit, ...RANGES[f.name] })),
    outputs: [
      { name: 'risk_2y', description: '2-year probability of kidney failure (treated with dialysis or transplant)', horizonYears: 2 },
      { name: 'risk_5y', description: '5-year probability of kidney failure (treated with dialysis or transplant)', horizonYears: 5 },
    ],
    horizonYears: 5,
    citation: 'Tangri N, et al. A predictive model for progression of chronic kidney disease to kidney failure. ' +
      'JAMA. 2011;305(15):1553-1559; multinational recalibration: Tangri N, et al. JAMA. 2016;315(2):164-174.',
    doi: '10.1001/jama.2015.18202',
    url: 'https://doi.org/10.1001/jama.2015.18202',
    intendedUse: 'Adults with CKD G3-G5 (eGFR 10-59 mL/min/1.73 m2) not on kidney replacement therapy: ' +
      'risk stratification for nephrology referral and KRT preparation (KDIGO 2024). Not for AKI or dialysis patients.',
    notes: variant === '8var' && region === 'other'
      ? ['8-variable non-North-American S0 (0.9827 / 0.9245) to be verified against the Tangri 2016 supplement.']
      : undefined,
  };
}

/** The ONNX graph: input `features` float32 [N, F] in feature-set order; outputs risk_2y, risk_5y [N, 1]. */
export function buildKfreGraph(variant: KfreVariant, region: KfreRegion): Uint8Array {
  const manifest = kfreManifest(variant, region);
  const terms = KFRE_TERMS[variant];
  const s0 = KFRE_BASELINE_SURVIVAL[variant][region];
  // Double inside the graph: cheap here, and it keeps the ONNX output within 1e-7 of the formula.
  const g = new OnnxGraphBuilder(manifest.id, 'double');
  const x = g.castToCompute(g.input('features', manifest.inputs.length));
  const names = manifest.inputs.map((i) => i.name);
  let lp: string | undefined;
  for (const t of terms) {
    let v = g.column(x, names.indexOf(t.feature));
    if (t.log) v = g.log(v);
    if (t.scale !== 1) v = g.scale(v, t.scale);
    const term = g.scale(g.shift(v, -t.centre), t.coef);
    lp = lp === undefined ? term : g.add(lp, term);
  }
  const hazardMultiplier = g.exp(lp!);
  // 1 − S0^h = 1 − exp(h · ln S0)
  const risk = (s: number) => g.sub(g.constant([1]), g.exp(g.scale(hazardMultiplier, Math.log(s))));
  g.output('risk_2y', risk(s0.y2));
  g.output('risk_5y', risk(s0.y5));
  return g.toBytes({
    docString: `${manifest.title}. ${manifest.citation}`,
    producerVersion: COMPILER_VERSION,
    metadata: { model_id: manifest.id, model_version: manifest.version, feature_set: manifest.featureSet },
  });
}

export const KFRE_MODELS: ModelDefinition[] = (['4var', '8var'] as const).flatMap((variant) =>
  (['na', 'other'] as const).map((region) => ({
    manifest: kfreManifest(variant, region),
    build: () => buildKfreGraph(variant, region),
  })));
