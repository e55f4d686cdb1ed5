/**
 * Observations -> canonical series per concept, smoking status, and the eGFR series
 * (CKD-EPI 2021 recomputed from creatinine; reported eGFR only on days without creatinine).
 */
import { ckdEpi2021 } from './ckd-epi-2021';
import {
  BP_PANEL_CODES, CONCEPT_UNITS, LOINC_SYSTEM, LOINC_TO_CONCEPT, OBSERVATION_CONCEPTS, SMOKING_STATUS, SMOKING_STATUS_CODES,
  type ObservationConcept,
} from './codes/observation-concepts';
import { asArray, asFiniteNumber, asObject, asString, codingsOf, MS_PER_DAY, MS_PER_YEAR, own, parseFhirDate, textOf, type Json } from './fhir-read';
import type { PatientInfo, SeriesPoint, SmokingPoint } from './types';
import { toCanonical } from './units/normalize-unit';

const UCUM_SYSTEM = 'http://unitsofmeasure.org';
const USABLE_STATUS: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);

export interface ObservationTally {
  excluded: Record<string, number>;
  corrected: Record<string, number>;
  used: number;
  /**
   * Value-level exclusions by `reason|concept|unit` (operators drill into "implausible_value" by
   * concept and unit). The unit is a label from {@link unitLabel}: never free text from the record.
   */
  excludedByConcept?: Record<string, number>;
}

export function bump(counts: Record<string, number>, reason: string, n = 1): void {
  counts[reason] = (counts[reason] ?? 0) + n;
}

/** Longest unit string kept as a label; longer ones (and any with unusual characters) become 'other'. */
const MAX_UNIT_LABEL = 24;
const UNIT_LABEL_CHARS = /^[A-Za-z0-9/\[\]{}%._*^'-]+$/;

/**
 * A bounded, non-identifying label for the unit a value came in: the resolved UCUM code when the
 * unit was understood, 'none' when absent, 'unrecognised' when not a unit we can read (free text
 * in Quantity.unit could carry anything), 'other' when too long or with unusual characters.
 */
export function unitLabel(unit: string | undefined, resolvedUcum?: string): string {
  if (resolvedUcum !== undefined) return resolvedUcum.length <= MAX_UNIT_LABEL ? resolvedUcum : 'other';
  if (unit === undefined || unit === '') return 'none';
  return unit.length <= MAX_UNIT_LABEL && UNIT_LABEL_CHARS.test(unit) ? unit : 'other';
}

function bumpDetail(tally: ObservationTally, reason: string, concept: string, unit: string): void {
  bump(tally.excluded, reason);
  bump((tally.excludedByConcept ??= {}), `${reason}|${concept}|${unit}`);
}

export function emptySeries(): Record<ObservationConcept, SeriesPoint[]> {
  const s = {} as Record<ObservationConcept, SeriesPoint[]>;
  for (const c of OBSERVATION_CONCEPTS) s[c] = [];
  return s;
}

/**
 * Effective time: effectiveDateTime | effectiveInstant | effectivePeriod (end, else start) | issued.
 * Returns the epoch ms and the FHIR string it came from (kept as the provenance date: formatting a
 * Date per value cost 16 % of extraction time).
 */
export function observationTime(obs: Json): { t: number; date: string } | undefined {
  const dt = own(obs, 'effectiveDateTime');
  let t = parseFhirDate(dt);
  if (Number.isFinite(t)) return { t, date: dt as string };
  const inst = own(obs, 'effectiveInstant');
  t = parseFhirDate(inst);
  if (Number.isFinite(t)) return { t, date: inst as string };
  const period = asObject(own(obs, 'effectivePeriod'));
  if (period) {
    t = parseFhirDate(period.end);
    if (Number.isFinite(t)) return { t, date: period.end as string };
    t = parseFhirDate(period.start);
    if (Number.isFinite(t)) return { t, date: period.start as string };
  }
  const issued = own(obs, 'issued');
  t = parseFhirDate(issued);
  return Number.isFinite(t) ? { t, date: issued as string } : undefined;
}

interface Lookup {
  concept?: ObservationConcept;
  panel?: boolean;
  smoking?: boolean;
  display?: string;
  /** The LOINC code matched (kept for eGFR, where the code says which equation). */
  code?: string;
}

// Allocation-free on the miss path: most Observations in a record are codes we do not use.
function lookupCode(code: unknown): Lookup | undefined {
  const cc = asObject(code);
  const list = cc ? cc.coding : undefined;
  if (!Array.isArray(list)) return undefined;
  for (const raw of list) {
    const c = asObject(raw);
    if (!c) continue;
    const system = c.system;
    if (system !== undefined && system !== LOINC_SYSTEM) continue;
    const value = c.code;
    if (typeof value !== 'string') continue;
    const display = typeof c.display === 'string' ? c.display : undefined;
    const concept = LOINC_TO_CONCEPT.get(value);
    if (concept) return { concept, display: display ?? textOf(code), code: value };
    if (BP_PANEL_CODES.has(value)) return { panel: true, display };
    if (SMOKING_STATUS_CODES.has(value)) return { smoking: true, display };
  }
  return undefined;
}

export function extractObservations(
  observations: readonly Json[],
  asOfMs: number,
  tally: ObservationTally,
): { series: Record<ObservationConcept, SeriesPoint[]>; smoking: SmokingPoint[] } {
  const series = emptySeries();
  const smoking: SmokingPoint[] = [];

  let ref: string | undefined;
  const addValue = (concept: ObservationConcept, quantity: unknown, t: number, date: string, display: string | undefined, loinc?: string): boolean => {
    const q = asObject(quantity);
    const raw = q ? asFiniteNumber(q.value) : undefined;
    if (!q || raw === undefined) { bumpDetail(tally, 'no_value', concept, 'none'); return false; }
    const code = asString(q.code);
    const unit = code !== undefined && (q.system === UCUM_SYSTEM || q.system === undefined) ? code : (asString(q.unit) ?? code);
    const conv = toCanonical(concept, raw, unit);
    if (!conv.ok) {
      // An unknown unit is not echoed (it may be free text); an incompatible one is a valid UCUM code.
      bumpDetail(tally, conv.reason, concept, conv.reason === 'unknown_unit' ? (unit ? 'unrecognised' : 'none') : unitLabel(unit));
      return false;
    }
    const spec = CONCEPT_UNITS[concept];
    if (!(conv.value >= spec.min && conv.value <= spec.max)) { bumpDetail(tally, 'implausible_value', concept, unitLabel(unit, conv.ucum)); return false; }
    const point: SeriesPoint = { t, value: conv.value, date, derivation: concept === 'egfr_reported' ? 'reported' : 'measured' };
    // Counted after duplicate removal, so a defect is counted once per kept value.
    if (conv.flag) point.corrected = conv.flag;
    else if (typeof q.comparator === 'string') point.corrected = 'censored_value_bound_used';
    if (conv.ucum !== spec.unit || raw !== conv.value) {
      point.originalValue = raw;
      if (unit !== undefined) point.originalUnit = unit;
    }
    if (display) point.display = display;
    if (concept === 'egfr_reported' && loinc) point.code = loinc;
    if (ref) point.ref = ref;
    series[concept].push(point);
    return true;
  };

  for (const obs of observations) {
    try {
      const id = own(obs, 'id');
      ref = typeof id === 'string' ? `Observation/${id}` : undefined;
      const look = lookupCode(own(obs, 'code'));
      if (!look) {
        if (asObject(own(obs, 'code')) === undefined) bump(tally.excluded, 'malformed_resource');
        continue;
      }
      const status = asString(own(obs, 'status'));
      if (!status || !USABLE_STATUS.has(status)) { bump(tally.excluded, 'not_final'); continue; }
      const when = observationTime(obs);
      if (!when) { bump(tally.excluded, 'no_date'); continue; }
      const { t, date } = when;
      if (t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      let used = false;
      if (look.smoking) {
        const answer = codingsOf(own(obs, 'valueCodeableConcept'));
        for (const a of answer) {
          const s = SMOKING_STATUS.get(a.code);
          if (s) {
            smoking.push({ t, date, status: s, display: a.display, resourceType: 'Observation' });
            used = true;
            break;
          }
        }
        if (!used) bump(tally.excluded, 'unknown_code');
      } else if (look.panel) {
        for (const raw of asArray(own(obs, 'component')) ?? []) {
          const comp = asObject(raw);
          if (!comp) continue;
          const inner = lookupCode(comp.code);
          if (inner?.concept === 'sbp' || inner?.concept === 'dbp') used = addValue(inner.concept, comp.valueQuantity, t, date, inner.display) || used;
        }
      } else if (look.concept) {
        used = addValue(look.concept, own(obs, 'valueQuantity'), t, date, look.display, look.code);
      }
      if (used) tally.used++;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  // Sort by (time, value) so exact duplicates (same concept, time and canonical value: the same
  // result sent twice) are adjacent and removed in one pass.
  for (const c of OBSERVATION_CONCEPTS) {
    const list = series[c];
    if (list.length < 2) continue;
    list.sort((a, b) => a.t - b.t || a.value - b.value);
    let w = 1;
    for (let r = 1; r < list.length; r++) {
      if (list[r].t === list[w - 1].t && list[r].value === list[w - 1].value) { bump(tally.excluded, 'duplicate'); continue; }
      list[w++] = list[r];
    }
    list.length = w;
  }
  for (const c of OBSERVATION_CONCEPTS) for (const p of series[c]) if (p.corrected) bump(tally.corrected, p.corrected);
  if (smoking.length > 1) smoking.sort((a, b) => a.t - b.t);
  return { series, smoking };
}

/** Rank of a reported eGFR code when a day has several (lower wins); race-adjusted codes never count. */
const RACE_ADJUSTED = 99;
export const EGFR_CODE_RANK: ReadonlyMap<string, number> = new Map([
  // CKD-EPI 2021, race-free (creatinine; creatinine + cystatin C)
  ['98979-8', 0], ['98980-6', 0],
  // Race-specific equations' "non-Black" values (MDRD 48642-3, CKD-EPI 2009 88294-4): used only when nothing better
  ['48642-3', 2], ['88294-4', 2],
  // "Among Blacks" race-adjusted values (MDRD 48643-1, CKD-EPI 2009 88293-6): never used
  ['48643-1', RACE_ADJUSTED], ['88293-6', RACE_ADJUSTED],
  // Every other eGFR code (unspecified or race-free equations): rank 1 by default
]);

/** Adults only: CKD-EPI 2021 was developed and validated in people aged 18 and over. */
const MIN_EGFR_AGE = 18;

/**
 * eGFR series: CKD-EPI 2021 from each creatinine (age and sex at that date); a reported eGFR is
 * used only on UTC days without any creatinine. Oldest first.
 */
export function buildEgfrSeries(
  creatinine: readonly SeriesPoint[],
  reported: readonly SeriesPoint[],
  patient: PatientInfo,
  tally: ObservationTally,
): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  const creatinineDays = new Set<number>();
  for (const cr of creatinine) {
    if (patient.sex === undefined || patient.birthMs === undefined) { bump(tally.excluded, 'egfr_not_computable'); continue; }
    const age = (cr.t - patient.birthMs) / MS_PER_YEAR;
    if (age < MIN_EGFR_AGE) { bump(tally.excluded, 'egfr_not_computable'); continue; }
    const egfr = ckdEpi2021(cr.value, age, patient.sex);
    if (!Number.isFinite(egfr)) { bump(tally.excluded, 'egfr_not_computable'); continue; }
    // Same plausibility bounds as a reported eGFR (an extreme but plausible creatinine can still yield one).
    if (egfr < CONCEPT_UNITS.egfr_reported.min || egfr > CONCEPT_UNITS.egfr_reported.max) {
      bumpDetail(tally, 'implausible_value', 'egfr_computed', CONCEPT_UNITS.egfr_reported.unit);
      continue;
    }
    creatinineDays.add(Math.floor(cr.t / MS_PER_DAY));
    out.push({ t: cr.t, value: egfr, date: cr.date, display: 'eGFR CKD-EPI 2021 (computed from creatinine)', derivation: 'computed', basis: cr });
  }
  // Reported eGFR on days without a creatinine: one value per UTC day, by equation preference
  // (EGFR_CODE_RANK). Race-adjusted codes never count: they overstate eGFR in Black patients and
  // CKD-EPI 2021 (race-free) replaced them; a lab that sends several values on one day is common.
  const bestOfDay = new Map<number, { p: SeriesPoint; rank: number }>();
  for (const r of reported) {
    const day = Math.floor(r.t / MS_PER_DAY);
    if (creatinineDays.has(day)) continue;
    const rank = r.code !== undefined ? (EGFR_CODE_RANK.get(r.code) ?? 1) : 1;
    if (rank === RACE_ADJUSTED) { bump(tally.excluded, 'egfr_race_adjusted'); continue; }
    const cur = bestOfDay.get(day);
    if (!cur || rank < cur.rank || (rank === cur.rank && r.t > cur.p.t)) {
      if (cur) bump(tally.excluded, 'egfr_same_day_less_preferred');
      bestOfDay.set(day, { p: r, rank });
    } else {
      bump(tally.excluded, 'egfr_same_day_less_preferred');
    }
  }
  let merged = false;
  for (const { p } of bestOfDay.values()) {
    out.push(p);
    merged = true;
  }
  if (merged) out.sort((a, b) => a.t - b.t);
  return out;
}
