/**
 * Kidney facts shared by ckd-progression and medication-safety: the latest eGFR / urine ACR /
 * creatinine with their age, and KDIGO GFR and albuminuria categories.
 *
 * KDIGO categories (clinical-reference.md §2): G1 >= 90, G2 60-89, G3a 45-59, G3b 30-44, G4 15-29,
 * G5 < 15 mL/min/1.73 m²; A1 < 30, A2 30-300, A3 > 300 mg/g.
 */
import { provenanceDate } from './card-kit';
import { latestItem, type FeatureView } from './feature-view';

export interface LabValue {
  value: number;
  /** Days between the result and asOf; undefined when the extractor could not tell. */
  ageDays?: number;
  /** true when ageDays is known and <= the configured maximum age (LAB_MAX_AGE_DAYS). */
  recent: boolean;
}

export interface RenalLabs {
  egfr?: LabValue;
  uacr?: LabValue;
  creatinine?: LabValue;
  /** eGFR slope per year (>= 3 points over >= 90 days), when the extractor computed one. */
  slopePerYear?: number;
  egfrCount?: number;
  changeFromBaselinePct?: number;
}

function lab(view: FeatureView, valueName: string, ageName: string, maxAgeDays: number): LabValue | undefined {
  const value = view.get(valueName);
  if (value === undefined) return undefined;
  const ageDays = view.get(ageName);
  return { value, ageDays, recent: ageDays !== undefined && ageDays <= maxAgeDays };
}

/** A result the record holds but no feature used: too old for LAB_MAX_AGE_DAYS (issue 11: say what is there). */
export interface StaleLab {
  value: number;
  /**
   * The result's day as card text names it (provenanceDate): YYYY-MM-DD in process, a days-before
   * token when the input is minimised (the HTTP side writes the calendar date back).
   */
  date: string;
  /** Days between the result and the hook: calendar days (daysBefore) when minimised, else completed days. */
  ageDays: number;
}

/**
 * The last recorded value of a missing latest-value feature, from its provenance (the extractor
 * keeps the newest point there when it is older than the window). Works on a minimised input
 * (provenance `daysBefore`, asOf a placeholder) as on a direct one (provenance `date`, ISO asOf).
 */
export function staleLab(view: FeatureView, valueName: string, asOf: string): StaleLab | undefined {
  if (view.known(valueName)) return undefined;
  const item = latestItem(view.provenance(valueName));
  if (!item || item.value === undefined) return undefined;
  const date = provenanceDate(item);
  if (!date) return undefined;
  let ageDays = item.daysBefore;
  if (ageDays === undefined && item.date) {
    const t = Date.parse(item.date);
    const now = Date.parse(asOf);
    if (Number.isFinite(t) && Number.isFinite(now)) ageDays = Math.floor((now - t) / 86_400_000);
  }
  if (ageDays === undefined) return undefined;
  return { value: item.value, date, ageDays };
}

/** Reads the 'egfr-trajectory' set. */
export function readRenalLabs(trajectory: FeatureView, maxAgeDays: number): RenalLabs {
  return {
    egfr: lab(trajectory, 'egfr_last', 'egfr_last_age_days', maxAgeDays),
    uacr: lab(trajectory, 'uacr_last', 'uacr_last_age_days', maxAgeDays),
    creatinine: lab(trajectory, 'creatinine_last_mg_dl', 'creatinine_last_age_days', maxAgeDays),
    slopePerYear: trajectory.get('egfr_slope_per_year'),
    egfrCount: trajectory.get('egfr_count'),
    changeFromBaselinePct: trajectory.get('egfr_change_from_baseline_pct'),
  };
}

export function gfrCategory(egfr: number): 'G1' | 'G2' | 'G3a' | 'G3b' | 'G4' | 'G5' {
  if (egfr >= 90) return 'G1';
  if (egfr >= 60) return 'G2';
  if (egfr >= 45) return 'G3a';
  if (egfr >= 30) return 'G3b';
  if (egfr >= 15) return 'G4';
  return 'G5';
}

export function albuminuriaCategory(uacrMgG: number): 'A1' | 'A2' | 'A3' {
  if (uacrMgG < 30) return 'A1';
  if (uacrMgG <= 300) return 'A2';
  return 'A3';
}

/**
 * KDIGO 2012 defines rapid progression as a sustained eGFR decline of more than 5 mL/min/1.73 m²
 * per year. (This is the 2012 definition; KDIGO 2024's referral criterion is different, below.)
 */
export const RAPID_DECLINE_PER_YEAR = -5;

/**
 * KDIGO 2024 referral criterion: a sustained fall in eGFR of more than 20% (more than 30% after
 * starting haemodynamically active drugs such as RAS inhibitors or SGLT2 inhibitors).
 */
export const SUSTAINED_FALL_REFERRAL_PCT = 20;

/** The apixaban criterion's name for a missing creatinine: says it is too old when an old one exists. */
export function staleCreatinineLabel(trajectory: FeatureView, asOf: string): string | undefined {
  const old = staleLab(trajectory, 'creatinine_last_mg_dl', asOf);
  if (!old) return undefined;
  return `recent serum creatinine (last ${old.value} mg/dL on ${old.date} is too old)`;
}
