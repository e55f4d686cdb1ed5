/**
 * MedicationRequest / MedicationStatement -> medications active at asOf, resolved through the static
 * RxNorm table (medicationCodeableConcept, or a contained / referenced Medication).
 *
 * Active at asOf:
 *  - MedicationRequest: authoredOn <= asOf and either status 'active' with no
 *    dispenseRequest.validityPeriod.end before asOf, or status 'completed'/'stopped' with a validity
 *    end after asOf (it was active then). Other statuses are not active.
 *  - MedicationStatement: status active/intended/completed/stopped with an effective period that
 *    covers asOf (start <= asOf, end absent or >= asOf; completed/stopped need an end).
 */
import { resolveMedication, statinIntensity, type ResolvedMedication } from './codes/resolve-medication';
import { readDosage } from './dosage';
import { asArray, asObject, asString, codingsOf, isoDate, own, parseFhirDate, textOf, type Json } from './fhir-read';
import { bump, type ObservationTally } from './extract-observations';
import type { MedicationFact } from './types';

/** The medication of a request/statement: CodeableConcept, or contained / bundled Medication. */
export function medicationConceptOf(res: Json, medications: ReadonlyMap<string, Json>): unknown {
  const cc = own(res, 'medicationCodeableConcept');
  if (cc !== undefined) return cc;
  const ref = asObject(own(res, 'medicationReference'));
  const target = ref ? asString(ref.reference) : undefined;
  if (!target) return undefined;
  if (target.startsWith('#')) {
    const id = target.slice(1);
    for (const c of asArray(own(res, 'contained')) ?? []) {
      const m = asObject(c);
      if (m && m.resourceType === 'Medication' && m.id === id) return m.code;
    }
    return undefined;
  }
  const med = medications.get(target) ?? medications.get(target.replace(/^.*\/(Medication\/[^/]+)$/, '$1'));
  return med ? own(med, 'code') : undefined;
}

export function resolveFromResource(res: Json, medications: ReadonlyMap<string, Json>): ResolvedMedication | undefined {
  const concept = medicationConceptOf(res, medications);
  if (concept === undefined) return undefined;
  return resolveMedication(codingsOf(concept), textOf(concept));
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

export function extractMedications(
  requests: readonly Json[],
  statements: readonly Json[],
  medications: ReadonlyMap<string, Json>,
  asOfMs: number,
  tally: ObservationTally,
): MedicationFact[] {
  const out: MedicationFact[] = [];
  for (const req of requests) {
    try {
      const status = asString(own(req, 'status'));
      if (status === 'entered-in-error') { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      const resolved = resolveFromResource(req, medications);
      if (!resolved) continue;
      const t = parseFhirDate(own(req, 'authoredOn'));
      if (Number.isFinite(t) && t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const validity = asObject(asObject(own(req, 'dispenseRequest'))?.validityPeriod);
      const end = validity ? parseFhirDate(validity.end) : NaN;
      const active = status === 'active'
        ? !(Number.isFinite(end) && end < asOfMs)
        : (status === 'completed' || status === 'stopped') && Number.isFinite(end) && end >= asOfMs;
      if (!active) continue;
      out.push(toFact('MedicationRequest', resolved, t, own(req, 'dosageInstruction')));
      tally.used++;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  for (const st of statements) {
    try {
      const status = asString(own(st, 'status'));
      if (status === 'entered-in-error') { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      if (status !== 'active' && status !== 'intended' && status !== 'completed' && status !== 'stopped') continue;
      const resolved = resolveFromResource(st, medications);
      if (!resolved) continue;
      const period = asObject(own(st, 'effectivePeriod'));
      let start = parseFhirDate(own(st, 'effectiveDateTime'));
      if (!Number.isFinite(start) && period) start = parseFhirDate(period.start);
      const end = period ? parseFhirDate(period.end) : NaN;
      const t = Number.isFinite(start) ? start : parseFhirDate(own(st, 'dateAsserted'));
      if (Number.isFinite(t) && t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const covers = Number.isFinite(end) ? end >= asOfMs : status === 'active' || status === 'intended';
      if (!covers) continue;
      out.push(toFact('MedicationStatement', resolved, t, own(st, 'dosage')));
      tally.used++;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  return out;
}
