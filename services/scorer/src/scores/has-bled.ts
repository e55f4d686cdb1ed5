/**
 * HAS-BLED major-bleeding risk point score for anticoagulated atrial fibrillation.
 *
 * Source: Pisters R, Lane DA, Nieuwlaat R, de Vos CB, Crijns HJGM, Lip GYH. A novel user-friendly
 * score (HAS-BLED) to assess 1-year risk of major bleeding in patients with atrial fibrillation:
 * the Euro Heart Survey. Chest 2010;138:1093-1100. doi:10.1378/chest.10-0134.
 * Items (1 point each, clinical-reference.md §1.5): H uncontrolled hypertension (SBP > 160 mmHg),
 * A abnormal renal function (dialysis, transplant, Cr >= 200 umol/L), A abnormal liver function,
 * S prior stroke, B bleeding history or predisposition, L labile INR (TTR < 60%),
 * E elderly (age > 65), D1 antiplatelet or NSAID, D2 alcohol >= 8 units/week. Range 0-9.
 *
 * The 2023 ACC/AHA/ACCP/HRS AF guideline: bleeding scores must not by themselves be used to
 * withhold anticoagulation; their use is to find and correct modifiable bleeding risks.
 */
import type { PointScore, ScoreItem } from './cha2ds2-vasc';

export interface HasBledInput {
  ageYears: number;
  /** Latest systolic BP in mmHg; undefined when unknown (then H scores 0 and is reported missing). */
  systolicBpMmHg?: number;
  abnormalRenalFunction: boolean;
  abnormalLiverFunction: boolean;
  stroke: boolean;
  bleedingHistory: boolean;
  labileInr: boolean;
  antiplateletOrNsaid: boolean;
  alcoholExcess: boolean;
}

/** Items a clinician can act on (2023 ACC/AHA/ACCP/HRS AF guideline §6.3: modifiable bleeding risk). */
export const MODIFIABLE_HAS_BLED_ITEMS: ReadonlySet<string> = new Set(['H', 'L', 'D1', 'D2']);

/** Uncontrolled hypertension threshold of HAS-BLED: systolic BP strictly above 160 mmHg. */
export const HAS_BLED_UNCONTROLLED_SBP_MMHG = 160;

export interface HasBledScore extends PointScore {
  /** Items among those scored that are modifiable (uncontrolled BP, labile INR, drugs, alcohol). */
  modifiable: ScoreItem[];
}

/** Computes HAS-BLED (0-9). Throws on a non-finite or negative age. */
export function computeHasBled(input: HasBledInput): HasBledScore {
  if (!Number.isFinite(input.ageYears) || input.ageYears < 0) {
    throw new RangeError('HAS-BLED needs a finite, non-negative age');
  }
  const items: ScoreItem[] = [];
  if (input.systolicBpMmHg !== undefined && input.systolicBpMmHg > HAS_BLED_UNCONTROLLED_SBP_MMHG) {
    items.push({ item: 'H', label: 'Uncontrolled hypertension (systolic BP > 160 mmHg)', points: 1 });
  }
  if (input.abnormalRenalFunction) items.push({ item: 'A-renal', label: 'Abnormal renal function', points: 1 });
  if (input.abnormalLiverFunction) items.push({ item: 'A-liver', label: 'Abnormal liver function', points: 1 });
  if (input.stroke) items.push({ item: 'S', label: 'Prior stroke', points: 1 });
  if (input.bleedingHistory) items.push({ item: 'B', label: 'Bleeding history or predisposition', points: 1 });
  if (input.labileInr) items.push({ item: 'L', label: 'Labile INR', points: 1 });
  // Pisters 2010: "Elderly (e.g. age > 65 years)", strictly greater, in completed years as the score
  // is used at the bedside: a patient aged 65 years and some months is 65 and scores 0. The extractor
  // gives fractional ages, so compare the whole years (CHA2DS2-VASc's >= 65 / >= 75 bands need no flooring).
  if (Math.floor(input.ageYears) > 65) items.push({ item: 'E', label: 'Age > 65 years', points: 1 });
  if (input.antiplateletOrNsaid) items.push({ item: 'D1', label: 'Antiplatelet or NSAID use', points: 1 });
  if (input.alcoholExcess) items.push({ item: 'D2', label: 'Alcohol >= 8 units/week', points: 1 });
  return {
    score: items.reduce((s, i) => s + i.points, 0),
    items,
    modifiable: items.filter((i) => MODIFIABLE_HAS_BLED_ITEMS.has(i.item)),
  };
}
