/**
 * Drug allergies and intolerances (AllergyIntolerance, active; confirmed or unconfirmed).
 * - The same ingredient: block (every label §4: known hypersensitivity).
 * - Another member of the same class: caution (class cross-reactivity possible; confirm what
 *   happened).
 * - Documented cross-reactivity, as a table: angioedema with an ACE inhibitor blocks every ACE
 *   inhibitor (labels §4) and sacubitril/valsartan (Entresto §4: contraindicated with a history of
 *   angioedema related to previous ACE inhibitor or ARB therapy), and cautions ARBs (ARB labels
 *   §5: angioedema reported; a small cross-reactivity).
 */
import type { Source } from '@prognos/contracts';
import { ACEI, ARB, ARNI, type DrugSelector } from './drug-selector';
import { SAFETY_SOURCES as S } from './safety-sources';

export interface CrossReactivityRule {
  id: string;
  /** The class the allergy was recorded against. */
  allergyClass: string;
  /** Only when the reaction was angioedema. */
  angioedemaOnly: boolean;
  drugs: DrugSelector;
  verdict: 'block' | 'caution';
  short: string;
  text: string;
  source: Source;
}

export const CROSS_REACTIVITY_RULES: readonly CrossReactivityRule[] = [
  { id: 'allergy.acei-angioedema.acei', allergyClass: 'acei', angioedemaOnly: true, drugs: ACEI, verdict: 'block', short: 'ACE-inhibitor angioedema',
    text: 'Angioedema with an ACE inhibitor: every ACE inhibitor is contraindicated (labels §4): not offered.', source: S.aceiLabel },
  { id: 'allergy.acei-angioedema.arni', allergyClass: 'acei', angioedemaOnly: true, drugs: ARNI, verdict: 'block', short: 'ACE-inhibitor angioedema',
    text: 'Angioedema with an ACE inhibitor: sacubitril/valsartan is contraindicated with a history of angioedema related to previous ACE inhibitor or ARB therapy (Entresto §4): not offered.', source: S.arniLabel },
  { id: 'allergy.acei-angioedema.arb', allergyClass: 'acei', angioedemaOnly: true, drugs: ARB, verdict: 'caution', short: 'ACE-inhibitor angioedema',
    text: 'Angioedema with an ACE inhibitor: ARBs carry a small risk of recurrence (ARB labels §5); use only with caution and monitoring.', source: S.arbLabel },
  { id: 'allergy.arb-angioedema.arni', allergyClass: 'arb', angioedemaOnly: true, drugs: ARNI, verdict: 'block', short: 'ARB angioedema',
    text: 'Angioedema with an ARB: sacubitril/valsartan is contraindicated (Entresto §4): not offered.', source: S.arniLabel },
  { id: 'allergy.arb-angioedema.acei', allergyClass: 'arb', angioedemaOnly: true, drugs: ACEI, verdict: 'caution', short: 'ARB angioedema',
    text: 'Angioedema with an ARB: ACE inhibitors also cause angioedema (labels §5); use only with caution.', source: S.aceiLabel },
];
