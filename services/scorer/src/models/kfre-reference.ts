/**
 * Plain-TypeScript KFRE, written straight from the published formula (double precision): the
 * independent reference the ONNX graph is tested against.
 */
import { KFRE_BASELINE_SURVIVAL, KFRE_TERMS, type KfreRegion, type KfreVariant } from './kfre';

export interface KfreInputs {
  ageYears: number; male: boolean; egfr: number; uacrMgG: number;
  albuminGDl?: number; phosphateMgDl?: number; bicarbonateMmolL?: number; calciumMgDl?: number;
}

/** KFRE linear predictor (sum of centred terms). */
export function kfreLinearPredictor(variant: KfreVariant, x: KfreInputs): number {
  const value: Record<string, number | undefined> = {
    age_years: x.ageYears, sex_male: x.male ? 1 : 0, egfr: x.egfr, uacr_mg_g: x.uacrMgG,
    albumin_g_dl: x.albuminGDl, phosphate_mg_dl: x.phosphateMgDl, bicarbonate_mmol_l: x.bicarbonateMmolL, calcium_mg_dl: x.calciumMgDl,
  };
  let lp = 0;
  for (const t of KFRE_TERMS[variant]) {
    const v = value[t.feature];
    if (v === undefined) throw new Error(`KFRE ${variant}: ${t.feature} required`);
    lp += t.coef * ((t.log ? Math.log(v) : v) * t.scale - t.centre);
  }
  return lp;
}

/** { risk2y, risk5y } as probabilities 0..1. */
export function kfreReference(variant: KfreVariant, region: KfreRegion, x: KfreInputs): { risk2y: number; risk5y: number } {
  const lp = kfreLinearPredictor(variant, x);
  const s0 = KFRE_BASELINE_SURVIVAL[variant][region];
  return { risk2y: 1 - Math.pow(s0.y2, Math.exp(lp)), risk5y: 1 - Math.pow(s0.y5, Math.exp(lp)) };
}
