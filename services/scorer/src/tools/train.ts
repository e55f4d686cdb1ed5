#!/usr/bin/env node
/**
 * `npm run train`: the learned progression model pipeline, end to end, in one command.
 *
 *   npm run train [-- --quick] [--source DIR] [--out DIR] [--bundle DIR] [--patients N]
 *                 [--seed S] [--python PATH] [--model-id ID] [--version V]
 *
 * 1. data: `--source DIR` (a FHIR Bulk Data export, one NDJSON file per type, or a folder of
 *    Bundles), else the progression simulator writes a cohort as NDJSON (20,000 patients; 1,500
 *    with --quick);
 * 2. dataset: the TypeScript builder (libs/fhir-features/src/dataset), the serving code path;
 * 3. KFRE 4-variable (the bundled ONNX, North American) on every sample, for the comparison;
 * 4. the Python trainer (training/train.py in the .venv): train, calibrate, export ONNX, evaluate;
 * 5. parity: onnxruntime-node runs the exported ONNX on the reference inputs and must reproduce
 *    PyTorch's outputs within 1e-5;
 * 6. bundle: model.onnx + manifest.json (kind "learned") + MODEL_CARD.md + DATASET_CARD.md +
 *    reference.json + metrics.json in `--bundle` (default <out>/bundle), ready for MODELS_DIR or
 *    CUSTOM_MODELS_DIR.
 * Timings of each stage are printed and written to <out>/pipeline.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SEQUENCE_SETS, sequenceChannelNames } from '@prognos/contracts';
import {
  addPatient, createAccumulator, META_COLUMNS, readFhirSource, writeDataset, writeSimulatedCohort, type DatasetAccumulator,
} from '@prognos/fhir-features';
import * as ort from 'onnxruntime-node';
import { SYNTHETIC_STATEMENT, parseLearnedManifest, type LearnedManifest } from '../learned/learned-manifest';
import { renderModelCard, type MetricsReport } from '../learned/model-card';
import { maxReferenceError, readReference } from '../learned/reference-check';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SEQUENCE_SET = 'ckd-progression-seq';

export interface TrainArgs {
  quick: boolean;
  source?: string;
  out: string;
  bundle?: string;
  patients: number;
  seed: number;
  python: string;
  modelId: string;
  version: string;
}

const USAGE = 'usage: train [--quick] [--source DIR] [--out DIR] [--bundle DIR] [--patients N] [--seed S] [--python PATH] [--model-id ID] [--version V]';

export function parseTrainArgs(argv: readonly string[]): TrainArgs | string {
  const a: Partial<TrainArgs> & { quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--quick') { a.quick = true; continue; }
    const value = argv[++i];
    if (value === undefined) return `missing value for ${flag}`;
    switch (flag) {
      case '--source': a.source = path.resolve(value); break;
      case '--out': a.out = path.resolve(value); break;
      case '--bundle': a.bundle = path.resolve(value); break;
      case '--patients': { const n = Number(value); if (!Number.isInteger(n) || n < 100 || n > 200_000) return '--patients must be an integer 100..200000'; a.patients = n; break; }
      case '--seed': { const n = Number(value); if (!Number.isInteger(n)) return '--seed must be an integer'; a.seed = n; break; }
      case '--python': a.python = value; break;
      case '--model-id': if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(value)) return '--model-id: lower-case letters, digits, . _ -'; a.modelId = value; break;
      case '--version': a.version = value; break;
      default: return `unknown option ${flag}`;
    }
  }
  return {
    quick: a.quick,
    ...(a.source ? { source: a.source } : {}),
    out: a.out ?? path.join(REPO_ROOT, 'training', 'out', a.quick ? 'quick' : 'full'),
    ...(a.bundle ? { bundle: a.bundle } : {}),
    patients: a.patients ?? (a.quick ? 1500 : 20_000),
    seed: a.seed ?? 13,
    python: a.python ?? path.join(REPO_ROOT, '.venv', 'bin', 'python'),
    modelId: a.modelId ?? 'ckd-progression-gru',
    version: a.version ?? (a.quick ? '0.0.0-quick' : '1.0.0'),
  };
}

/** Fills the kfre_2y / kfre_5y meta columns with the bundled KFRE 4-variable (NA) ONNX. */
async function addKfre(acc: DatasetAccumulator): Promise<number> {
  const session = await ort.InferenceSession.create(path.join(REPO_ROOT, 'services', 'scorer', 'models', 'kfre-4var-na', 'model.onnx'), { executionProviders: ['cpu'] });
  const col = (n: (typeof META_COLUMNS)[number]): number => META_COLUMNS.indexOf(n);
  const rows = acc.samples.map((s) => [s.meta[col('age_years')]!, s.meta[col('sex_male')]!, s.meta[col('egfr')]!, s.meta[col('uacr_mg_g')]!]);
  let done = 0;
  for (let start = 0; start < rows.length; start += 4096) {
    const chunk = rows.slice(start, start + 4096);
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(chunk.flat()), [chunk.length, 4]) });
    const r2 = out.risk_2y!.data as Float32Array;
    const r5 = out.risk_5y!.data as Float32Array;
    chunk.forEach((row, i) => {
      if (row.every(Number.isFinite)) {
        acc.samples[start + i]!.meta[col('kfre_2y')] = r2[i]!;
        acc.samples[start + i]!.meta[col('kfre_5y')] = r5[i]!;
        done++;
      }
    });
  }
  await session.release();
  return done;
}

function timed<T>(timings: Record<string, number>, name: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  timings[name] = Math.round((performance.now() - t0) / 100) / 10;
  process.stdout.write(`[train] ${name}: ${timings[name]} s\n`);
  return r;
}

export async function runPipeline(args: TrainArgs): Promise<{ bundleDir: string; parity: number; timings: Record<string, number> }> {
  const timings: Record<string, number> = {};
  fs.mkdirSync(args.out, { recursive: true });
  if (!fs.existsSync(args.python)) {
    throw new Error(`Python not found at ${args.python}. Create the trainer environment once: python3 -m venv .venv && .venv/bin/pip install --retries 0 -r training/requirements.txt (or pass --python)`);
  }
  const total0 = performance.now();
  let sourceDir = args.source;
  let sourceInfo: Record<string, unknown>;
  if (!sourceDir) {
    sourceDir = path.join(args.out, 'fhir');
    fs.rmSync(sourceDir, { recursive: true, force: true });
    const summary = timed(timings, 'simulate', () => writeSimulatedCohort(sourceDir!, args.patients, args.seed));
    sourceInfo = { kind: 'progression-simulator (synthetic)', seed: args.seed, ...summary };
  } else {
    sourceInfo = { kind: 'FHIR source folder' };
  }
  const acc = createAccumulator({ seed: args.seed, sequenceSet: SEQUENCE_SET });
  const stats = timed(timings, 'dataset', () => readFhirSource(sourceDir!, (r) => addPatient(acc, r.key, r.record)));
  sourceInfo = { ...sourceInfo, format: stats.format, files: stats.files, malformed: stats.malformed, unlinked: stats.unlinked };
  if (acc.samples.length === 0) throw new Error(`no eligible samples in ${sourceDir} (${stats.format}, ${stats.files} files; excluded: ${JSON.stringify(acc.excluded)})`);
  const t0 = performance.now();
  await addKfre(acc);
  timings.kfre = Math.round((performance.now() - t0) / 100) / 10;
  const dataDir = path.join(args.out, 'dataset');
  const desc = timed(timings, 'write_dataset', () => writeDataset(acc, dataDir, sourceInfo));

  const modelDir = path.join(args.out, 'model');
  timed(timings, 'python_train_export_evaluate', () => {
    const py = spawnSync(args.python, [path.join(REPO_ROOT, 'training', 'train.py'), '--data', dataDir, '--out', modelDir, '--seed', String(args.seed), ...(args.quick ? ['--quick'] : [])], {
      cwd: path.join(REPO_ROOT, 'training'), stdio: 'inherit', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    if (py.status !== 0) throw new Error(`training/train.py failed (exit ${py.status ?? py.signal})`);
  });

  const p0 = performance.now();
  const reference = readReference(path.join(modelDir, 'reference.json'));
  const parity = await maxReferenceError(path.join(modelDir, 'model.onnx'), reference, 'cpu');
  timings.parity = Math.round((performance.now() - p0) / 100) / 10;
  process.stdout.write(`[train] parity onnxruntime-node vs PyTorch: max |diff| ${parity.toExponential(2)}\n`);
  if (!(parity <= 1e-5)) throw new Error(`parity check failed: max |diff| ${parity} > 1e-5`);

  const metrics = JSON.parse(fs.readFileSync(path.join(modelDir, 'metrics.json'), 'utf8')) as MetricsReport & { headline: unknown };
  const def = SEQUENCE_SETS[SEQUENCE_SET];
  const synthetic = !args.source;
  const bundleDir = args.bundle ?? path.join(args.out, 'bundle');
  timings.total = Math.round((performance.now() - total0) / 100) / 10;
  const manifest: LearnedManifest = {
    kind: 'learned',
    id: args.modelId,
    version: args.version,
    title: 'Learned CKD progression (GRU over eGFR/ACR history)',
    description: 'Kidney failure within 2 and 5 years from the visit history (eGFR, urine ACR, blood pressure, HbA1c over five years, with time gaps and missingness masks) and treatment at the index.',
    sequenceSet: def.name,
    sequenceSetVersion: def.version,
    tensors: { seq: 'seq', mask: 'mask', static: 'static', staticPresent: 'static_present' },
    channels: sequenceChannelNames(def),
    statics: def.statics.map((s) => s.name),
    outputs: [
      { name: 'risk_2y', description: '2-year probability of kidney failure (dialysis, transplant, ESRD or sustained eGFR < 15)', horizonYears: 2 },
      { name: 'risk_5y', description: '5-year probability of kidney failure (dialysis, transplant, ESRD or sustained eGFR < 15)', horizonYears: 5 },
    ],
    horizonYears: 5,
    trainedOn: synthetic ? 'synthetic' : 'local',
    statement: synthetic ? `Model ${SYNTHETIC_STATEMENT}.` : 'Trained on local data: validate locally before clinical use.',
    intendedUse: 'Adults with CKD G3-G5 (eGFR 10-60 mL/min/1.73 m2) and a urine ACR in the last year, not on kidney replacement therapy, shown beside KFRE to show what the eGFR trajectory adds. Decision support research only.',
    citation: `Prognos learned progression model, trained by \`npm run train\` (${synthetic ? 'progression simulator' : 'local data'}); comparator KFRE (Tangri 2011/2016).`,
    modelCard: 'MODEL_CARD.md',
    metrics: metrics.headline as Record<string, unknown>,
    training: { ...metrics.training, history: undefined, pipelineSeconds: timings, quick: args.quick, dataset: { samples: desc.samples, patients: desc.patients } },
  };
  parseLearnedManifest(JSON.parse(JSON.stringify(manifest)), 'generated manifest'); // fail here, not at boot
  fs.mkdirSync(bundleDir, { recursive: true });
  for (const f of ['model.onnx', 'reference.json', 'metrics.json']) fs.copyFileSync(path.join(modelDir, f), path.join(bundleDir, f));
  fs.copyFileSync(path.join(dataDir, 'DATASET_CARD.md'), path.join(bundleDir, 'DATASET_CARD.md'));
  fs.writeFileSync(path.join(bundleDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(bundleDir, 'MODEL_CARD.md'), renderModelCard(manifest, metrics, desc as unknown as Record<string, unknown>, timings));
  fs.writeFileSync(path.join(args.out, 'pipeline.json'), JSON.stringify({ timings, parity, bundleDir, headline: metrics.headline }, null, 2) + '\n');
  process.stdout.write(`[train] bundle written to ${bundleDir} (total ${timings.total} s)\n`);
  return { bundleDir, parity, timings };
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseTrainArgs(argv);
  if (typeof args === 'string') { process.stderr.write(`${args}\n${USAGE}\n`); return 2; }
  try {
    await runPipeline(args);
    return 0;
  } catch (err) {
    process.stderr.write(`[train] ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
