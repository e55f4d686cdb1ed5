/**
 * The ONE place where the pharmacogenomics service proposes another drug instead of a draft order.
 * Every alternative goes through `proposeAlternative`, so the medication screening stage
 * (allergies, pregnancy, interactions: services/scorer/src/safety, issue 10) can be applied here
 * in one call: a screened-out alternative is dropped (undefined) or carries the screen's warning.
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
 * A suggestion replacing the draft with `alternative`, or undefined when the alternative must not
 * be proposed (reserved for the screening stage; today every alternative passes).
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
