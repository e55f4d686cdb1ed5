/**
 * Order-sign / order-select: each drafted medication goes through the same screening stage as a
 * suggestion. Block -> critical card, "remove the draft" pre-selected and, where the rule names one,
 * a safer product to replace it with; caution -> warning card (info when the only reasons are
 * things the record cannot tell) with removal offered but not pre-selected.
 */
import type { ActionDraft, CardDraft, DraftOrderSummary } from '@prognos/contracts';
import { DRUGS, type DrugProduct } from '../services/codes';
import { markdown, newCard, newSuggestion } from '../services/card-kit';
import { dosageFor, medicationConcept } from '../services/fhir-resources';
import { drugOfDraft } from './drug-of-resource';
import { classesOfIngredient, type CoMedication, type PatientSafety } from './patient-safety';
import { reasonLines, screenDrug } from './screen-drug';
import type { Screening } from './safety-types';

function coDrafted(drafts: readonly DraftOrderSummary[], except: number): CoMedication[] {
  return drafts.filter((o) => o.index !== except && o.resourceType === 'MedicationRequest').flatMap((o) => o.ingredients.map((ingredient) => ({
    ingredient,
    classes: classesOfIngredient(ingredient).length > 0 ? classesOfIngredient(ingredient) : o.classes,
    evidence: { resourceType: 'MedicationRequest', display: `draft order: ${o.display ?? ingredient}` },
  })));
}

function deleteAction(d: DraftOrderSummary, name: string): ActionDraft {
  return { type: 'delete', description: `Remove the draft order for ${name}`, draftOrderIndex: d.index };
}

function replaceAction(d: DraftOrderSummary, drug: DrugProduct): ActionDraft {
  return {
    type: 'update', description: `Change the draft order to ${drug.display}, ${drug.sig}`, draftOrderIndex: d.index,
    patch: { medicationCodeableConcept: medicationConcept(drug), dosageInstruction: dosageFor(drug) },
  };
}

function cardFor(d: DraftOrderSummary, name: string, s: Screening): CardDraft {
  const block = s.verdict === 'block';
  const shown = s.reasons.filter((r) => !block || r.verdict === 'block');
  const shorts = [...new Set(shown.map((r) => r.short))].join('; ');
  const onlyUnknown = s.reasons.every((r) => r.unknown);
  const alternatives = [...new Set(s.reasons.map((r) => r.alternative).filter((a): a is string => a !== undefined && a in DRUGS))]
    .map((k) => DRUGS[k as keyof typeof DRUGS]);
  const suggestions = [newSuggestion({ label: `Remove ${name} from the order`, isRecommended: block, actions: [deleteAction(d, name)] })];
  for (const alt of alternatives) suggestions.push(newSuggestion({ label: `Replace with ${alt.display}, ${alt.sig}`, isRecommended: false, actions: [replaceAction(d, alt)] }));
  return newCard({
    kind: block ? 'medsafety.screen-block' : 'medsafety.screen-caution',
    summary: block ? `${name}: do not sign (${shorts})` : `${name}: check before signing (${shorts})`,
    indicator: block ? 'critical' : onlyUnknown ? 'info' : 'warning',
    source: shown[0]!.source,
    detail: markdown([
      block ? 'Clinical safety screening found a contraindication to this draft order:' : 'Clinical safety screening: check these before signing.',
      reasonLines(name, { verdict: s.verdict, reasons: block ? shown : s.reasons }),
      block && s.reasons.some((r) => r.verdict === 'caution') ? reasonLines(name, { verdict: 'caution', reasons: s.reasons.filter((r) => r.verdict === 'caution') }) : undefined,
    ]),
    suggestions,
    selectionBehavior: 'at-most-one',
  });
}

/** Screens every (selected) drafted medication; returns its cards and the drafts it blocked. */
export function screenDraftOrders(drafts: readonly DraftOrderSummary[], selected: readonly DraftOrderSummary[], p: PatientSafety): { cards: CardDraft[]; blocked: Set<number> } {
  const cards: CardDraft[] = [];
  const blocked = new Set<number>();
  for (const d of selected) {
    if (d.resourceType !== 'MedicationRequest') continue;
    const drug = drugOfDraft(d);
    // A drug outside the table (an antibiotic, say) is not this service's to judge: no card.
    if (drug.ingredients.length === 0) continue;
    const s = screenDrug(p, drug, coDrafted(drafts, d.index));
    if (s.verdict === 'clear') continue;
    if (s.verdict === 'block') blocked.add(d.index);
    cards.push(cardFor(d, drug.display, s));
  }
  return { cards, blocked };
}
