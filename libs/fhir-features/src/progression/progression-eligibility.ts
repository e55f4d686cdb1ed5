/**
 * Who the learned CKD progression model is for: the KFRE population (Tangri 2011; KDIGO 2024 Rec
 * 2.2.1), so the two are compared on the same patients: adults 18-100, not on kidney replacement
 * therapy, with an eGFR in 10-60 and a urine ACR > 0, both within `labMaxAgeDays` of the index.
 * Shared by the dataset builder (who gets an index date) and tests; the scorer applies the same
 * KFRE criteria before it runs the model.
 */
import { resolveFeatureValue } from '../build-feature-set';
import { aggregateSeries } from '../aggregate-series';
import type { PatientFeaturesInternal as PatientFeatures } from '../types';

export const PROGRESSION_MIN_EGFR = 10;
export const PROGRESSION_MAX_EGFR = 60;

export type EligibilityResult = { eligible: true } | { eligible: false; reason: 'age' | 'krt' | 'no_recent_egfr' | 'egfr_out_of_range' | 'no_recent_uacr' };

export function progressionEligibility(pf: PatientFeatures, labMaxAgeDays = 365): EligibilityResult {
  const age = resolveFeatureValue('age_years', pf);
  if (age === undefined || age < 18 || age > 100) return { eligible: false, reason: 'age' };
  if (resolveFeatureValue('dialysis_or_transplant', pf) === 1) return { eligible: false, reason: 'krt' };
  const asOf = pf.asOf.getTime();
  const egfr = aggregateSeries(pf.egfr, asOf, labMaxAgeDays, labMaxAgeDays).last;
  if (!egfr) return { eligible: false, reason: 'no_recent_egfr' };
  if (egfr.value < PROGRESSION_MIN_EGFR || egfr.value >= PROGRESSION_MAX_EGFR) return { eligible: false, reason: 'egfr_out_of_range' };
  const uacr = aggregateSeries(pf.series.uacr, asOf, labMaxAgeDays, labMaxAgeDays).last;
  if (!uacr || !(uacr.value > 0)) return { eligible: false, reason: 'no_recent_uacr' };
  return { eligible: true };
}
