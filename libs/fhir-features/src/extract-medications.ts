/**
 * MedicationRequest / MedicationStatement / MedicationDispense -> medications active at asOf, resolved
 * through the static RxNorm table (medicationCodeableConcept, or a contained / bundled / _include-d
 * Medication, or the reference's display). A reference that cannot be followed is counted as an
 * unknown medicine, never read as "not taking it".
 *
 * Active at asOf:
 *  - MedicationRequest: authoredOn <= asOf and either status 'active' with no
 *    dispenseRequest.validityPeriod.end before asOf, or status 'completed'/'stopped' with a validity
 *    end after asOf (it was active then). Other statuses are not active.
 *  - MedicationStatement: status active/intended/completed/stopped with an effective period that
 *    covers asOf (start <= asOf, end absent or >= asOf; completed/stopped need an end).
 *  - MedicationDispense: status completed/in-progress, handed over (else prepared) <= asOf and
 *    hand-over + daysSupply >= asOf.
 */
import { resolveMedication, statinIntensity, type ResolvedMedication } from './codes/resolve-medication';
import { readDosage } from './dosage';
import { asArray, asFiniteNumber, asObject, asString, codingsOf, isoDate, MS_PER_DAY, own, parseFhirDate, textOf, type Coding, type Json } from './fhir-read';
import { bump, type ObservationTally } from './extract-observations';
import type { MedicationFact } from './types';

/**
 * What the record says about the medication of one request / statement / dispense:
 * - `resolved`: an ingredient we track (RxNorm table code or ingredient / brand name);
 * - `not_tracked`: the medicine is named (code, text or reference display) but is none we track;
 * - `unresolved`: a medicationReference that leads nowhere (no contained or bundled Medication,
 *   no display) or an empty concept: the medicine is unknown, so "not taking X" cannot be said.
 */
export type MedicationResolution =
  | { status: 'resolved'; medication: ResolvedMedication }
  | { status: 'not_tracked' }
  | { status: 'unresolved' };

const UNRESOLVED: MedicationResolution = { status: 'unresolved' };
const NOT_TRACKED: MedicationResolution = { status: 'not_tracked' };

/** The Medication a reference points at: '#id' in `contained`, else the gathered Medications (Type/id, absolute URL, fullUrl). */
export function referencedMedication(res: Json, reference: string, medications: ReadonlyMap<string, Json>): Json | undefined {
  if (reference.startsWith('#')) {
    const id = reference.slice(1);
    for (const c of asArray(own(res, 'contained')) ?? []) {
      const m = asObject(c);
      if (m && m.resourceType === 'Medication' && m.id === id) return m;
    }
    return undefined;
  }
  const direct = medications.get(reference);
  if (direct) return direct;
  // 'https://ehr/fhir/R4/Medication/123' or 'Medication/123/_history/2' -> 'Medication/123'.
  const m = /(?:^|\/)(Medication\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? medications.get(m[1]) : undefined;
}

function fromConcept(concept: unknown, fallbackText?: string): MedicationResolution | undefined {
  const codings = codingsOf(concept);
  const text = textOf(concept) ?? fallbackText;
  if (codings.length === 0 && !text) return undefined;
  const resolved = resolveMedication(codings, text);
  return resolved ? { status: 'resolved', medication: resolved } : NOT_TRACKED;
}

/** A Medication resource: its code, else its ingredients (itemCodeableConcept / itemReference display), else the reference display. */
function fromMedication(med: Json, display: string | undefined): MedicationResolution {
  const byCode = fromConcept(own(med, 'code'), display);
  if (byCode?.status === 'resolved') return byCode;
  const codings: Coding[] = [];
  const texts: string[] = [];
  for (const raw of asArray(own(med, 'ingredient')) ?? []) {
    const ing = asObject(raw);
    if (!ing) continue;
    const item = asObject(ing.itemCodeableConcept);
    if (item) {
      codings.push(...codingsOf(item));
      const t = textOf(item);
      if (t) texts.push(t);
    }
    const itemRef = asObject(ing.itemReference);
    const d = itemRef ? asString(itemRef.display) : undefined;
    if (d) texts.push(d);
  }
  if (codings.length > 0 || texts.length > 0) {
    const resolved = resolveMedication(codings, texts.join(' / ') || undefined);
    if (resolved) return { status: 'resolved', medication: resolved };
    return NOT_TRACKED;
  }
  if (byCode) return byCode;
  if (display) {
    const byDisplay = resolveMedication([], display);
    return byDisplay ? { status: 'resolved', medication: byDisplay } : NOT_TRACKED;
  }
  return UNRESOLVED;
}

/** Resolves medicationCodeableConcept or medicationReference (contained, bundled / _include-d, or its display). */
export function resolveMedicationOf(res: Json, medications: ReadonlyMap<string, Json>): MedicationResolution {
  const cc = own(res, 'medicationCodeableConcept');
  if (cc !== undefined) return fromConcept(cc) ?? UNRESOLVED;
  const ref = asObject(own(res, 'medicationReference'));
  if (!ref) return UNRESOLVED;
  const target = asString(ref.reference);
  const display = asString(ref.display)?.trim() || undefined;
  const med = target ? referencedMedication(res, target, medications) : undefined;
  if (med) return fromMedication(med, display);
  if (display) {
    const resolved = resolveMedication([], display);
    return resolved ? { status: 'resolved', medication: resolved } : NOT_TRACKED;
  }
  return UNRESOLVED;
}

/** The resolved medication of a resource when it is one we track (kept for callers of the old API). */
export function resolveFromResource(res: Json, medications: ReadonlyMap<string, Json>): ResolvedMedication | undefined {
  const r = resolveMedicationOf(res, medications);
  return r.status === 'resolved' ? r.medication : undefined;
}

function toFact(resourceType: MedicationFact['resourceType'], resolved: ResolvedMedication, t: number, dosage: unknown): MedicationFact {
  const fact: MedicationFact = { resourceType, ingredients: resolved.ingredients, classes: resolved.classes, t };
  if (resolved.rxcui) fact.rxcui = resolved.rxcui;
  if (resolved.display) fact.display = resolved.display;
  if (resolved.strengthMg !== undefined) fact.strengthMg = resolved.strengthMg;
  if (Number.isFinite(t)) fact.date = isoDate(t);
  const dose = readDosage(dosage, resolved.strengthMg);
  if (dose.doseMg !== undefined) fact.doseMg = dose.doseMg;
  if (dose.frequencyPerDay !== undefined) fact.frequencyPerDay = dose.frequencyPerDay;
  const perAdmin = dose.doseMg ?? resolved.strengthMg;
  if (perAdmin !== undefined) fact.dailyMg = perAdmin * (dose.frequencyPerDay ?? 1);
  if (resolved.classes.includes('statin') && fact.dailyMg !== undefined && resolved.ingredients.length === 1) {
    const intensity = statinIntensity(resolved.ingredients[0], fact.dailyMg);
    if (intensity) fact.statinIntensity = intensity;
  }
  return fact;
}

/** Active medications, and how many active entries name a medicine that could not be identified. */
export interface MedicationExtraction {
  facts: MedicationFact[];
  /** Active requests / statements / dispenses whose medicine is unknown (unresolvable reference). */
  unresolved: number;
}

/** Days of a MedicationDispense.daysSupply (UCUM d / day / days), when given. */
function daysSupplyOf(dispense: Json): number | undefined {
  const q = asObject(own(dispense, 'daysSupply'));
  const v = q ? asFiniteNumber(q.value) : undefined;
  if (v === undefined || v <= 0) return undefined;
  const unit = (asString(q!.code) ?? asString(q!.unit) ?? 'd').toLowerCase();
  return unit === 'd' || unit === 'day' || unit === 'days' ? v : undefined;
}

export function extractMedications(
  requests: readonly Json[],
  statements: readonly Json[],
  medications: ReadonlyMap<string, Json>,
  asOfMs: number,
  tally: ObservationTally,
  dispenses: readonly Json[] = [],
): MedicationExtraction {
  const out: MedicationFact[] = [];
  let unresolved = 0;
  /** Resolves an entry already known to be active at asOf; counts an unknown medicine. */
  const take = (res: Json, type: MedicationFact['resourceType'], t: number, dosage: unknown): void => {
    const r = resolveMedicationOf(res, medications);
    if (r.status === 'unresolved') { unresolved++; bump(tally.excluded, 'medication_unresolved'); return; }
    if (r.status === 'not_tracked') return;
    out.push(toFact(type, r.medication, t, dosage));
    tally.used++;
  };
  for (const req of requests) {
    try {
      const status = asString(own(req, 'status'));
      if (status === 'entered-in-error') { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      const t = parseFhirDate(own(req, 'authoredOn'));
      if (Number.isFinite(t) && t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const validity = asObject(asObject(own(req, 'dispenseRequest'))?.validityPeriod);
      const end = validity ? parseFhirDate(validity.end) : NaN;
      const active = status === 'active'
        ? !(Number.isFinite(end) && end < asOfMs)
        : (status === 'completed' || status === 'stopped') && Number.isFinite(end) && end >= asOfMs;
      if (!active) continue;
      take(req, 'MedicationRequest', t, own(req, 'dosageInstruction'));
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  for (const st of statements) {
    try {
      const status = asString(own(st, 'status'));
      if (status === 'entered-in-error') { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      if (status !== 'active' && status !== 'intended' && status !== 'completed' && status !== 'stopped') continue;
      const period = asObject(own(st, 'effectivePeriod'));
      let start = parseFhirDate(own(st, 'effectiveDateTime'));
      if (!Number.isFinite(start) && period) start = parseFhirDate(period.start);
      const end = period ? parseFhirDate(period.end) : NaN;
      const t = Number.isFinite(start) ? start : parseFhirDate(own(st, 'dateAsserted'));
      if (Number.isFinite(t) && t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const covers = Number.isFinite(end) ? end >= asOfMs : status === 'active' || status === 'intended';
      if (!covers) continue;
      take(st, 'MedicationStatement', t, own(st, 'dosage'));
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  // A dispense is active from hand-over for its days' supply; without daysSupply its span is unknown
  // and it is not counted (neither as taking nor as not taking: requests and statements decide).
  for (const d of dispenses) {
    try {
      const status = asString(own(d, 'status'));
      if (status === 'entered-in-error') { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      if (status !== 'completed' && status !== 'in-progress') continue;
      let t = parseFhirDate(own(d, 'whenHandedOver'));
      if (!Number.isFinite(t)) t = parseFhirDate(own(d, 'whenPrepared'));
      if (!Number.isFinite(t)) continue;
      if (t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const days = daysSupplyOf(d);
      if (days === undefined || t + days * MS_PER_DAY < asOfMs) continue;
      take(d, 'MedicationDispense', t, own(d, 'dosageInstruction'));
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  return { facts: out, unresolved };
}
