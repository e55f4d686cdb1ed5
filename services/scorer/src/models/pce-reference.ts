/**
 * Plain-TypeScript Pooled Cohort Equations (Goff 2013), written from the published formula: the
 * independent reference the ONNX graph is tested against.
 */
import { PCE_EQUATIONS, type PceGroup } from './pce';

export interface PceInputs {
  ageYears: number; male: boolean; black: boolean; totalCholMgDl: number; hdlMgDl: number;
  sbpMmHg: number; bpTreated: boolean; smoker: boolean; diabetes: boolean;
}

export function pceGroup(x: Pick<PceInputs, 'male' | 'black'>): PceGroup {
  if (x.male) return x.black ? 'aa_male' : 'white_male';
  return x.black ? 'aa_female' : 'white_female';
}

/** The individual sum Σ coef·term of the patient's equation (before subtracting the mean). */
export function pceIndividualSum(x: PceInputs): number {
  const c = PCE_EQUATIONS[pceGroup(x)].coef;
  const la = Math.log(x.ageYears);
  const ltc = Math.log(x.totalCholMgDl);
  const lhdl = Math.log(x.hdlMgDl);
  const lsbp = Math.log(x.sbpMmHg);
  let s = c.ln_age * la + c.ln_age_sq * la * la + c.ln_tc * ltc + c.ln_age_x_ln_tc * la * ltc
    + c.ln_hdl * lhdl + c.ln_age_x_ln_hdl * la * lhdl;
  s += x.bpTreated
    ? c.ln_treated_sbp * lsbp + c.ln_age_x_ln_treated_sbp * la * lsbp
    : c.ln_untreated_sbp * lsbp + c.ln_age_x_ln_untreated_sbp * la * lsbp;
  if (x.smoker) s += c.smoker + c.ln_age_x_smoker * la;
  if (x.diabetes) s += c.diabetes;
  return s;
}

/** 10-year hard ASCVD risk, 0..1. */
export function pceReference(x: PceInputs): number {
  const eq = PCE_EQUATIONS[pceGroup(x)];
  return 1 - Math.pow(eq.s0, Math.exp(pceIndividualSum(x) - eq.mean));
}
