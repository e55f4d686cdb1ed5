/**
 * PatientFeatures -> the event sequence and static features of a sequence set (SEQUENCE_SETS in
 * contracts). The one code path for training (dataset builder) and serving (hook extraction):
 * there is no training/serving skew to test for, only this function.
 *
 * Steps are visit days (UTC) with at least one concept measured within `windowDays` before asOf,
 * oldest first, the most recent `maxSteps` kept. Values are read from the extraction's series:
 * eGFR is the CKD-EPI 2021 series (recomputed from creatinine, reported eGFR on other days), the
 * others in their canonical units. Two values of a concept on one day: the later one wins.
 *
 * Minimised by construction (what crosses to a scorer, and over Redis, carries no exact date or
 * age: see services/cds-hooks/src/pipeline/minimise-scoring-input.ts): a step's time before the
 * index is whole calendar (UTC) days between its day and the index day, the gap whole days, both
 * in years of SEQUENCE_DAYS_PER_YEAR; ages are whole years. Training reads the same values.
 */
import { SEQUENCE_DAYS_PER_YEAR, SEQUENCE_SETS, SEQUENCE_WHOLE_YEAR_STATICS, sequenceChannelNames, type SequencePayload, type SequenceSetDefinition } from '@prognos/contracts';
import { resolveFeatureValue } from '../build-feature-set';
import { MS_PER_DAY } from '../fhir-read';
import type { PatientFeaturesInternal as PatientFeatures, SeriesPoint } from '../types';

function normalise(raw: number, transform: 'identity' | 'log1p', center: number, scale: number): number {
  const v = transform === 'log1p' ? Math.log1p(Math.max(0, raw)) : raw;
  return (v - center) / scale;
}

function pointsOf(pf: PatientFeatures, concept: string): readonly SeriesPoint[] {
  switch (concept) {
    case 'egfr': return pf.egfr;
    case 'uacr': return pf.series.uacr;
    case 'sbp': return pf.series.sbp;
    case 'hba1c': return pf.series.hba1c;
    default: return [];
  }
}

function staticValue(source: string, pf: PatientFeatures): number | undefined {
  if (source === 'rasi') {
    const known = ['on_acei', 'on_arb', 'on_arni'].map((n) => resolveFeatureValue(n, pf));
    if (known.some((v) => v === undefined)) return undefined;
    return known.some((v) => v === 1) ? 1 : 0;
  }
  const v = resolveFeatureValue(source, pf);
  // Whole years (an exact age with the hook time gives the date of birth).
  return v !== undefined && SEQUENCE_WHOLE_YEAR_STATICS.has(source) ? Math.floor(v) : v;
}

/**
 * Builds the named sequence set as of `pf.asOf`.
 * @throws Error for a set name SEQUENCE_SETS does not define (a programming error, not data)
 */
export function buildSequence(name: string, pf: PatientFeatures): SequencePayload {
  const def = (SEQUENCE_SETS as Record<string, SequenceSetDefinition>)[name];
  if (!def) throw new Error(`unknown sequence set '${name}'`);
  const asOf = pf.asOf.getTime();
  const from = asOf - def.windowDays * MS_PER_DAY;
  const channels = sequenceChannelNames(def).length;
  // day number -> per-concept value (later values overwrite earlier ones the same day)
  const days = new Map<number, (number | undefined)[]>();
  def.concepts.forEach((c, k) => {
    for (const p of pointsOf(pf, c.name)) {
      if (!(p.t >= from && p.t <= asOf) || !Number.isFinite(p.value)) continue;
      const day = Math.floor(p.t / MS_PER_DAY);
      let row = days.get(day);
      if (!row) { row = new Array(def.concepts.length).fill(undefined); days.set(day, row); }
      row[k] = normalise(p.value, c.transform, c.center, c.scale);
    }
  });
  const ordered = [...days.keys()].sort((a, b) => a - b).slice(-def.maxSteps);
  const indexDay = Math.floor(asOf / MS_PER_DAY);
  const steps: number[] = new Array(ordered.length * channels).fill(0);
  ordered.forEach((day, i) => {
    const base = i * channels;
    // Whole calendar days before the index day (0 = the index day; no step lies after the index).
    steps[base] = (indexDay - day) / SEQUENCE_DAYS_PER_YEAR;
    steps[base + 1] = i === 0 ? 0 : (day - ordered[i - 1]!) / SEQUENCE_DAYS_PER_YEAR;
    const row = days.get(day)!;
    def.concepts.forEach((_, k) => {
      const v = row[k];
      if (v !== undefined) { steps[base + 2 + 2 * k] = v; steps[base + 3 + 2 * k] = 1; }
    });
  });
  const statics: number[] = [];
  const staticPresent: number[] = [];
  for (const s of def.statics) {
    const v = staticValue(s.source, pf);
    statics.push(v === undefined ? 0 : normalise(v, s.transform, s.center, s.scale));
    staticPresent.push(v === undefined ? 0 : 1);
  }
  return { set: def.name, version: def.version, length: ordered.length, channels, steps, statics, staticPresent };
}
