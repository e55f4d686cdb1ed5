/**
 * CHA2DS2-VASc stroke-risk point score for atrial fibrillation.
 *
 * Source: Lip GYH, Nieuwlaat R, Pisters R, Lane DA, Crijns HJGM. Refining clinical risk
 * stratification for predicting stroke and thromboembolism in atrial fibrillation using a novel
 * risk factor-based approach: the Euro Heart Survey on Atrial Fibrillation. Chest 2010;137:263-272.
 * doi:10.1378/chest.09-1584. Items and points as in clinical-reference.md §1.5:
 * C congestive heart failure 1, H hypertension 1, A2 age >= 75 2, D diabetes 1,
 * S2 prior stroke/TIA/thromboembolism 2, V vascular disease (prior MI, PAD, aortic plaque) 1,
 * A age 65-74 1, Sc sex category female 1. Range 0-9.
 */

export interface Cha2ds2VascInput {
  /** Age in years at the time of assessment. */
  ageYears: number;
  female: boolean;
  congestiveHeartFailure: boolean;
  hypertension: boolean;
  diabetes: boolean;
  /** Prior stroke, TIA or systemic thromboembolism. */
  strokeTiaThromboembolism: boolean;
  /** Prior myocardial infarction, peripheral artery disease or aortic plaque. */
  vascularDisease: boolean;
}

export interface ScoreItem {
  /** Letter(s) of the mnemonic, e.g. 'A2'. */
  item: string;
  label: string;
  points: number;
}

export interface PointScore {
  score: number;
  /** The items that scored, in mnemonic order (points > 0 only). */
  items: ScoreItem[];
}

/** Computes CHA2DS2-VASc (0-9). Throws on a non-finite or negative age. */
export function computeCha2ds2Vasc(input: Cha2ds2VascInput): PointScore {
  if (!Number.isFinite(input.ageYears) || input.ageYears < 0) {
    throw new RangeError('CHA2DS2-VASc needs a finite, non-negative age');
  }
  const items: ScoreItem[] = [];
  if (input.congestiveHeartFailure) items.push({ item: 'C', label: 'Congestive heart failure', points: 1 });
  if (input.hypertension) items.push({ item: 'H', label: 'Hypertension', points: 1 });
  // Age bands per Lip 2010: >= 75 scores 2, 65-74 scores 1 (mutually exclusive).
  if (input.ageYears >= 75) items.push({ item: 'A2', label: 'Age >= 75 years', points: 2 });
  if (input.diabetes) items.push({ item: 'D', label: 'Diabetes mellitus', points: 1 });
  if (input.strokeTiaThromboembolism) items.push({ item: 'S2', label: 'Prior stroke, TIA or thromboembolism', points: 2 });
  if (input.vascularDisease) items.push({ item: 'V', label: 'Vascular disease (prior MI, PAD, aortic plaque)', points: 1 });
  if (input.ageYears >= 65 && input.ageYears < 75) items.push({ item: 'A', label: 'Age 65-74 years', points: 1 });
  if (input.female) items.push({ item: 'Sc', label: 'Female sex', points: 1 });
  return { score: items.reduce((s, i) => s + i.points, 0), items };
}
