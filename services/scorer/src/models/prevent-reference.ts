/**
 * Plain-TypeScript PREVENT base 10-year equations, term by term as in preventr: the independent
 * reference the ONNX graph is tested against.
 */
import { CHOL_MG_DL_TO_MMOL_L, PREVENT_COEFFICIENTS, type PreventEquation, type PreventTerm } from './prevent';

export interface PreventInputs {
  ageYears: number; male: boolean; totalCholMgDl: number; hdlMgDl: number; sbpMmHg: number;
  bpTreated: boolean; statin: boolean; diabetes: boolean; smoker: boolean; egfr: number; bmi: number;
}

/** The model terms for one patient (intercept = 1). */
export function preventTerms(x: PreventInputs): Record<PreventTerm, number> {
  const age = (x.ageYears - 55) / 10;
  const tc = x.totalCholMgDl * CHOL_MG_DL_TO_MMOL_L;
  const hdlMmol = x.hdlMgDl * CHOL_MG_DL_TO_MMOL_L;
  const nonhdl = tc - hdlMmol - 3.5;
  const hdl = (hdlMmol - 1.3) / 0.3;
  const sbpLt = (Math.min(x.sbpMmHg, 110) - 110) / 20;
  const sbpGe = (Math.max(x.sbpMmHg, 110) - 130) / 20;
  const bmiLt = (Math.min(x.bmi, 30) - 25) / 5;
  const bmiGe = (Math.max(x.bmi, 30) - 30) / 5;
  const egfrLt = (Math.min(x.egfr, 60) - 60) / -15;
  const egfrGe = (Math.max(x.egfr, 60) - 90) / -15;
  const dm = x.diabetes ? 1 : 0;
  const smoking = x.smoker ? 1 : 0;
  const bpTx = x.bpTreated ? 1 : 0;
  const statin = x.statin ? 1 : 0;
  return {
    intercept: 1, age, nonhdl, hdl, sbp_lt: sbpLt, sbp_ge: sbpGe, dm, smoking, bmi_lt: bmiLt, bmi_ge: bmiGe,
    egfr_lt: egfrLt, egfr_ge: egfrGe, bp_tx: bpTx, statin, bp_tx_x_sbp_ge: bpTx * sbpGe, statin_x_nonhdl: statin * nonhdl,
    age_x_nonhdl: age * nonhdl, age_x_hdl: age * hdl, age_x_sbp_ge: age * sbpGe, age_x_dm: age * dm,
    age_x_smoking: age * smoking, age_x_bmi_ge: age * bmiGe, age_x_egfr_lt: age * egfrLt,
  };
}

/** { cvd, ascvd, hf } 10-year probabilities 0..1 for the patient's sex. */
export function preventReference(x: PreventInputs): { cvd: number; ascvd: number; hf: number } {
  const terms = preventTerms(x);
  const risk = (eq: PreventEquation) => {
    let lp = 0;
    for (const [k, coef] of Object.entries(PREVENT_COEFFICIENTS[eq])) lp += coef * terms[k as PreventTerm];
    return 1 / (1 + Math.exp(-lp));
  };
  const sex = x.male ? 'male' : 'female';
  return { cvd: risk(`${sex}_cvd`), ascvd: risk(`${sex}_ascvd`), hf: risk(`${sex}_hf`) };
}
