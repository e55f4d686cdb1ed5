/**
 * Types of the clinical safety screening stage: a drug in, a verdict with cited reasons out.
 */
import type { Source } from '@prognos/contracts';

export type Verdict = 'block' | 'caution' | 'clear';

/** A drug to screen: RxNorm ingredient(s) and Prognos classes (from the static RxNorm table). */
export interface DrugToScreen {
  /** Lower-case ingredient names. */
  ingredients: readonly string[];
  /** Prognos medication classes ('acei', 'statin', 'doac', ...). */
  classes: readonly string[];
  /** How the drug is named on the card (display, else ingredients). */
  display: string;
  rxcui?: string;
}

/** The record entry a reason rests on: resource type, code, date (never an id). */
export interface Evidence {
  resourceType: string;
  display?: string;
  date?: string;
  /** A value with its unit, for labs. */
  value?: string;
}

export interface SafetyReason {
  verdict: Exclude<Verdict, 'clear'>;
  /** Stable rule id (e.g. 'pregnancy.acei'), for tests and analytics. */
  rule: string;
  /** A few words for a suggestion label ("pregnant", "K 6.0 mmol/L"). */
  short: string;
  /** One or two sentences: what, why, and what to check. */
  text: string;
  evidence: Evidence[];
  source: Source;
  /** true when the reason is that the record cannot tell (unknown, not assumed absent). */
  unknown?: boolean;
  /** A safer product to offer instead (order-sign replacement), as a key of DRUGS. */
  alternative?: string;
}

export interface Screening {
  verdict: Verdict;
  reasons: SafetyReason[];
}
