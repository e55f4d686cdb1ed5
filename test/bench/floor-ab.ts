/**
 * Is a slower figure the code or the host? The in-process floor (same calls, same pipeline, no HTTP)
 * of this build and of an older one, run alternately in fresh processes in the same minutes: the same
 * generated records (same seeds) for pv-median and pv-ckd-3y, `BENCH_FLOOR_S` (3) seconds at 10 in
 * flight per measurement, `BENCH_ROUNDS` (2) rounds.
 *
 *   BENCH_BASE_DIR=/path/to/older/checkout (built with `npx tsc -b`) node dist-test/bench/floor-ab.js
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function main(): void {
  const baseDir = process.env.BENCH_BASE_DIR;
  if (!baseDir) throw new Error('set BENCH_BASE_DIR to an older checkout built with `npx tsc -b`');
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const builds: [string, string][] = [['base', path.resolve(baseDir)], ['this build', path.resolve(__dirname, '..', '..')]];
  for (let r = 0; r < rounds; r++) {
    for (const [label, dir] of builds) {
      // The older build may predate this tool: run this file's measurement against its modules.
      const script = `process.chdir(${JSON.stringify(dir)}); require(${JSON.stringify(__filename)}).measureIn(${JSON.stringify(dir)});`;
      const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
      for (const line of out.stdout.trim().split('\n')) process.stdout.write(`round ${r + 1}, ${label}: ${line}\n`);
      if (out.status !== 0) process.stderr.write(out.stderr);
    }
  }
}

/** The measurement with another checkout's floor and request builders (its dist-test/bench). */
export function measureIn(dir: string): void {
  const bench = path.join(dir, 'dist-test', 'bench');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createFloor } = require(path.join(bench, 'measure-floor.js')) as typeof import('./measure-floor');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ckdRecords, generatedRecords, patientViewCalls } = require(path.join(bench, 'bench-requests.js')) as typeof import('./bench-requests');
  void (async () => {
    const floor = await createFloor({ LOG_LEVEL: 'silent' });
    const seconds = Number(process.env.BENCH_FLOOR_S ?? 3);
    for (const [name, records] of [['pv-median', generatedRecords(1000, new Date())], ['pv-ckd-3y', ckdRecords(new Date())]] as const) {
      const r = await floor.measure(patientViewCalls(floor.services, records), { durationS: seconds });
      process.stdout.write(`${name} ${r.throughput.toFixed(0)} req/s, ${r.serialMs.toFixed(2)} ms per call one at a time\n`);
    }
    await floor.close();
    process.exit(0);
  })();
}

if (require.main === module) {
  try { main(); } catch (e) { process.stderr.write(`${(e as Error).message}\n`); process.exit(1); }
}
