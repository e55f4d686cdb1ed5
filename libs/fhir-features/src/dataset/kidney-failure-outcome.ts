/**
 * The training label: kidney failure, defined as the first of dialysis, kidney transplant or ESRD
 * coded in the record, or a sustained eGFR < 15 mL/min/1.73 m2 (a value below 15 confirmed by the
 * next value, at least 90 days later, also below 15: KDIGO's G5 needs persistence over 3 months),
 * and the end of follow-up (the last dated fact in the record), for censoring.
 */
import { SNOMED_PROCEDURES, SNOMED_SYSTEM } from '../codes/condition-concepts';
import { collectResources } from '../collect-resources';
import { codingsOf, MS_PER_DAY, own, parseFhirDate } from '../fhir-read';
import type { PatientFeaturesInternal as PatientFeatures } from '../types';

export const KIDNEY_FAILURE_EGFR = 15;
export const SUSTAINED_DAYS = 90;

export interface KidneyFailureOutcome {
  /** Epoch ms of kidney failure, if observed. */
  eventMs?: number;
  /** Epoch ms of the last dated fact in the record (end of follow-up). */
  followUpEndMs: number;
}

/**
 * Earliest completed dialysis or kidney transplant Procedure in the record (the extraction keeps
 * only recent dialysis, for "on dialysis now"; a label needs the first one, however old).
 */
export function firstKrtProcedure(record: unknown): number {
  let first = Infinity;
  for (const proc of collectResources(record).procedures) {
    const status = own(proc, 'status');
    if (status !== 'completed' && status !== 'in-progress') continue;
    const krt = codingsOf(own(proc, 'code')).some((c) => c.system === SNOMED_SYSTEM && (SNOMED_PROCEDURES.get(c.code) === 'dialysis' || SNOMED_PROCEDURES.get(c.code) === 'kidney_transplant'));
    if (!krt) continue;
    let t = parseFhirDate(own(proc, 'performedDateTime'));
    const period = own(proc, 'performedPeriod') as { start?: unknown } | undefined;
    if (!Number.isFinite(t) && period && typeof period === 'object') t = parseFhirDate(period.start);
    if (Number.isFinite(t) && t < first) first = t;
  }
  return first;
}

/**
 * Reads the outcome from an extraction of the whole record (asOf after every fact) and, for
 * procedures, the record itself.
 */
export function kidneyFailureOutcome(full: PatientFeatures, record?: unknown): KidneyFailureOutcome {
  let event = record === undefined ? Infinity : firstKrtProcedure(record);
  for (const concept of ['dialysis', 'kidney_transplant', 'esrd'] as const) {
    for (const f of full.conditions[concept] ?? []) if (Number.isFinite(f.t) && f.t < event) event = f.t;
  }
  const e = full.egfr;
  for (let i = 0; i < e.length && e[i]!.t < event; i++) {
    if (e[i]!.value >= KIDNEY_FAILURE_EGFR) continue;
    // Confirmed when every later value until one >= 90 days later stays below 15.
    for (let j = i + 1; j < e.length; j++) {
      if (e[j]!.value >= KIDNEY_FAILURE_EGFR) break;
      if (e[j]!.t - e[i]!.t >= SUSTAINED_DAYS * MS_PER_DAY) { event = Math.min(event, e[i]!.t); break; }
    }
  }
  let end = -Infinity;
  for (const points of Object.values(full.series)) for (const p of points) if (p.t > end) end = p.t;
  for (const p of e) if (p.t > end) end = p.t;
  for (const facts of Object.values(full.conditions)) for (const f of facts ?? []) if (Number.isFinite(f.t) && f.t > end) end = f.t;
  for (const m of full.medications) if (Number.isFinite(m.t) && m.t > end) end = m.t;
  // The event itself is a dated fact: the record follows the patient at least until then.
  if (Number.isFinite(event) && event > end) end = event;
  return { ...(Number.isFinite(event) ? { eventMs: event } : {}), followUpEndMs: end };
}
