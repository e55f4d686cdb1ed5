/**
 * AllergyIntolerance -> active drug allergies matched to an ingredient and/or a screening class.
 *
 * Status handling (FHIR R4 AllergyIntolerance): clinicalStatus active, or absent, counts;
 * inactive/resolved do not. verificationStatus refuted and entered-in-error are ignored (counted
 * as 'refuted_or_entered_in_error'); unconfirmed, presumed or absent are kept and marked
 * unconfirmed (an unconfirmed allergy still stops a one-click order: the clinician confirms).
 * The substance is read from `code` (RxNorm ingredient or product, or text naming an ingredient or
 * a class such as "ACE inhibitors"); angioedema from reaction.manifestation.
 */
import { resolveMedication } from './codes/resolve-medication';
import { ANGIOEDEMA_MANIFESTATION, CLASS_ALLERGY_PATTERNS } from './codes/safety-codes';
import { bump, type ObservationTally } from './extract-observations';
import { asArray, asObject, codingsOf, firstCode, isoDate, own, parseFhirDate, textOf, type Json } from './fhir-read';
import type { AllergyFact } from './types';

const INACTIVE: ReadonlySet<string> = new Set(['inactive', 'resolved']);
const EXCLUDED: ReadonlySet<string> = new Set(['refuted', 'entered-in-error']);
/** Classes that name a drug group for screening; the first one of an ingredient that is in this list is its class. */
const SCREENING_CLASSES = ['acei', 'arb', 'arni', 'statin', 'sglt2i', 'doac', 'warfarin', 'metformin', 'nsaid', 'aspirin', 'glp1ra', 'mra', 'finerenone'];

function hasAngioedema(allergy: Json): boolean {
  for (const r of asArray(own(allergy, 'reaction')) ?? []) {
    const reaction = asObject(r);
    if (!reaction) continue;
    for (const m of asArray(reaction.manifestation) ?? []) {
      if (codingsOf(m).some((c) => c.code === ANGIOEDEMA_MANIFESTATION.snomed)) return true;
      const text = [textOf(m), ...codingsOf(m).map((c) => c.display)].filter(Boolean).join(' ').toLowerCase();
      if (ANGIOEDEMA_MANIFESTATION.text.test(text)) return true;
    }
    const description = typeof reaction.description === 'string' ? reaction.description.toLowerCase() : '';
    if (ANGIOEDEMA_MANIFESTATION.text.test(description)) return true;
  }
  return false;
}

export function extractAllergies(allergies: readonly Json[], asOfMs: number, tally: ObservationTally): AllergyFact[] {
  const out: AllergyFact[] = [];
  for (const a of allergies) {
    try {
      const verification = firstCode(own(a, 'verificationStatus'));
      if (verification && EXCLUDED.has(verification)) { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      const clinical = firstCode(own(a, 'clinicalStatus'));
      if (clinical && INACTIVE.has(clinical)) continue;
      const code = own(a, 'code');
      if (asObject(code) === undefined) { bump(tally.excluded, 'malformed_resource'); continue; }
      let t = parseFhirDate(own(a, 'recordedDate'));
      if (!Number.isFinite(t)) t = parseFhirDate(own(a, 'onsetDateTime'));
      if (Number.isFinite(t) && t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const codings = codingsOf(code);
      const text = textOf(code) ?? codings.find((c) => c.display)?.display;
      const base = {
        t, resourceType: 'AllergyIntolerance' as const,
        angioedema: hasAngioedema(a),
        unconfirmed: verification !== 'confirmed',
        ...(Number.isFinite(t) ? { date: isoDate(t) } : {}),
        ...(text ? { display: text } : {}),
        ...(codings[0] ? { code: `${codings[0].system ?? ''}|${codings[0].code}` } : {}),
      };
      const facts: AllergyFact[] = [];
      const resolved = resolveMedication(codings, text);
      if (resolved) {
        for (const ingredient of resolved.ingredients) {
          const cls = resolveMedication([], ingredient)?.classes.find((c) => SCREENING_CLASSES.includes(c));
          facts.push({ ...base, ingredient, ...(cls ? { cls } : {}) });
        }
      } else {
        const lower = (text ?? '').toLowerCase();
        for (const { pattern, cls } of CLASS_ALLERGY_PATTERNS) if (pattern.test(lower)) facts.push({ ...base, cls });
      }
      if (facts.length === 0) continue; // an allergy to something we do not screen (food, latex, other drugs)
      out.push(...facts);
      tally.used++;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  return out;
}
