/**
 * Patient records -> a training dataset for a sequence model: per patient and index date, the
 * event sequence and static features (buildSequence, the serving code path), kidney-failure labels
 * at 2 and 5 years with censoring, and the KFRE inputs for a side-by-side evaluation.
 *
 * - Index dates are eGFR visit days at least one year after the first eGFR; each is checked with
 *   progressionEligibility (KFRE population; patients already on kidney replacement excluded).
 *   Up to `maxIndexPerPatient` eligible dates per patient, at least 180 days apart, chosen by a
 *   seeded shuffle.
 * - Features come from extractPatientFeatures(record, index), which uses nothing recorded after
 *   the index (a test proves it); labels come from an extraction of the whole record.
 * - Labels per horizon h: 1 if kidney failure within h years after the index; 0 if none and the
 *   record follows the patient for at least h years; otherwise censored (label_known 0).
 * - Splits: patient-level (a hash of the patient key: 70 % train, 15 % validation, 15 % test) and
 *   temporal (train and validation use index dates before `temporalCutoff`, test uses index dates
 *   on or after it, from test patients only). Samples outside both are not written.
 */
import { SEQUENCE_SETS, sequenceChannelNames, type SequenceSetDefinition } from '@prognos/contracts';
import { buildFeatureSet } from '../build-feature-set';
import { extractPatientFeatures } from '../extract-patient-features';
import { MS_PER_DAY, MS_PER_YEAR } from '../fhir-read';
import { createRng } from '../generator/prng';
import { buildSequence } from '../progression/build-sequence';
import { progressionEligibility } from '../progression/progression-eligibility';
import { kidneyFailureOutcome } from './kidney-failure-outcome';

export const HORIZONS_YEARS = [2, 5] as const;
export const META_COLUMNS = [
  'split', 'patient', 'age_years', 'sex_male', 'egfr', 'uacr_mg_g', 'egfr_slope_per_year', 'index_year',
  'on_sglt2i', 'on_rasi', 'steps', 'kfre_2y', 'kfre_5y',
] as const;
export const SPLITS = ['train', 'validation', 'test'] as const;

export interface DatasetOptions {
  sequenceSet?: string;
  seed?: number;
  maxIndexPerPatient?: number;
  /** Index dates before this go to train/validation, on or after it to test. */
  temporalCutoff?: Date;
  labMaxAgeDays?: number;
}

export interface DatasetSample {
  split: 0 | 1 | 2;
  steps: number[];
  length: number;
  statics: number[];
  staticPresent: number[];
  labels: number[];
  known: number[];
  meta: number[];
}

export interface DatasetAccumulator {
  def: SequenceSetDefinition;
  samples: DatasetSample[];
  patients: number;
  patientsWithSamples: number;
  excluded: Record<string, number>;
  dataQualityExcluded: Record<string, number>;
  options: Required<DatasetOptions>;
}

const FAR_FUTURE = new Date(Date.UTC(2200, 0, 1));

/**
 * FNV-1a of the key with the murmur3 finaliser (so keys differing in their last character, like
 * 'sim-1' and 'sim-2', still spread over [0, 1)) -> the patient's split draw, stable everywhere.
 */
export function patientDraw(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) { h ^= key.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export function createAccumulator(options: DatasetOptions = {}): DatasetAccumulator {
  const opts: Required<DatasetOptions> = {
    sequenceSet: options.sequenceSet ?? 'ckd-progression-seq',
    seed: options.seed ?? 13,
    maxIndexPerPatient: options.maxIndexPerPatient ?? 2,
    temporalCutoff: options.temporalCutoff ?? new Date(Date.UTC(2017, 0, 1)),
    labMaxAgeDays: options.labMaxAgeDays ?? 365,
  };
  const def = (SEQUENCE_SETS as Record<string, SequenceSetDefinition>)[opts.sequenceSet];
  if (!def) throw new Error(`unknown sequence set '${opts.sequenceSet}'`);
  return { def, samples: [], patients: 0, patientsWithSamples: 0, excluded: {}, dataQualityExcluded: {}, options: opts };
}

function bump(m: Record<string, number>, k: string, n = 1): void { m[k] = (m[k] ?? 0) + n; }

/** One sample as of `index` (no label), or why the patient is not eligible then. */
export function sampleAsOf(record: unknown, index: Date, def: SequenceSetDefinition, labMaxAgeDays: number):
  { ok: true; steps: number[]; length: number; statics: number[]; staticPresent: number[]; kfre: Float32Array; kfrePresent: Uint8Array; slope?: number; onSglt2i: number; onRasi: number } | { ok: false; reason: string } {
  const pf = extractPatientFeatures(record, index);
  const el = progressionEligibility(pf, labMaxAgeDays);
  if (!el.eligible) return { ok: false, reason: el.reason };
  const seq = buildSequence(def.name, pf);
  const k4 = buildFeatureSet('kfre-4var', pf);
  const traj = buildFeatureSet('egfr-trajectory', pf);
  const slopeAt = traj.names.indexOf('egfr_slope_per_year');
  const sg = def.statics.findIndex((s) => s.name === 'on_sglt2i');
  const ra = def.statics.findIndex((s) => s.name === 'on_rasi');
  return {
    ok: true, steps: seq.steps, length: seq.length, statics: seq.statics, staticPresent: seq.staticPresent, kfre: k4.values, kfrePresent: k4.present,
    ...(traj.present[slopeAt] ? { slope: traj.values[slopeAt] } : {}),
    onSglt2i: sg >= 0 ? seq.statics[sg]! : NaN, onRasi: ra >= 0 ? seq.statics[ra]! : NaN,
  };
}

/** Adds one patient's samples to the accumulator. */
export function addPatient(acc: DatasetAccumulator, key: string, record: unknown): void {
  acc.patients++;
  const { def, options } = acc;
  const full = extractPatientFeatures(record, FAR_FUTURE);
  for (const [reason, n] of Object.entries(full.dataQuality.excluded)) if (reason !== 'after_as_of') bump(acc.dataQualityExcluded, reason, n);
  const outcome = kidneyFailureOutcome(full, record);
  const egfr = full.egfr;
  if (egfr.length === 0) { bump(acc.excluded, 'no_egfr'); return; }
  const first = egfr[0]!.t;
  const draw = patientDraw(key);
  const patientSplit: 0 | 1 | 2 = draw < 0.7 ? 0 : draw < 0.85 ? 1 : 2;
  const cutoff = options.temporalCutoff.getTime();
  const days = [...new Set(egfr.map((p) => Math.floor(p.t / MS_PER_DAY)))]
    .map((d) => d * MS_PER_DAY + MS_PER_DAY - 1) // end of the visit day
    .filter((t) => t - first >= MS_PER_YEAR && (outcome.eventMs === undefined || t < outcome.eventMs))
    .filter((t) => (patientSplit === 2 ? t >= cutoff : t < cutoff));
  if (days.length === 0) { bump(acc.excluded, 'no_candidate_index_in_split_period'); return; }
  const rng = createRng(options.seed + Math.floor(draw * 1e9));
  for (let i = days.length - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [days[i], days[j]] = [days[j]!, days[i]!]; }
  const chosen: number[] = [];
  let tried = 0;
  const patientOrdinal = acc.patients - 1;
  for (const t of days) {
    if (chosen.length >= options.maxIndexPerPatient || tried >= 8) break;
    if (chosen.some((c) => Math.abs(c - t) < 180 * MS_PER_DAY)) continue;
    tried++;
    const s = sampleAsOf(record, new Date(t), def, options.labMaxAgeDays);
    if (!s.ok) { bump(acc.excluded, `index_${s.reason}`); continue; }
    chosen.push(t);
    const labels: number[] = [];
    const known: number[] = [];
    for (const h of HORIZONS_YEARS) {
      const horizonEnd = t + h * MS_PER_YEAR;
      if (outcome.eventMs !== undefined && outcome.eventMs <= horizonEnd) { labels.push(1); known.push(1); }
      else if (outcome.followUpEndMs >= horizonEnd) { labels.push(0); known.push(1); }
      else { labels.push(0); known.push(0); }
    }
    const meta = [
      patientSplit, patientOrdinal,
      s.kfrePresent[0] ? s.kfre[0]! : NaN, s.kfrePresent[1] ? s.kfre[1]! : NaN,
      s.kfrePresent[2] ? s.kfre[2]! : NaN, s.kfrePresent[3] ? s.kfre[3]! : NaN,
      s.slope ?? NaN, 1970 + t / MS_PER_YEAR, s.onSglt2i, s.onRasi, s.length, NaN, NaN,
    ];
    acc.samples.push({ split: patientSplit, steps: s.steps, length: s.length, statics: s.statics, staticPresent: s.staticPresent, labels, known, meta });
  }
  if (chosen.length > 0) acc.patientsWithSamples++;
}

/** Channel names of the accumulator's sequence set. */
export function channelNames(acc: DatasetAccumulator): string[] {
  return sequenceChannelNames(acc.def);
}
