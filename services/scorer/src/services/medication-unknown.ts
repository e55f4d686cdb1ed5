/**
 * The card for a therapy that is indicated but may already be taken: the record holds active
 * medicines that could not be identified (a medicationReference that could not be resolved, issue
 * 11). Unknown is never read as "not taking it", so no order is suggested (it could duplicate the
 * unidentified medicine); the card says what is indicated and why the list must be checked.
 */
import type { CardDraft, Source } from '@prognos/contracts';
import { markdown, newCard } from './card-kit';
import type { FeatureView } from './feature-view';

export interface UnknownMedicationArgs {
  kind: string;
  /** What would be suggested, e.g. 'an SGLT2 inhibitor'. */
  therapy: string;
  /** Why it is indicated, short (goes in the summary). */
  indication: string;
  /** The medication flag(s) that are unknown, read for the extractor's note. */
  view: FeatureView;
  flags: string[];
  source: Source;
  /** Guideline text for the detail. */
  rationale?: string;
}

/** true when any of the flags is unknown (not present) in the view. */
export function medicationUnknown(view: FeatureView, flags: string[]): boolean {
  return flags.some((f) => !view.known(f));
}

export function unknownMedicationCard(a: UnknownMedicationArgs): CardDraft {
  const note = a.flags.map((f) => a.view.provenance(f)?.note).find((n) => n !== undefined);
  return newCard({
    kind: a.kind,
    summary: `${a.indication}: ${a.therapy} is indicated unless already taken; some medicines in the record are unidentified`,
    indicator: 'info',
    source: a.source,
    detail: markdown([
      `Whether the patient already takes ${a.therapy} is unknown: ${note ?? 'the medication list could not be read completely'}. Prognos does not suggest an order that could duplicate an unidentified medicine.`,
      'Check the medication list (or reconcile it with the patient) and order if none is taken.',
      a.rationale,
    ]),
    overrideReasons: false,
  });
}
