/**
 * MODEL_CARD.md of a learned bundle, written by `npm run train` from the run's own numbers
 * (dataset.json and metrics.json): data, intended use, metrics beside KFRE, limits.
 */
import type { LearnedManifest } from './learned-manifest';

type Metric = Record<string, number>;
interface HorizonReport { model: Metric; kfre: Metric; ci95?: { model: Record<string, number[]>; kfre: Record<string, number[]>; auroc_diff: number[] } | null }
interface SubgroupReport { model?: Metric; kfre?: Metric; n?: number; note?: string }
export interface MetricsReport {
  horizons: Record<string, HorizonReport>;
  subgroups: Record<string, Record<string, SubgroupReport>>;
  bootstrapReps: number;
  training: Record<string, unknown>;
}

const f3 = (v: number | undefined): string => (v === undefined || v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(3));
const ci = (c: number[] | undefined): string => (c && c.length === 2 ? ` (${f3(c[0])}-${f3(c[1])})` : '');

/** "2y G3a (45-59) 0.748 vs 0.786; ..." for every subgroup where KFRE's AUROC is higher. */
function worse(metrics: MetricsReport): string {
  const out: string[] = [];
  for (const [h, groups] of Object.entries(metrics.subgroups)) {
    for (const [g, r] of Object.entries(groups)) {
      if (r.model && r.kfre && Number.isFinite(r.model.auroc) && Number.isFinite(r.kfre.auroc) && r.kfre.auroc! > r.model.auroc!) out.push(`${h} ${g} ${f3(r.model.auroc)} vs ${f3(r.kfre.auroc)}`);
    }
  }
  return out.join('; ');
}

function describeSource(src: Record<string, unknown> | undefined): string {
  if (!src) return 'unknown';
  if (String(src.kind).startsWith('progression-simulator')) {
    return `progression simulator (libs/fhir-features/src/generator/progression-simulator.ts), seed ${String(src.seed)}, ${String(src.patients)} patients, ${String(src.resources)} FHIR resources as Bulk Data NDJSON, ${String(src.kidneyFailures)} with kidney failure`;
  }
  return `FHIR ${String(src.format)} folder (${String(src.files)} files, ${String(src.malformed)} malformed skipped, ${String(src.unlinked)} resources without a patient)`;
}

export function renderModelCard(m: LearnedManifest, metrics: MetricsReport, dataset: Record<string, unknown>, pipeline: Record<string, unknown>): string {
  const rows: string[] = [];
  for (const [h, r] of Object.entries(metrics.horizons)) {
    for (const who of ['model', 'kfre'] as const) {
      const x = r[who];
      const c = r.ci95?.[who];
      rows.push(`| ${h} | ${who === 'model' ? m.id : 'KFRE 4-variable (NA)'} | ${x.n} | ${x.events} | ${f3(x.auroc)}${ci(c?.auroc)} | ${f3(x.auprc)}${ci(c?.auprc)} | ${f3(x.brier)}${ci(c?.brier)} | ${f3(x.cal_intercept)} | ${f3(x.cal_slope)}${ci(c?.cal_slope)} |`);
    }
  }
  const diffs = Object.entries(metrics.horizons).map(([h, r]) => `${h}: ${f3(r.model.auroc - r.kfre.auroc)}${r.ci95 ? ` (95 % CI ${f3(r.ci95.auroc_diff[0])} to ${f3(r.ci95.auroc_diff[1])})` : ''}`);
  const sub: string[] = [];
  for (const [h, groups] of Object.entries(metrics.subgroups)) {
    for (const [g, r] of Object.entries(groups)) {
      if (!r.model || !r.kfre) { sub.push(`| ${h} | ${g} | ${r.n ?? 0} | | ${r.note ?? ''} | | |`); continue; }
      sub.push(`| ${h} | ${g} | ${r.model.n} | ${r.model.events} | ${f3(r.model.auroc)} / ${f3(r.kfre.auroc)} | ${f3(r.model.brier)} / ${f3(r.kfre.brier)} | ${f3(r.model.cal_slope)} / ${f3(r.kfre.cal_slope)} |`);
    }
  }
  const t = metrics.training;
  return [
    `# Model card: ${m.title} (${m.id} v${m.version})`,
    '',
    `**${m.trainedOn === 'synthetic' ? 'Trained on synthetic data, not validated for clinical use.' : m.statement}**`,
    '',
    '## What it is',
    `A GRU over the patient's visit sequence (sequence set \`${m.sequenceSet}\` v${m.sequenceSetVersion}: ${m.channels.join(', ')}) and static features at the index (${m.statics.join(', ')}), predicting kidney failure (dialysis, transplant, ESRD, or sustained eGFR < 15) within ${m.outputs.map((o) => `${o.horizonYears}`).join(' and ')} years. Time gaps are inputs; missing values are zero with a mask. Temperature-scaled on the validation split; 5-year risk is never below 2-year risk.`,
    '',
    `Intended use: ${m.intendedUse}`,
    '',
    '## Data',
    `Source: ${describeSource(dataset.source as Record<string, unknown>)}. ${String(dataset.patients)} patient records read, ${String(dataset.samples)} samples (patient and index date).`,
    '',
    '| split | samples | patients | 2-year known (events) | 5-year known (events) |',
    '|---|---|---|---|---|',
    ...Object.entries((dataset.splits ?? {}) as Record<string, { samples: number; patients: number; events: Record<string, { known: number; events: number }> }>)
      .map(([k, v]) => `| ${k} | ${v.samples} | ${v.patients} | ${v.events['2y']?.known ?? 0} (${v.events['2y']?.events ?? 0}) | ${v.events['5y']?.known ?? 0} (${v.events['5y']?.events ?? 0}) |`),
    '',
    `Temporal split at ${String(dataset.temporalCutoff).slice(0, 10)} (test index dates on or after it, from held-out patients). See DATASET_CARD.md for event rates and missingness.`,
    '',
    '## Evaluation on the held-out temporal test split, beside KFRE on the same samples',
    `Patient-level bootstrap, ${metrics.bootstrapReps} replicates, 95 % intervals. Calibration: logistic recalibration intercept and slope (ideal 0 and 1). Samples whose record ends before the horizon without an event are excluded for that horizon (this favours samples with events at 5 years; both models are scored on the same samples).`,
    '',
    '| horizon | model | n | events | AUROC | AUPRC | Brier | cal. intercept | cal. slope |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `AUROC difference (learned - KFRE): ${diffs.join('; ')}.`,
    '',
    `Subgroups where KFRE ranked better (higher AUROC): ${worse(metrics) || 'none'}.`,
    '',
    '### Subgroups (learned / KFRE)',
    '| horizon | subgroup | n | events | AUROC | Brier | cal. slope |',
    '|---|---|---|---|---|---|---|',
    ...sub,
    '',
    '## Training',
    `Device ${String(t.device)}, torch ${String(t.torch)}, ${String(t.threads)} threads, ${String(t.epochs_run)} epochs (early stopping on validation loss), ${String(t.parameters)} parameters, seed ${String(t.seed)}; calibration temperatures ${JSON.stringify(t.temperatures)}. Pipeline timings (seconds): ${JSON.stringify(pipeline)}.`,
    '',
    '## Limits',
    '- Synthetic training data: the simulator encodes published associations (KFRE-like hazard, Coresh 2014 eGFR-decline effect, SGLT2 inhibitor and RAS inhibitor trial effects) in a cohort that replicates no real population. The numbers above say how well the network recovers that simulated truth, not how it would perform on patients.',
    '- KFRE was developed on real cohorts and is evaluated here on simulated ones whose hazard is KFRE-shaped: its performance here is not its clinical performance.',
    '- Censoring is handled by excluding censored samples per horizon, not by inverse-probability weighting.',
    '- Population: adults with eGFR 10-60 and a urine ACR in the last year, not on kidney replacement therapy (the KFRE population). Outside it the service does not run the model.',
    '- Retrain on local data (`npm run train -- --source <Bulk Data export>`) and validate locally before any clinical use.',
    '',
  ].join('\n');
}
