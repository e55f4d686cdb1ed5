/**
 * The sequence contract between libs/fhir-features (producer: training dataset builder and hook
 * extraction alike) and services/scorer (learned sequence models).
 *
 * A sequence set is named and versioned like a feature set. One step is one visit day (UTC) on
 * which at least one of the set's concepts was measured, oldest first, most recent last. Each step
 * carries the time before the index (hook time), the gap since the previous step, and per concept a
 * unit-normalised value with a 0/1 mask (1 = measured that day). Static features are read at the
 * index date. Normalisation lives here so training and serving cannot disagree. Times are relative
 * to the index in whole calendar days and ages whole years: a sequence carries no dates, ids,
 * names or exact ages.
 */

/** Step times (`years_before_index`, `gap_years`) are whole days divided by this. */
export const SEQUENCE_DAYS_PER_YEAR = 365.2425;

/**
 * Static sources sent in whole years (floored): an exact age and the hook time give the date of
 * birth. The HTTP side refuses to send a sequence whose age is not whole (unminimisedField).
 */
export const SEQUENCE_WHOLE_YEAR_STATICS: ReadonlySet<string> = new Set(['age_years']);

/** One per-concept value channel pair (value, mask) of a step. */
export interface SequenceConceptDefinition {
  /** Concept name (as in fhir-features: 'egfr', 'uacr', 'sbp', 'hba1c'). */
  name: string;
  /** Canonical unit of the raw value. */
  unit: string;
  /** value channel = (transform(raw) - center) / scale. */
  transform: 'identity' | 'log1p';
  center: number;
  scale: number;
}

/** One static feature (read as of the index from the named feature set's resolver). */
export interface SequenceStaticDefinition {
  name: string;
  /** Feature name in FEATURE_SETS this is read from (e.g. 'age_years'); 'rasi' is ACEi, ARB or ARNI. */
  source: string;
  transform: 'identity' | 'log1p';
  center: number;
  scale: number;
}

export interface SequenceSetDefinition {
  name: string;
  version: string;
  /** Steps older than this before the index are not used. */
  windowDays: number;
  /** At most this many (most recent) steps are kept. */
  maxSteps: number;
  /** Step channels: 'years_before_index', 'gap_years', then per concept '<name>', '<name>_mask'. */
  concepts: readonly SequenceConceptDefinition[];
  statics: readonly SequenceStaticDefinition[];
}

/** Channel names of a set's steps, in order. */
export function sequenceChannelNames(def: SequenceSetDefinition): string[] {
  return ['years_before_index', 'gap_years', ...def.concepts.flatMap((c) => [c.name, `${c.name}_mask`])];
}

export const SEQUENCE_SETS = {
  /**
   * CKD progression: eGFR (CKD-EPI 2021 from creatinine), urine ACR, systolic BP and HbA1c over the
   * five years before the index; static age, sex, diabetes, hypertension, heart failure, SGLT2
   * inhibitor and RAS inhibitor at the index, and the latest eGFR and ACR.
   */
  'ckd-progression-seq': {
    name: 'ckd-progression-seq',
    version: '1.0.0',
    windowDays: 1827,
    maxSteps: 48,
    concepts: [
      { name: 'egfr', unit: 'mL/min/{1.73_m2}', transform: 'identity', center: 45, scale: 20 },
      { name: 'uacr', unit: 'mg/g', transform: 'log1p', center: 5, scale: 2 },
      { name: 'sbp', unit: 'mm[Hg]', transform: 'identity', center: 135, scale: 20 },
      { name: 'hba1c', unit: '%', transform: 'identity', center: 7, scale: 1.5 },
    ],
    statics: [
      { name: 'age', source: 'age_years', transform: 'identity', center: 65, scale: 15 },
      { name: 'sex_male', source: 'sex_male', transform: 'identity', center: 0, scale: 1 },
      { name: 'diabetes', source: 'diabetes', transform: 'identity', center: 0, scale: 1 },
      { name: 'hypertension', source: 'hypertension', transform: 'identity', center: 0, scale: 1 },
      { name: 'heart_failure', source: 'heart_failure', transform: 'identity', center: 0, scale: 1 },
      { name: 'on_sglt2i', source: 'on_sglt2i', transform: 'identity', center: 0, scale: 1 },
      { name: 'on_rasi', source: 'rasi', transform: 'identity', center: 0, scale: 1 },
      { name: 'egfr_last', source: 'egfr', transform: 'identity', center: 45, scale: 20 },
      { name: 'uacr_last', source: 'uacr_mg_g', transform: 'log1p', center: 5, scale: 2 },
    ],
  },
} as const satisfies Record<string, SequenceSetDefinition>;

export type SequenceSetName = keyof typeof SEQUENCE_SETS;

/** A sequence as it crosses process boundaries (JSON-safe, features only). */
export interface SequencePayload {
  set: string;
  version: string;
  /** Number of steps (0..maxSteps). */
  length: number;
  /** Channels per step (sequenceChannelNames(def).length). */
  channels: number;
  /** length x channels values, row-major, oldest step first. */
  steps: number[];
  /** Static features in the set's order (normalised); a missing one is 0 with present 0. */
  statics: number[];
  staticPresent: number[];
}
