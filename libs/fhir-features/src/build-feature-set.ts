/**
 * Feature sets: PatientFeatures -> Float32Array in the fixed order of FEATURE_SETS (contracts), a
 * presence mask and provenance per feature. Each feature has exactly one resolver here, so a name
 * means the same thing in every set that uses it.
 */
import { FEATURE_SETS, type FeatureProvenance, type FeatureSetName, type FeatureVectorPayload, type ProvenanceItem } from '@prognos/contracts';
import { aggregateSeries } from './aggregate-series';
import type { ConditionConcept } from './codes/condition-concepts';
import { CONCEPT_UNITS, type ObservationConcept } from './codes/observation-concepts';
import type { MedicationClass } from './codes/rxnorm-table';
import { MS_PER_DAY } from './fhir-read';
import { PGX_RESOLVERS } from './pgx/pgx-resolvers';
import { SAFETY_RESOLVERS } from './safety-resolvers';
import type { ConditionFact, MedicationFact, PatientFeaturesInternal as PatientFeatures, SeriesPoint, SeriesStats } from './types';
import { unresolvedMedicationNote } from './unresolved-medications';

export { unresolvedMedicationNote } from './unresolved-medications';

/** A feature vector in process: Float32Array in the set's fixed order, a presence mask, provenance. */
export interface FeatureVector {
  set: FeatureSetName;
  version: string;
  names: readonly string[];
  values: Float32Array;
  /** 1 = present, 0 = missing. */
  present: Uint8Array;
  provenance: FeatureProvenance[];
  /**
   * Per feature, the 'Observation/<id>' references it was computed from (RiskAssessment.basis). In
   * process only: toFeaturePayload leaves them out, so no id reaches a scorer or Redis.
   */
  refs?: string[][];
}

interface Resolved {
  /** undefined = missing. */
  value?: number;
  items: ProvenanceItem[];
  note?: string;
  /** Source references of a present value (see FeatureVector.refs). */
  refs?: string[];
}

function pointRefs(p: SeriesPoint): string[] {
  const out: string[] = [];
  if (p.ref) out.push(p.ref);
  if (p.basis?.ref) out.push(p.basis.ref);
  return out;
}

/** Provenance items per feature are capped (newest kept) so payloads stay small on long records. */
export const MAX_PROVENANCE_ITEMS = 12;
/** HAS-BLED 'abnormal renal function': creatinine >= 200 µmol/L = 2.26 mg/dL (Pisters 2010). */
const HASBLED_CREATININE_MG_DL = 2.26;
/** Labile INR: TTR (Rosendaal, target 2.0-3.0) < 60 % over the last 180 days with >= 3 INRs. */
const TTR_WINDOW_DAYS = 180;
const TTR_MIN_POINTS = 3;
const TTR_THRESHOLD = 0.6;

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

// ---------- cached aggregates per PatientFeatures ----------
const statsCache = new WeakMap<PatientFeatures, Map<string, SeriesStats>>();
function statsOf(pf: PatientFeatures, key: ObservationConcept | 'egfr'): SeriesStats {
  let m = statsCache.get(pf);
  if (!m) { m = new Map(); statsCache.set(pf, m); }
  let s = m.get(key);
  if (!s) {
    const points = key === 'egfr' ? pf.egfr : pf.series[key];
    s = aggregateSeries(points, pf.asOf.getTime(), pf.options.latestMaxAgeDays, pf.options.windowDays);
    m.set(key, s);
  }
  return s;
}

// ---------- provenance builders ----------
function pointItems(concept: string, unit: string, p: SeriesPoint): ProvenanceItem[] {
  const item: ProvenanceItem = { concept, value: round4(p.value), unit, date: p.date, resourceType: 'Observation', derivation: p.derivation };
  if (p.originalValue !== undefined) {
    item.originalValue = p.originalValue;
    if (p.originalUnit !== undefined) item.originalUnit = p.originalUnit;
  }
  if (p.display) item.display = p.display;
  return p.basis ? [item, ...pointItems('creatinine', CONCEPT_UNITS.creatinine.unit, p.basis)] : [item];
}

function windowItems(concept: string, unit: string, stats: SeriesStats): { items: ProvenanceItem[]; note?: string } {
  const pts = stats.window.slice(-MAX_PROVENANCE_ITEMS);
  const items = pts.map((p) => pointItems(concept, unit, p)[0]);
  return stats.window.length > pts.length ? { items, note: `${pts.length} most recent of ${stats.window.length} values shown` } : { items };
}

function conditionItem(f: ConditionFact): ProvenanceItem {
  const item: ProvenanceItem = { concept: 'condition:' + f.concept, resourceType: f.resourceType, derivation: 'coded' };
  if (f.date) item.date = f.date;
  if (f.display) item.display = f.display;
  return item;
}

function medicationItem(cls: string, m: MedicationFact): ProvenanceItem {
  const item: ProvenanceItem = { concept: 'medication:' + cls, resourceType: m.resourceType, derivation: 'coded' };
  if (m.date) item.date = m.date;
  if (m.display) item.display = m.display;
  if (m.dailyMg !== undefined) { item.value = round4(m.dailyMg); item.unit = 'mg/d'; }
  return item;
}

// ---------- resolver factories ----------
/** Whole days between a result and asOf (completed days, the one rounding every card uses). */
export function daysOld(asOfMs: number, t: number): number {
  return Math.floor((asOfMs - t) / MS_PER_DAY);
}

/** "too old: last value 2021-03-13, 1826 days old, older than the 365-day window (LAB_MAX_AGE_DAYS)". */
export function tooOldNote(date: string, days: number, windowDays: number): string {
  return `too old: last value ${date.slice(0, 10)}, ${days} days old, older than the ${windowDays}-day window (LAB_MAX_AGE_DAYS)`;
}

const missing = (note: string, items: ProvenanceItem[] = []): Resolved => ({ items, note });

function latestOf(concept: ObservationConcept | 'egfr', provConcept: string): (pf: PatientFeatures) => Resolved {
  const unit = concept === 'egfr' ? CONCEPT_UNITS.egfr_reported.unit : CONCEPT_UNITS[concept].unit;
  return (pf) => {
    const s = statsOf(pf, concept);
    if (s.last) return { value: s.last.value, items: pointItems(provConcept, unit, s.last), refs: pointRefs(s.last) };
    const pts = concept === 'egfr' ? pf.egfr : pf.series[concept];
    if (pts.length > 0) {
      const p = pts[pts.length - 1];
      return missing(tooOldNote(p.date, daysOld(pf.asOf.getTime(), p.t), pf.options.latestMaxAgeDays), pointItems(provConcept, unit, p));
    }
    return missing('no usable value in the record');
  };
}

function lastAgeDaysOf(concept: ObservationConcept | 'egfr'): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    const s = statsOf(pf, concept);
    return s.last && s.lastAgeDays !== undefined ? { value: s.lastAgeDays, items: [] } : missing('no recent value');
  };
}

function conditionFacts(pf: PatientFeatures, concepts: readonly ConditionConcept[]): ConditionFact[] {
  const out: ConditionFact[] = [];
  for (const c of concepts) for (const f of pf.conditions[c] ?? []) out.push(f);
  return out;
}

function conditionFlag(...concepts: ConditionConcept[]): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    const facts = conditionFacts(pf, concepts);
    if (facts.length > 0) return { value: 1, items: facts.slice(-MAX_PROVENANCE_ITEMS).map(conditionItem) };
    return pf.typesPresent.conditions ? { value: 0, items: [] } : { value: 0, items: [], note: 'no Condition resources in the record; 0 assumed' };
  };
}

function activeWithClass(pf: PatientFeatures, cls: MedicationClass): MedicationFact[] {
  return pf.medications.filter((m) => m.classes.includes(cls));
}


function medicationFlag(cls: MedicationClass): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    const meds = activeWithClass(pf, cls);
    if (meds.length > 0) return { value: 1, items: meds.slice(0, MAX_PROVENANCE_ITEMS).map((m) => medicationItem(cls, m)) };
    // An unidentified active medicine may be of this class: unknown, never "not taking it".
    if (pf.medicationsUnresolved > 0) return missing(unresolvedMedicationNote(pf.medicationsUnresolved));
    return pf.typesPresent.medications ? { value: 0, items: [] } : { value: 0, items: [], note: 'no medication resources in the record; 0 assumed' };
  };
}

function anyOf(...resolvers: ((pf: PatientFeatures) => Resolved)[]): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    const all = resolvers.map((r) => r(pf));
    const hit = all.filter((r) => r.value === 1);
    if (hit.length > 0) return { value: 1, items: hit.flatMap((r) => r.items).slice(0, MAX_PROVENANCE_ITEMS) };
    const unknown = all.find((r) => r.value === undefined);
    if (unknown) return missing(unknown.note ?? 'unknown');
    const note = all.find((r) => r.note)?.note;
    return note ? { value: 0, items: [], note } : { value: 0, items: [] };
  };
}

// ---------- individual resolvers ----------
function ageYears(pf: PatientFeatures): Resolved {
  if (pf.patient.ageYears === undefined) return missing(pf.patient.present ? 'birthDate missing' : 'no Patient resource');
  return { value: pf.patient.ageYears, items: [{ concept: 'age', value: round4(pf.patient.ageYears), unit: 'a', resourceType: 'Patient', derivation: 'computed' }] };
}

function sexFlag(which: 'male' | 'female'): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    if (!pf.patient.sex) return missing(pf.patient.present ? 'administrative gender is not male or female' : 'no Patient resource');
    return { value: pf.patient.sex === which ? 1 : 0, items: [{ concept: 'sex', resourceType: 'Patient', display: pf.patient.sex, derivation: 'coded' }] };
  };
}

function raceBlack(pf: PatientFeatures): Resolved {
  if (!pf.patient.present) return missing('no Patient resource');
  if (pf.patient.raceBlack === undefined) {
    // PCE convention (Goff 2013): races other than Black use the White equations.
    return { value: 0, items: [], note: 'race not recorded: White equations used (2013 ACC/AHA convention)' };
  }
  return { value: pf.patient.raceBlack ? 1 : 0, items: [{ concept: 'race', resourceType: 'Patient', display: pf.patient.raceBlack ? 'Black or African American' : 'other', derivation: 'coded' }] };
}

function smoker(pf: PatientFeatures): Resolved {
  for (let i = pf.smoking.length - 1; i >= 0; i--) {
    const s = pf.smoking[i];
    if (s.status === 'unknown') continue;
    const item: ProvenanceItem = { concept: 'smoking_status', date: s.date, resourceType: s.resourceType, derivation: 'coded' };
    if (s.display) item.display = s.display;
    return { value: s.status === 'current' ? 1 : 0, items: [item] };
  }
  const tobacco = pf.conditions.tobacco_use ?? [];
  if (tobacco.length > 0) return { value: 1, items: tobacco.slice(-3).map(conditionItem) };
  return missing('no smoking status recorded');
}

function ckdStage(pf: PatientFeatures): Resolved {
  const facts = [...(pf.conditions.ckd ?? []), ...(pf.conditions.esrd ?? [])].filter((f) => f.active && f.stage !== undefined);
  if (facts.length === 0) return missing((pf.conditions.ckd ?? []).length > 0 ? 'CKD coded without a stage' : 'no CKD diagnosis');
  // The most recently coded stage wins (stages are re-coded as CKD progresses); ties: the higher.
  let best = facts[0];
  for (const f of facts) {
    const ft = Number.isFinite(f.t) ? f.t : -Infinity;
    const bt = Number.isFinite(best.t) ? best.t : -Infinity;
    if (ft > bt || (ft === bt && (f.stage ?? 0) > (best.stage ?? 0))) best = f;
  }
  return { value: best.stage!, items: [conditionItem(best)] };
}

function renalAbnormal(pf: PatientFeatures): Resolved {
  const coded = conditionFacts(pf, ['dialysis', 'kidney_transplant', 'esrd']);
  if (coded.length > 0) return { value: 1, items: coded.slice(-MAX_PROVENANCE_ITEMS).map(conditionItem) };
  const cr = statsOf(pf, 'creatinine').last;
  if (cr) return { value: cr.value >= HASBLED_CREATININE_MG_DL ? 1 : 0, items: pointItems('creatinine', CONCEPT_UNITS.creatinine.unit, cr), refs: pointRefs(cr) };
  return { value: 0, items: [], note: 'no recent creatinine; only coded dialysis/transplant checked' };
}

function liverAbnormal(pf: PatientFeatures): Resolved {
  const r = conditionFlag('liver_disease')(pf);
  return r.value === 0 && !r.note ? { ...r, note: 'coded cirrhosis/chronic liver disease only (bilirubin/transaminase criterion not evaluated)' } : r;
}

/** Fraction of time in [lo, hi] of a linear segment from v0 to v1 (Rosendaal interpolation). */
function fractionInRange(v0: number, v1: number, lo: number, hi: number): number {
  if (v0 === v1) return v0 >= lo && v0 <= hi ? 1 : 0;
  const a = Math.min(v0, v1);
  const b = Math.max(v0, v1);
  return Math.max(0, Math.min(b, hi) - Math.max(a, lo)) / (b - a);
}

/** Time in therapeutic range 2.0-3.0 by Rosendaal linear interpolation. */
export function timeInTherapeuticRange(points: readonly { t: number; value: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  let inRange = 0;
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const dt = points[i].t - points[i - 1].t;
    if (dt <= 0) continue;
    inRange += dt * fractionInRange(points[i - 1].value, points[i].value, 2, 3);
    total += dt;
  }
  return total > 0 ? inRange / total : undefined;
}

function labileInr(pf: PatientFeatures): Resolved {
  if (activeWithClass(pf, 'warfarin').length === 0) return { value: 0, items: [], note: 'not on warfarin' };
  const from = pf.asOf.getTime() - TTR_WINDOW_DAYS * MS_PER_DAY;
  const inr = pf.series.inr.filter((p) => p.t >= from);
  const ttr = inr.length >= TTR_MIN_POINTS ? timeInTherapeuticRange(inr) : undefined;
  if (ttr === undefined) return { value: 0, items: [], note: 'TTR unknown (fewer than 3 INR values in 180 days): 0 assumed' };
  return {
    value: ttr < TTR_THRESHOLD ? 1 : 0,
    items: inr.slice(-MAX_PROVENANCE_ITEMS).map((p) => pointItems('inr', '{INR}', p)[0]),
    note: `TTR ${(ttr * 100).toFixed(0)} % (Rosendaal, 2.0-3.0, ${inr.length} INR values)`,
  };
}

function statinIntensityFeature(pf: PatientFeatures): Resolved {
  const statins = activeWithClass(pf, 'statin');
  if (statins.length === 0) return pf.medicationsUnresolved > 0 ? missing(unresolvedMedicationNote(pf.medicationsUnresolved)) : { value: 0, items: [] };
  const known = statins.filter((m) => m.statinIntensity !== undefined);
  if (known.length === 0) return missing('statin active but dose unknown', statins.map((m) => medicationItem('statin', m)));
  const best = known.reduce((a, b) => ((b.statinIntensity ?? 0) > (a.statinIntensity ?? 0) ? b : a));
  return { value: best.statinIntensity!, items: [medicationItem('statin', best)] };
}

function egfrFromCreatinine(pf: PatientFeatures): Resolved {
  const last = statsOf(pf, 'egfr').last;
  if (!last) return missing('no recent eGFR');
  return { value: last.derivation === 'computed' ? 1 : 0, items: pointItems('egfr', CONCEPT_UNITS.egfr_reported.unit, last) };
}

function egfrStat(pick: (s: SeriesStats) => number | undefined, why: string): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    const s = statsOf(pf, 'egfr');
    const v = pick(s);
    const w = windowItems('egfr', CONCEPT_UNITS.egfr_reported.unit, s);
    if (v === undefined) return missing(why, w.items);
    const refs = s.window.flatMap(pointRefs);
    return w.note ? { value: v, items: w.items, note: w.note, refs } : { value: v, items: w.items, refs };
  };
}

const RESOLVERS: Readonly<Record<string, (pf: PatientFeatures) => Resolved>> = {
  age_years: ageYears,
  sex_male: sexFlag('male'),
  sex_female: sexFlag('female'),
  race_black: raceBlack,
  egfr: latestOf('egfr', 'egfr'),
  uacr_mg_g: latestOf('uacr', 'uacr'),
  albumin_g_dl: latestOf('albumin', 'albumin'),
  phosphate_mg_dl: latestOf('phosphate', 'phosphate'),
  bicarbonate_mmol_l: latestOf('bicarbonate', 'bicarbonate'),
  calcium_mg_dl: latestOf('calcium', 'calcium'),
  total_chol_mg_dl: latestOf('total_chol', 'total_cholesterol'),
  hdl_mg_dl: latestOf('hdl', 'hdl_cholesterol'),
  ldl_mg_dl: latestOf('ldl', 'ldl_cholesterol'),
  sbp_mmhg: latestOf('sbp', 'systolic_bp'),
  bmi_kg_m2: latestOf('bmi', 'bmi'),
  hba1c_pct: latestOf('hba1c', 'hba1c'),
  potassium_mmol_l: latestOf('potassium', 'potassium'),
  weight_kg: latestOf('weight', 'body_weight'),
  smoker,
  bp_treated: medicationFlag('antihypertensive'),
  on_antihypertensive: medicationFlag('antihypertensive'),
  statin: medicationFlag('statin'),
  on_statin: medicationFlag('statin'),
  statin_intensity: statinIntensityFeature,
  diabetes: conditionFlag('type2_diabetes', 'type1_diabetes', 'diabetes_unspecified'),
  type2_diabetes: conditionFlag('type2_diabetes'),
  hypertension: conditionFlag('hypertension'),
  chf: conditionFlag('heart_failure'),
  heart_failure: conditionFlag('heart_failure'),
  stroke_tia_te: conditionFlag('stroke', 'haemorrhagic_stroke', 'tia', 'systemic_embolism'),
  stroke: conditionFlag('stroke', 'haemorrhagic_stroke'),
  vascular_disease: conditionFlag('myocardial_infarction', 'peripheral_artery_disease', 'aortic_plaque'),
  ascvd: conditionFlag('myocardial_infarction', 'coronary_heart_disease', 'stroke', 'tia', 'peripheral_artery_disease', 'aortic_plaque', 'revascularisation'),
  renal_abnormal: renalAbnormal,
  liver_abnormal: liverAbnormal,
  bleeding_history: conditionFlag('major_bleeding', 'bleeding_predisposition', 'anaemia'),
  labile_inr: labileInr,
  antiplatelet_or_nsaid: anyOf(medicationFlag('antiplatelet'), medicationFlag('nsaid')),
  alcohol_excess: conditionFlag('alcohol_excess'),
  ckd: conditionFlag('ckd', 'esrd'),
  ckd_stage: ckdStage,
  dialysis_or_transplant: conditionFlag('dialysis', 'kidney_transplant', 'esrd'),
  atrial_fibrillation: conditionFlag('atrial_fibrillation'),
  on_sglt2i: medicationFlag('sglt2i'),
  on_acei: medicationFlag('acei'),
  on_arb: medicationFlag('arb'),
  on_arni: medicationFlag('arni'),
  on_doac: medicationFlag('doac'),
  on_warfarin: medicationFlag('warfarin'),
  on_antiplatelet: medicationFlag('antiplatelet'),
  on_aspirin: medicationFlag('aspirin'),
  on_nsaid: medicationFlag('nsaid'),
  on_metformin: medicationFlag('metformin'),
  on_glp1ra: medicationFlag('glp1ra'),
  on_finerenone: medicationFlag('finerenone'),
  egfr_last: latestOf('egfr', 'egfr'),
  egfr_last_age_days: lastAgeDaysOf('egfr'),
  egfr_count: (pf) => ({ value: statsOf(pf, 'egfr').count, items: [] }),
  egfr_min: egfrStat((s) => s.min, 'no eGFR in the window'),
  egfr_max: egfrStat((s) => s.max, 'no eGFR in the window'),
  egfr_mean: egfrStat((s) => s.mean, 'no eGFR in the window'),
  egfr_slope_per_year: egfrStat((s) => s.slopePerYear, 'slope needs >= 3 eGFR values spanning >= 90 days'),
  egfr_change_from_baseline_pct: egfrStat((s) => s.changeFromBaselinePct, 'change needs >= 2 eGFR values in the window'),
  egfr_from_creatinine: egfrFromCreatinine,
  uacr_last: latestOf('uacr', 'uacr'),
  uacr_last_age_days: lastAgeDaysOf('uacr'),
  creatinine_last_mg_dl: latestOf('creatinine', 'creatinine'),
  creatinine_last_age_days: lastAgeDaysOf('creatinine'),
  // pharmacogenomics and warfarin-iwpc sets (issue 12)
  ...PGX_RESOLVERS,
  ...SAFETY_RESOLVERS,
};

/** Names every feature set uses; a test checks each has a resolver. */
export function resolvableFeatureNames(): string[] {
  return Object.keys(RESOLVERS);
}

/**
 * Builds one named feature set from extracted features.
 * @throws Error for a set name that FEATURE_SETS does not define (a programming error, not data)
 */
export function buildFeatureSet(name: FeatureSetName, features: PatientFeatures): FeatureVector {
  const def = Object.prototype.hasOwnProperty.call(FEATURE_SETS, name) ? FEATURE_SETS[name] : undefined;
  if (!def) throw new Error(`unknown feature set '${String(name)}'`);
  const n = def.features.length;
  const values = new Float32Array(n);
  const present = new Uint8Array(n);
  const provenance: FeatureProvenance[] = new Array(n);
  const refs: string[][] = new Array(n);
  const names: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const fname = def.features[i].name;
    names[i] = fname;
    const resolver = RESOLVERS[fname];
    const r: Resolved = resolver ? resolver(features) : missing('no resolver for this feature');
    refs[i] = [];
    if (r.value !== undefined && Number.isFinite(r.value)) {
      values[i] = r.value;
      present[i] = 1;
      if (r.refs) refs[i] = r.refs;
    }
    const prov: FeatureProvenance = { feature: fname, items: r.items };
    if (r.note) prov.note = r.note;
    provenance[i] = prov;
  }
  return { set: def.name, version: def.version, names, values, present, provenance, refs };
}

/** JSON-safe form for crossing process boundaries (missing values are 0 and flagged in `present`). */
export function toFeaturePayload(vector: FeatureVector): FeatureVectorPayload {
  return {
    set: vector.set,
    version: vector.version,
    names: [...vector.names],
    values: Array.from(vector.values, (v, i) => (vector.present[i] ? v : 0)),
    present: Array.from(vector.present),
    provenance: vector.provenance,
  };
}

/**
 * One feature's value by name (the same resolver the feature sets use), or undefined when missing
 * or when no resolver has that name. Learned-model sequences read their static features here.
 */
export function resolveFeatureValue(name: string, features: PatientFeatures): number | undefined {
  const resolver = Object.prototype.hasOwnProperty.call(RESOLVERS, name) ? RESOLVERS[name] : undefined;
  const v = resolver?.(features).value;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}
