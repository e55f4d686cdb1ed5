/**
 * Throughput of the learned sequence model (committed ckd-progression-gru): patients/s and
 * per-run latency at batch sizes 1 to 1,024, with sequences of mixed lengths (1-24 visit days,
 * padded to the longest in the batch, as the sequence batcher does), on the provider
 * SCORER_DEVICE selects (auto | cpu | cuda).
 *
 *   npx tsc -b && SCORER_DEVICE=cpu node services/scorer/dist/bench/sequence-bench.js
 *
 * Env: BENCH_MS (time per cell, @defaultValue 500), BENCH_BATCHES (@defaultValue
 * "1,8,64,256,1024"), SCORER_INTRA_OP_THREADS. Prints a markdown table.
 */
import os from 'node:os';
import path from 'node:path';
import type { SequencePayload } from '@prognos/contracts';
import { loadScorerConfig } from '../config';
import { readLearnedBundle } from '../learned/read-learned-bundles';
import { padSequences } from '@prognos/fhir-features';
import { createSequenceSession } from '../learned/sequence-session';
import { seededRandom } from '../models/bundled-model-runner';
import { chooseExecutionProvider } from '../runtime/execution-provider';

function randomSequence(rnd: () => number, channels: number, statics: number, fixedLength?: number): SequencePayload {
  const length = fixedLength ?? 1 + Math.floor(rnd() * 24);
  const steps: number[] = [];
  for (let t = 0; t < length; t++) {
    const row = new Array(channels).fill(0);
    row[0] = (length - 1 - t) * 0.4; row[1] = t === 0 ? 0 : 0.4;
    for (let k = 2; k < channels; k += 2) if (rnd() < 0.7) { row[k] = rnd() * 2 - 1; row[k + 1] = 1; }
    steps.push(...row);
  }
  return { set: 'ckd-progression-seq', version: '1.0.0', length, channels, steps, statics: Array.from({ length: statics }, () => rnd()), staticPresent: new Array(statics).fill(1) };
}

async function main(): Promise<void> {
  const config = loadScorerConfig();
  const bundle = readLearnedBundle(path.join(config.MODELS_DIR, 'ckd-progression-gru'), 'bundled');
  const threads = { intraOpNumThreads: config.SCORER_INTRA_OP_THREADS, interOpNumThreads: config.SCORER_INTER_OP_THREADS };
  const choice = await chooseExecutionProvider(config.SCORER_DEVICE, bundle.modelPath, threads);
  const session = await createSequenceSession(bundle, choice.provider, threads);
  const ms = Number(process.env.BENCH_MS ?? 500);
  const batches = (process.env.BENCH_BATCHES ?? '1,8,64,256,1024').split(',').map(Number);
  const rnd = seededRandom(7);
  process.stdout.write(`provider ${choice.provider}${choice.fallbackReason ? ` (${choice.fallbackReason})` : ''}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), intra-op threads ${threads.intraOpNumThreads}\n\n`);
  process.stdout.write('| batch | padded steps | runs | patients/s | ms per run (median) |\n|---|---|---|---|---|\n');
  for (const n of batches) {
    // A lone patient gets a typical 12 visit days; batches mix 1-24.
    const seqs = Array.from({ length: n }, () => randomSequence(rnd, session.channels, session.staticWidth, n === 1 ? 12 : undefined));
    const padded = padSequences(seqs, session.channels, session.staticWidth);
    await session.runBatch(padded);
    const times: number[] = [];
    const start = performance.now();
    while (performance.now() - start < ms || times.length < 3) {
      const t0 = performance.now();
      await session.runBatch(padded);
      times.push(performance.now() - t0);
    }
    const total = times.reduce((a, b) => a + b, 0);
    times.sort((a, b) => a - b);
    process.stdout.write(`| ${n} | ${padded.steps} | ${times.length} | ${Math.round((n * times.length) / (total / 1000))} | ${times[Math.floor(times.length / 2)]!.toFixed(3)} |\n`);
  }
  await session.release();
}

void main();
