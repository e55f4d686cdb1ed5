/**
 * Laboratory contraindications: potassium before starting a RAS inhibitor.
 * KDIGO 2024 §3.6 (RAS inhibitors: check potassium and creatinine before and 2-4 weeks after
 * starting; hyperkalaemia is a reason not to start or to stop) and the ACE inhibitor / ARB labels
 * §5 (hyperkalaemia). Potassium >= 5.5 mmol/L: not offered until corrected; below: clear; no result
 * within LAB_MAX_AGE_DAYS: caution, saying the value is unknown (or how old it is).
 */
import type { Source } from '@prognos/contracts';
import { RASI, type DrugSelector } from './drug-selector';
import { SAFETY_SOURCES as S } from './safety-sources';

export interface LabRule {
  id: string;
  drugs: DrugSelector;
  /** Feature names in the 'safety-context' set. */
  valueFeature: string;
  ageFeature: string;
  label: string;
  unit: string;
  atLeast: number;
  verdict: 'block';
  source: Source;
}

export const HYPERKALAEMIA_MMOL_L = 5.5;

export const LAB_RULES: readonly LabRule[] = [
  { id: 'rasi.hyperkalaemia', drugs: RASI, valueFeature: 'potassium_last', ageFeature: 'potassium_last_age_days', label: 'potassium', unit: 'mmol/L',
    atLeast: HYPERKALAEMIA_MMOL_L, verdict: 'block', source: S.kdigo2024 },
];
