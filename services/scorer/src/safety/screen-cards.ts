/**
 * Applies the screening stage to every medication a card would offer, for every service (built-in
 * and custom bundles alike): it runs in the scorer after a service has built its cards.
 * - block: the suggestion is removed; the card's detail says what was not suggested and why, and
 *   when nothing is left to order on a warning/critical card the summary starts with "Not offered".
 * - caution: the suggestion stays but is not pre-selected (`isRecommended: false`, CDS Hooks 2.0
 *   §Suggestion) and its label says what to check; the detail lists the reasons.
 * - clear: unchanged.
 */
import type { CardDraft, SuggestionDraft } from '@prognos/contracts';
import { clampSummary } from '../services/card-kit';
import { drugOfConcept, orderedConcept } from './drug-of-resource';
import type { PatientSafety } from './patient-safety';
import { reasonLines, screenDrug } from './screen-drug';
import type { Screening } from './safety-types';

/** Counts of what the stage did, for metrics (labels are verdicts, never patient data). */
export interface ScreeningTally { block: number; caution: number; clear: number }

interface SuggestionOutcome {
  keep: boolean;
  blockedLines: string[];
  cautionLines: string[];
  blockShort?: string;
}

function screenSuggestion(s: SuggestionDraft, p: PatientSafety, tally: ScreeningTally): SuggestionOutcome {
  const out: SuggestionOutcome = { keep: true, blockedLines: [], cautionLines: [] };
  const cautionShorts: string[] = [];
  for (const action of s.actions ?? []) {
    const concept = orderedConcept(action);
    if (concept === undefined) continue;
    const drug = drugOfConcept(concept);
    const screening: Screening = screenDrug(p, drug);
    tally[screening.verdict]++;
    if (screening.verdict === 'block') {
      out.keep = false;
      out.blockShort ??= `${drug.ingredients[0] ?? drug.display}: ${screening.reasons[0]!.short}`;
      out.blockedLines.push(...reasonLines(drug.display, { verdict: 'block', reasons: screening.reasons.filter((r) => r.verdict === 'block') }));
    } else if (screening.verdict === 'caution') {
      for (const r of screening.reasons) if (!cautionShorts.includes(r.short)) cautionShorts.push(r.short);
      out.cautionLines.push(...reasonLines(drug.display, screening));
    }
  }
  if (out.keep && cautionShorts.length > 0) {
    s.isRecommended = false;
    s.label = `${s.label} (check first: ${cautionShorts.join('; ')})`;
  }
  return out;
}

/** Screens the medication suggestions of `cards` in place and returns them. */
export function screenCardSuggestions(cards: CardDraft[], p: PatientSafety, tally: ScreeningTally = { block: 0, caution: 0, clear: 0 }): CardDraft[] {
  for (const card of cards) {
    if (!card.suggestions || card.suggestions.length === 0) continue;
    const blocked: string[] = [];
    const cautions: string[] = [];
    const kept: SuggestionDraft[] = [];
    let medicationOffered = false;
    let firstBlock: string | undefined;
    for (const s of card.suggestions) {
      const ordersDrug = (s.actions ?? []).some((a) => orderedConcept(a) !== undefined);
      const o = screenSuggestion(s, p, tally);
      if (o.keep) {
        kept.push(s);
        if (ordersDrug) medicationOffered = true;
      }
      blocked.push(...o.blockedLines);
      cautions.push(...o.cautionLines);
      firstBlock ??= o.blockShort;
    }
    if (blocked.length === 0 && cautions.length === 0) continue;
    const sections: string[] = [];
    if (blocked.length > 0) sections.push(`**Not suggested (clinical safety screening)**\n\n${[...new Set(blocked)].join('\n')}`);
    if (cautions.length > 0) sections.push(`**Check before ordering (clinical safety screening)**\n\n${[...new Set(cautions)].join('\n')}`);
    card.detail = [card.detail, ...sections].filter((x): x is string => typeof x === 'string' && x.length > 0).join('\n\n');
    // An info card's summary informs (e.g. 'on warfarin'); an actionable one must not read as advice to order.
    if (blocked.length > 0 && !medicationOffered && firstBlock && card.indicator !== 'info') card.summary = clampSummary(`Not offered (${firstBlock}): ${card.summary}`);
    if (kept.length > 0) card.suggestions = kept;
    else {
      delete card.suggestions;
      delete card.selectionBehavior;
    }
  }
  return cards;
}
