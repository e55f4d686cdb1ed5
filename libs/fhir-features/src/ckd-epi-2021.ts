/**
 * CKD-EPI 2021 race-free creatinine equation (Inker LA et al., NEJM 2021;385:1737-49;
 * https://kidney.org/ckd-epi-creatinine-equation-2021; clinical-reference.md §1.2):
 *
 *   eGFR = 142 x min(Scr/k, 1)^a x max(Scr/k, 1)^-1.200 x 0.9938^age x 1.012 [female]
 *   k = 0.7 (F) / 0.9 (M), a = -0.241 (F) / -0.302 (M), Scr in mg/dL (IDMS-traceable).
 */

function constants(sex: 'male' | 'female'): { kappa: number; alpha: number; sexFactor: number } {
  return sex === 'female' ? { kappa: 0.7, alpha: -0.241, sexFactor: 1.012 } : { kappa: 0.9, alpha: -0.302, sexFactor: 1 };
}

/**
 * eGFR in mL/min/1.73 m2 from serum creatinine.
 * @param creatinineMgDl serum creatinine, mg/dL (µmol/L / 88.4)
 * @param ageYears age at the time of the sample, years (the equation is validated for adults)
 * @returns NaN when an input is not a positive finite number
 */
export function ckdEpi2021(creatinineMgDl: number, ageYears: number, sex: 'male' | 'female'): number {
  if (!(creatinineMgDl > 0) || !Number.isFinite(creatinineMgDl) || !(ageYears >= 0) || !Number.isFinite(ageYears)) return NaN;
  const { kappa, alpha, sexFactor } = constants(sex);
  const ratio = creatinineMgDl / kappa;
  return 142 * Math.pow(Math.min(ratio, 1), alpha) * Math.pow(Math.max(ratio, 1), -1.2) * Math.pow(0.9938, ageYears) * sexFactor;
}

/**
 * Inverse of {@link ckdEpi2021}: the creatinine (mg/dL) that yields `egfr` at this age and sex.
 * Used by the synthetic generator so creatinine and eGFR trajectories agree.
 */
export function creatinineForEgfr(egfr: number, ageYears: number, sex: 'male' | 'female'): number {
  const { kappa, alpha, sexFactor } = constants(sex);
  const base = 142 * Math.pow(0.9938, ageYears) * sexFactor;
  const q = egfr / base;
  // Scr <= kappa exactly when eGFR >= base (both exponents are negative).
  return q >= 1 ? kappa * Math.pow(q, 1 / alpha) : kappa * Math.pow(q, 1 / -1.2);
}
