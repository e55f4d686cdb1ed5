/**
 * Writes a built dataset as .npy tensors plus `dataset.json` (shapes, channel and column names,
 * counts, event rates, missingness) and a human-readable `DATASET_CARD.md`.
 *
 * Files: seq.npy [N, T, C] (right-padded with zeros), mask.npy [N, T] (1 = real step),
 * static.npy [N, S], static_present.npy [N, S], labels.npy [N, 2], label_known.npy [N, 2],
 * meta.npy [N, M] float64 (META_COLUMNS; NaN = missing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { HORIZONS_YEARS, META_COLUMNS, SPLITS, channelNames, type DatasetAccumulator } from './build-dataset';
import { writeNpy } from './write-npy';
import { padSequences } from '../progression/pad-sequences';

export interface DatasetDescription {
  sequenceSet: string;
  sequenceSetVersion: string;
  maxSteps: number;
  channels: string[];
  statics: string[];
  horizonsYears: number[];
  metaColumns: string[];
  samples: number;
  patients: number;
  patientsWithSamples: number;
  splits: Record<string, { samples: number; patients: number; events: Record<string, { known: number; events: number; rate: number }> }>;
  /** Share of steps without the concept, and of samples without any value of it. */
  missingness: Record<string, { stepsMissing: number; samplesWithout: number }>;
  staticMissing: Record<string, number>;
  meanSteps: number;
  excluded: Record<string, number>;
  dataQualityExcluded: Record<string, number>;
  temporalCutoff: string;
  source: Record<string, unknown>;
}

export function writeDataset(acc: DatasetAccumulator, outDir: string, source: Record<string, unknown>): DatasetDescription {
  fs.mkdirSync(outDir, { recursive: true });
  const { def, samples } = acc;
  const n = samples.length;
  const T = def.maxSteps;
  const chans = channelNames(acc);
  const C = chans.length;
  const S = def.statics.length;
  const M = META_COLUMNS.length;
  // The same padding as serving (learned/sequence-batcher.ts), to the set's maxSteps.
  const { seq, mask, statics: stat, present: statPresent } = padSequences(samples, C, S, T);
  const labels = new Float32Array(n * 2);
  const known = new Float32Array(n * 2);
  const meta = new Float64Array(n * M);
  samples.forEach((s, i) => {
    labels.set(s.labels, i * 2);
    known.set(s.known, i * 2);
    meta.set(s.meta, i * M);
  });
  writeNpy(path.join(outDir, 'seq.npy'), seq, [n, T, C]);
  writeNpy(path.join(outDir, 'mask.npy'), mask, [n, T]);
  writeNpy(path.join(outDir, 'static.npy'), stat, [n, S]);
  writeNpy(path.join(outDir, 'static_present.npy'), statPresent, [n, S]);
  writeNpy(path.join(outDir, 'labels.npy'), labels, [n, 2]);
  writeNpy(path.join(outDir, 'label_known.npy'), known, [n, 2]);
  writeNpy(path.join(outDir, 'meta.npy'), meta, [n, M]);

  const splits: DatasetDescription['splits'] = {};
  SPLITS.forEach((name, k) => {
    const mine = samples.filter((s) => s.split === k);
    const events: Record<string, { known: number; events: number; rate: number }> = {};
    HORIZONS_YEARS.forEach((h, j) => {
      const kn = mine.filter((s) => s.known[j] === 1);
      const ev = kn.filter((s) => s.labels[j] === 1).length;
      events[`${h}y`] = { known: kn.length, events: ev, rate: kn.length > 0 ? round(ev / kn.length) : 0 };
    });
    splits[name] = { samples: mine.length, patients: new Set(mine.map((s) => s.meta[1])).size, events };
  });
  const missingness: DatasetDescription['missingness'] = {};
  const totalSteps = samples.reduce((a, s) => a + s.length, 0);
  def.concepts.forEach((c, k) => {
    let stepsMissing = 0;
    let without = 0;
    for (const s of samples) {
      let any = false;
      for (let t = 0; t < s.length; t++) {
        if (s.steps[t * C + 3 + 2 * k] === 1) any = true; else stepsMissing++;
      }
      if (!any) without++;
    }
    missingness[c.name] = { stepsMissing: round(totalSteps > 0 ? stepsMissing / totalSteps : 0), samplesWithout: round(n > 0 ? without / n : 0) };
  });
  const staticMissing: Record<string, number> = {};
  def.statics.forEach((s, k) => {
    staticMissing[s.name] = round(n > 0 ? samples.filter((x) => x.staticPresent[k] === 0).length / n : 0);
  });
  const desc: DatasetDescription = {
    sequenceSet: def.name, sequenceSetVersion: def.version, maxSteps: T, channels: chans, statics: def.statics.map((s) => s.name),
    horizonsYears: [...HORIZONS_YEARS], metaColumns: [...META_COLUMNS], samples: n, patients: acc.patients, patientsWithSamples: acc.patientsWithSamples,
    splits, missingness, staticMissing, meanSteps: round(n > 0 ? totalSteps / n : 0), excluded: acc.excluded,
    dataQualityExcluded: acc.dataQualityExcluded, temporalCutoff: acc.options.temporalCutoff.toISOString(), source,
  };
  fs.writeFileSync(path.join(outDir, 'dataset.json'), JSON.stringify(desc, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'DATASET_CARD.md'), datasetCard(desc));
  return desc;
}

function round(v: number): number { return Math.round(v * 1e4) / 1e4; }

/** The dataset card: what the data is, how it was split, event rates and missingness. */
export function datasetCard(d: DatasetDescription): string {
  const lines = [
    `# Dataset card: ${d.sequenceSet} v${d.sequenceSetVersion}`,
    '',
    `Source: ${JSON.stringify(d.source)}`,
    '',
    `${d.patients} patient records read; ${d.patientsWithSamples} gave at least one eligible index date; ${d.samples} samples`,
    `(index dates in the KFRE population: adults, eGFR 10-60 and urine ACR within 365 days, not on kidney replacement therapy).`,
    `Splits: patient-level (70/15/15 by a hash of the patient key) and temporal (train and validation index dates before ${d.temporalCutoff.slice(0, 10)}, test on or after).`,
    '',
    '| split | samples | patients | 2-year known | 2-year events (rate) | 5-year known | 5-year events (rate) |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(d.splits).map(([k, s]) => `| ${k} | ${s.samples} | ${s.patients} | ${s.events['2y']!.known} | ${s.events['2y']!.events} (${(s.events['2y']!.rate * 100).toFixed(1)} %) | ${s.events['5y']!.known} | ${s.events['5y']!.events} (${(s.events['5y']!.rate * 100).toFixed(1)} %) |`),
    '',
    'Labels: kidney failure (dialysis, transplant, ESRD coded, or eGFR < 15 sustained over 90 days) within 2 and 5 years of the index; censored (not used for that horizon) when the record ends earlier without the event.',
    '',
    `Sequence: up to ${d.maxSteps} visit days in the 5 years before the index (mean ${d.meanSteps}); channels ${d.channels.join(', ')}.`,
    '',
    '| concept | steps without it | samples without any value |',
    '|---|---|---|',
    ...Object.entries(d.missingness).map(([k, m]) => `| ${k} | ${(m.stepsMissing * 100).toFixed(1)} % | ${(m.samplesWithout * 100).toFixed(1)} % |`),
    '',
    `Static features: ${d.statics.join(', ')}.`,
    '',
    `Not used: ${Object.entries(d.excluded).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
    `Resources skipped by data-quality checks: ${Object.entries(d.dataQualityExcluded).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
    '',
  ];
  return lines.join('\n');
}
