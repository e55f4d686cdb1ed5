/**
 * The ONE place where the pharmacogenomics service proposes another drug instead of a draft order.
 * The `create` action it builds is screened like every other medication a card offers: the engine
 * runs the clinical safety stage (services/scorer/src/safety/screen-cards.ts) on every card, so an
 * alternative the patient cannot take (allergy, pregnancy, interaction, ...) is removed or marked
 * "check first" there.
 *
 * The suggestion replaces the draft: a `delete` of the drafted order (bound by the HTTP side to the
 * real draft) AND a `create` of the alternative, in one suggestion (both or neither).
 */
import type { DraftOrderSummary, ScoringInput, SuggestionDraft } from '@prognos/contracts';
import { newSuggestion } from '../card-kit';
import type { DrugProduct } from '../codes';
import { medicationRequest } from '../fhir-resources';

export interface AlternativeProposal {
  /** The draft order being replaced. */
  draft: DraftOrderSummary;
  /** The drug proposed instead. */
  alternative: DrugProduct;
  /** Why (written into the new order's reasonCode). */
  reason: string;
  /** Pre-select this suggestion. */
  recommended: boolean;
  /** The request, for the screening stage (features: allergies, pregnancy, active medications). */
  input: ScoringInput;
}

/**
 * A suggestion replacing the draft with `alternative` (screened afterwards with every other card
 * action; undefined is reserved for alternatives this module itself rules out).
 */
export function proposeAlternative(p: AlternativeProposal): SuggestionDraft | undefined {
  const name = p.draft.display ?? p.draft.ingredients.join('/');
  return newSuggestion({
    label: `Replace ${name} with ${p.alternative.display}, ${p.alternative.sig}`,
    isRecommended: p.recommended,
    actions: [
      { type: 'delete', description: `Remove the draft order for ${name}`, draftOrderIndex: p.draft.index },
      { type: 'create', description: `Order ${p.alternative.display}, ${p.alternative.sig}`, resource: medicationRequest(p.alternative, p.reason) },
    ],
  });
}
