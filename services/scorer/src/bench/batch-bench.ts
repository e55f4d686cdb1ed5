/**
 * Micro-benchmark of the bundled models: rows/s and per-run latency at batch sizes 1, 8, 64, 256,
 * on the provider SCORER_DEVICE selects (auto | cpu | cuda), with the configured thread counts.
 *
 *   npx tsc -b services/scorer && SCORER_DEVICE=cpu node services/scorer/dist/bench/batch-bench.js
 *
 * Env: BENCH_MS (time per cell, @defaultValue 300 ms), BENCH_BATCHES (@defaultValue "1,8,64,256"),
 * plus the scorer's SCORER_DEVICE / SCORER_INTRA_OP_THREADS / SCORER_INTER_OP_THREADS / MODELS_DIR.
 * Prints a markdown table (one row per model × batch size).
 */
import os from 'node:os';
import { readBundledModels, type ModelBundle } from '../bundles/read-model-bundle';
import { loadScorerConfig } from '../config';
import { seededRandom } from '../models/bundled-model-runner';
import { chooseExecutionProvider } from '../runtime/execution-provider';
import { createModelSession } from '../runtime/model-session';

/** Random rows inside each input's validated range (flags 0/1). */
function randomRows(bundle: ModelBundle, n: number, rnd: () => number): Float32Array {
  const inputs = bundle.manifest.inputs;
  const rows = new Float32Array(n * inputs.length);
  for (let r = 0; r < n; r++) {
    inputs.forEach((input, c) => {
      const lo = input.min ?? 0;
      const hi = input.max ?? lo + 1000;
      const isFlag = input.unit === '1' && lo === 0 && hi === 1;
      rows[r * inputs.length + c] = isFlag ? (rnd() < 0.5 ? 0 : 1) : lo + (hi - lo) * (0.01 + 0.98 * rnd());
    });
  }
  return rows;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<void> {
  const config = loadScorerConfig();
  const budgetMs = Number(process.env.BENCH_MS ?? 300);
  const batches = (process.env.BENCH_BATCHES ?? '1,8,64,256').split(',').map(Number);
  const threads = { intraOpNumThreads: config.SCORER_INTRA_OP_THREADS, interOpNumThreads: config.SCORER_INTER_OP_THREADS };
  const bundles = readBundledModels(config.MODELS_DIR);
  const choice = await chooseExecutionProvider(config.SCORER_DEVICE, bundles[0]?.modelPath, threads);
  console.log(`# scorer batch bench: SCORER_DEVICE=${config.SCORER_DEVICE} → provider ${choice.provider}` +
    `${choice.fallbackReason ? ` (fallback: ${choice.fallbackReason})` : ''}; intra-op ${threads.intraOpNumThreads}, inter-op ${threads.interOpNumThreads}; ` +
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; node ${process.version}; ${budgetMs} ms per cell\n`);
  console.log('| model | provider | batch | runs | rows/s | run p50 µs | run p99 µs | µs/row (p50) | load ms |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const rnd = seededRandom(1);
  for (const bundle of bundles) {
    const model = await createModelSession(bundle, choice.provider, threads);
    for (const n of batches) {
      const rows = randomRows(bundle, n, rnd);
      for (let i = 0; i < 20; i++) await model.runBatch(rows, n); // warm this shape
      const lat: number[] = [];
      const started = process.hrtime.bigint();
      let elapsedMs = 0;
      while (elapsedMs < budgetMs) {
        const t0 = process.hrtime.bigint();
        await model.runBatch(rows, n);
        const t1 = process.hrtime.bigint();
        lat.push(Number(t1 - t0) / 1000);
        elapsedMs = Number(t1 - started) / 1e6;
      }
      lat.sort((a, b) => a - b);
      const rowsPerSec = (lat.length * n) / (elapsedMs / 1000);
      const p50 = percentile(lat, 0.5);
      console.log(`| ${bundle.manifest.id} | ${model.provider} | ${n} | ${lat.length} | ${Math.round(rowsPerSec).toLocaleString('en-US')} | ` +
        `${p50.toFixed(1)} | ${percentile(lat, 0.99).toFixed(1)} | ${(p50 / n).toFixed(2)} | ${model.loadMs} |`);
    }
    await model.release();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
