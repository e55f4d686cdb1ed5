/**
 * Conditions (and a few Procedures) -> concept facts as of asOf.
 * Active: clinicalStatus active/recurrence/relapse, or inactive/remission/resolved with an abatement
 * after asOf (it was active then); not refuted or entered-in-error; onset <= asOf; not abated by asOf.
 * History concepts (stroke, MI, major bleeding ...) count whenever diagnosed before asOf.
 */
import {
  HISTORY_CONCEPTS, ICD10_SYSTEMS, lookupIcd10, SNOMED_CONDITIONS, SNOMED_PROCEDURES, SNOMED_SYSTEM,
  type ConditionCodeInfo, type ConditionConcept,
} from './codes/condition-concepts';
import { asObject, asString, codingsOf, firstCode, isoDate, MS_PER_DAY, own, parseFhirDate, textOf, type Json } from './fhir-read';
import { bump, type ObservationTally } from './extract-observations';
import type { ConditionFact } from './types';

const ACTIVE: ReadonlySet<string> = new Set(['active', 'recurrence', 'relapse']);
const INACTIVE: ReadonlySet<string> = new Set(['inactive', 'remission', 'resolved']);
const EXCLUDED_VERIFICATION: ReadonlySet<string> = new Set(['refuted', 'entered-in-error']);
/** A dialysis procedure this recent means ongoing kidney replacement therapy. */
const DIALYSIS_RECENCY_DAYS = 90;

function lookupConditionCodes(code: unknown): { info: ConditionCodeInfo[]; display?: string } {
  const info: ConditionCodeInfo[] = [];
  let display: string | undefined;
  for (const c of codingsOf(code)) {
    let hit: ConditionCodeInfo | undefined;
    if (c.system === SNOMED_SYSTEM) hit = SNOMED_CONDITIONS.get(c.code);
    else if (c.system !== undefined && ICD10_SYSTEMS.has(c.system)) hit = lookupIcd10(c.code);
    if (hit) {
      info.push(hit);
      display ??= c.display;
    }
  }
  return { info, display: display ?? textOf(code) };
}

function onsetOf(cond: Json): number {
  let t = parseFhirDate(own(cond, 'onsetDateTime'));
  if (Number.isFinite(t)) return t;
  const period = asObject(own(cond, 'onsetPeriod'));
  if (period) {
    t = parseFhirDate(period.start);
    if (Number.isFinite(t)) return t;
  }
  return parseFhirDate(own(cond, 'recordedDate'));
}

function abatementOf(cond: Json): number {
  const t = parseFhirDate(own(cond, 'abatementDateTime'));
  if (Number.isFinite(t)) return t;
  const period = asObject(own(cond, 'abatementPeriod'));
  if (period) {
    const e = parseFhirDate(period.end);
    if (Number.isFinite(e)) return e;
    return parseFhirDate(period.start);
  }
  return NaN;
}

export function extractConditions(
  conditions: readonly Json[],
  procedures: readonly Json[],
  asOfMs: number,
  tally: ObservationTally,
): Partial<Record<ConditionConcept, ConditionFact[]>> {
  const out: Partial<Record<ConditionConcept, ConditionFact[]>> = {};
  const add = (f: ConditionFact): void => {
    (out[f.concept] ??= []).push(f);
  };
  for (const cond of conditions) {
    try {
      const codeVal = own(cond, 'code');
      if (asObject(codeVal) === undefined) { bump(tally.excluded, 'malformed_resource'); continue; }
      const { info, display } = lookupConditionCodes(codeVal);
      if (info.length === 0) continue;
      const verification = firstCode(own(cond, 'verificationStatus'));
      if (verification && EXCLUDED_VERIFICATION.has(verification)) { bump(tally.excluded, 'refuted_or_entered_in_error'); continue; }
      const clinical = firstCode(own(cond, 'clinicalStatus'));
      const onset = onsetOf(cond);
      if (Number.isFinite(onset) && onset > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      const abated = abatementOf(cond);
      let active: boolean;
      if (Number.isFinite(abated) && abated <= asOfMs) active = false;
      else if (clinical && ACTIVE.has(clinical)) active = true;
      else if (clinical && INACTIVE.has(clinical)) active = Number.isFinite(abated) && abated > asOfMs;
      else active = true; // no status and not abated by asOf
      let used = false;
      for (const i of info) {
        for (const concept of i.concepts) {
          const history = HISTORY_CONCEPTS.has(concept);
          if (!active && !history) continue;
          const fact: ConditionFact = { concept, t: onset, display, resourceType: 'Condition', active: true };
          if (Number.isFinite(onset)) fact.date = isoDate(onset);
          if (i.stage !== undefined && concept === 'ckd') fact.stage = i.stage;
          if (concept === 'esrd' && i.stage !== undefined) fact.stage = i.stage;
          add(fact);
          used = true;
        }
      }
      if (used) tally.used++;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  for (const proc of procedures) {
    try {
      const status = asString(own(proc, 'status'));
      if (status !== 'completed' && status !== 'in-progress') continue;
      let concept: ConditionConcept | undefined;
      let display: string | undefined;
      for (const c of codingsOf(own(proc, 'code'))) {
        if (c.system !== SNOMED_SYSTEM) continue;
        concept = SNOMED_PROCEDURES.get(c.code);
        if (concept) { display = c.display; break; }
      }
      if (!concept) continue;
      let t = parseFhirDate(own(proc, 'performedDateTime'));
      const period = asObject(own(proc, 'performedPeriod'));
      if (!Number.isFinite(t) && period) t = parseFhirDate(period.end ?? period.start);
      if (!Number.isFinite(t)) { bump(tally.excluded, 'no_date'); continue; }
      if (t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      if (concept === 'dialysis' && asOfMs - t > DIALYSIS_RECENCY_DAYS * MS_PER_DAY) continue;
      add({ concept, t, date: isoDate(t), display, resourceType: 'Procedure', active: true });
      tally.used++;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  return out;
}
