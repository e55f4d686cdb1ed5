/**
 * Facts the clinical safety screening needs beyond the common extraction: pregnancy and lactation
 * (status observations LOINC 82810-3 / 63895-7, estimated delivery date 11778-8, pregnancy and
 * lactation conditions), allergies (extract-allergies.ts) and contraindicating conditions
 * (ketoacidosis, prosthetic valve, mitral stenosis, angioedema, active bleeding; codes in
 * codes/safety-codes.ts). Pure; never throws (a malformed resource is skipped and counted).
 */
import {
  ACTIVE_BLEEDING_MAX_DAYS, BREASTFEEDING_STATUS_LOINC, DELIVERY_DATE_ESTIMATED_LOINC, PREGNANCY_ANSWERS, PREGNANCY_MAX_DAYS,
  PREGNANCY_STATUS_LOINC, SAFETY_HISTORY_CONCEPTS, SAFETY_SNOMED, lookupSafetyIcd10, type SafetyConcept,
} from './codes/safety-codes';
import { ICD10_SYSTEMS, SNOMED_SYSTEM } from './codes/condition-concepts';
import { extractAllergies } from './extract-allergies';
import { bump, observationTime, type ObservationTally } from './extract-observations';
import { asObject, asString, codingsOf, firstCode, isoDate, MS_PER_DAY, own, parseFhirDate, textOf, type Json } from './fhir-read';
import type { PregnancyFact, SafetyFact, SafetyFacts } from './types';
import type { CollectedRecord } from './collect-resources';

const LOINC_SYSTEM = 'http://loinc.org';
const NEGATION = /\b(not|no|never|stopped|ceased|denies)\b/;

function later<T extends { t: number }>(a: T | undefined, b: T): T {
  if (!a) return b;
  const at = Number.isFinite(a.t) ? a.t : -Infinity;
  const bt = Number.isFinite(b.t) ? b.t : -Infinity;
  return bt >= at ? b : a;
}

const SAFETY_LOINC: ReadonlySet<string> = new Set([PREGNANCY_STATUS_LOINC, DELIVERY_DATE_ESTIMATED_LOINC, BREASTFEEDING_STATUS_LOINC]);

/** Which of the safety LOINC codes the observation carries; allocation-free on the (common) miss path. */
function safetyLoinc(obs: Json): string | undefined {
  const list = asObject(own(obs, 'code'))?.coding;
  if (!Array.isArray(list)) return undefined;
  for (const raw of list) {
    const c = asObject(raw);
    if (c && typeof c.code === 'string' && SAFETY_LOINC.has(c.code) && (c.system === undefined || c.system === LOINC_SYSTEM)) return c.code;
  }
  return undefined;
}

/** Pregnancy / breastfeeding status and estimated delivery date observations. */
function readObservations(observations: readonly Json[], asOfMs: number, tally: ObservationTally): { pregnancy?: PregnancyFact; lactation?: PregnancyFact } {
  let pregnancy: PregnancyFact | undefined;
  let lactation: PregnancyFact | undefined;
  for (const obs of observations) {
    try {
      const loinc = safetyLoinc(obs);
      if (loinc === undefined) continue;
      const status = asString(own(obs, 'status'));
      if (status === 'entered-in-error' || status === 'cancelled') continue;
      const isStatus = loinc === PREGNANCY_STATUS_LOINC;
      const isEdd = loinc === DELIVERY_DATE_ESTIMATED_LOINC;
      const when = observationTime(obs);
      if (!when) { bump(tally.excluded, 'no_date'); continue; }
      if (when.t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const base = { t: when.t, date: when.date, resourceType: 'Observation' as const };
      if (isStatus) {
        if (asOfMs - when.t > PREGNANCY_MAX_DAYS * MS_PER_DAY) continue;
        const answers = codingsOf(own(obs, 'valueCodeableConcept'));
        const hit = answers.map((a) => ({ a, v: PREGNANCY_ANSWERS.get(a.code) })).find((x) => x.v !== undefined);
        if (!hit || hit.v === 'unknown') continue;
        pregnancy = later(pregnancy, { ...base, pregnant: hit.v === true, code: `${LOINC_SYSTEM}|${PREGNANCY_STATUS_LOINC}`, display: `Pregnancy status: ${hit.a.display ?? hit.a.code}` });
        tally.used++;
      } else if (isEdd) {
        // An estimated delivery date still ahead of asOf (and recorded within 42 weeks) means pregnant now.
        const edd = parseFhirDate(own(obs, 'valueDateTime'));
        if (!Number.isFinite(edd) || asOfMs - when.t > PREGNANCY_MAX_DAYS * MS_PER_DAY) continue;
        if (edd > asOfMs) {
          pregnancy = later(pregnancy, { ...base, pregnant: true, code: `${LOINC_SYSTEM}|${DELIVERY_DATE_ESTIMATED_LOINC}`, display: `Estimated delivery date ${isoDate(edd).slice(0, 10)}` });
          tally.used++;
        }
      } else {
        const v = own(obs, 'valueCodeableConcept');
        const text = [textOf(v), ...codingsOf(v).map((c) => c.display)].filter(Boolean).join(' ').toLowerCase();
        const boolean = own(obs, 'valueBoolean');
        const breastfeeding = typeof boolean === 'boolean' ? boolean : text ? !NEGATION.test(text) : undefined;
        if (breastfeeding === undefined) continue;
        lactation = later(lactation, { ...base, pregnant: breastfeeding, code: `${LOINC_SYSTEM}|${BREASTFEEDING_STATUS_LOINC}`, display: `Breastfeeding status: ${text || String(boolean)}` });
        tally.used++;
      }
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  return { pregnancy, lactation };
}

function conceptsOf(code: unknown): { concept: SafetyConcept; display?: string; code: string }[] {
  const out: { concept: SafetyConcept; display?: string; code: string }[] = [];
  for (const c of codingsOf(code)) {
    let hit: SafetyConcept | undefined;
    if (c.system === SNOMED_SYSTEM) hit = SAFETY_SNOMED.get(c.code);
    else if (c.system !== undefined && ICD10_SYSTEMS.has(c.system)) hit = lookupSafetyIcd10(c.code);
    if (hit && !out.some((o) => o.concept === hit)) out.push({ concept: hit, display: c.display ?? textOf(code), code: `${c.system}|${c.code}` });
  }
  return out;
}

/** Conditions -> safety concepts (active at asOf; history concepts whenever recorded before asOf). */
function readConditions(conditions: readonly Json[], asOfMs: number): SafetyFacts['conditions'] {
  const out: SafetyFacts['conditions'] = {};
  for (const cond of conditions) {
    try {
      const hits = conceptsOf(own(cond, 'code'));
      if (hits.length === 0) continue;
      const verification = firstCode(own(cond, 'verificationStatus'));
      if (verification === 'refuted' || verification === 'entered-in-error') continue;
      let onset = parseFhirDate(own(cond, 'onsetDateTime'));
      if (!Number.isFinite(onset)) onset = parseFhirDate(asObject(own(cond, 'onsetPeriod'))?.start);
      if (!Number.isFinite(onset)) onset = parseFhirDate(own(cond, 'recordedDate'));
      if (Number.isFinite(onset) && onset > asOfMs) continue;
      const abated = parseFhirDate(own(cond, 'abatementDateTime'));
      const clinical = firstCode(own(cond, 'clinicalStatus'));
      const active = !(Number.isFinite(abated) && abated <= asOfMs)
        && (clinical === undefined || clinical === 'active' || clinical === 'recurrence' || clinical === 'relapse');
      for (const h of hits) {
        const history = SAFETY_HISTORY_CONCEPTS.has(h.concept);
        if (!active && !history) continue;
        if (h.concept === 'active_bleeding' && Number.isFinite(onset) && asOfMs - onset > ACTIVE_BLEEDING_MAX_DAYS * MS_PER_DAY) continue;
        if (h.concept === 'pregnancy' && Number.isFinite(onset) && asOfMs - onset > PREGNANCY_MAX_DAYS * MS_PER_DAY) continue;
        const fact: SafetyFact = { t: onset, resourceType: 'Condition', code: h.code };
        if (Number.isFinite(onset)) fact.date = isoDate(onset);
        if (h.display) fact.display = h.display;
        (out[h.concept] ??= []).push(fact);
      }
    } catch {
      // Counted by extractConditions, which reads the same resources.
    }
  }
  return out;
}

export function extractSafetyFacts(collected: CollectedRecord, asOfMs: number, tally: ObservationTally): SafetyFacts {
  const obs = readObservations(collected.observations, asOfMs, tally);
  const conditions = readConditions(collected.conditions, asOfMs);
  let pregnancy = obs.pregnancy;
  for (const c of conditions.pregnancy ?? []) pregnancy = later(pregnancy, { ...c, pregnant: true });
  let lactation = obs.lactation;
  for (const c of conditions.lactation ?? []) lactation = later(lactation, { ...c, pregnant: true });
  const facts: SafetyFacts = {
    allergies: extractAllergies(collected.allergies, asOfMs, tally),
    conditions,
    allergyRecordPresent: collected.allergies.length > 0,
  };
  if (pregnancy) facts.pregnancy = pregnancy;
  if (lactation) facts.lactation = lactation;
  return facts;
}
