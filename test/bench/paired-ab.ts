/**
 * Paired before/after over HTTP on a machine that is not quiet: three services side by side (an older
 * build in `BENCH_BASE_DIR`, this build with one process, this build with EMBEDDED_PROCESSES=0 = every
 * core), driven in turn for 5 s each at 10 connections, three rounds, for pv-median and pv-ckd-3y; the
 * JSON.parse rate of the same bodies is measured in the same round. Medians per service.
 *
 *   BENCH_BASE_DIR=/path/to/older/checkout (built with `npx tsc -b`) [BENCH_BASE_PROCESSES=0] node dist-test/bench/paired-ab.js
 */
import os from 'node:os';
import path from 'node:path';
import { loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import { ckdRecords, generatedRecords, jsonParseRate, patientViewCalls } from './bench-requests';
import { driveLoad } from './drive-load';
import { startService, type ServiceProcess } from './processes';

async function main(): Promise<void> {
  const baseDir = process.env.BENCH_BASE_DIR;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const catalog = loadServiceCatalog(loadScorerConfig());
  const env = { BODY_LIMIT: '64mb', LOG_LEVEL: 'warn' };
  const svcs: [string, ServiceProcess][] = [];
  if (baseDir) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const base = require(path.join(baseDir, 'dist-test', 'bench', 'processes.js')) as typeof import('./processes');
    // BENCH_BASE_PROCESSES: EMBEDDED_PROCESSES of the older build (1 = one process; 0 = every core).
    const baseProcesses = process.env.BENCH_BASE_PROCESSES ?? '1';
    svcs.push([`before (base build, EMBEDDED_PROCESSES=${baseProcesses})`, await base.startService({ ...env, EMBEDDED_PROCESSES: baseProcesses })]);
  }
  svcs.push(['after, EMBEDDED_PROCESSES=1', await startService({ ...env, EMBEDDED_PROCESSES: '1' })]);
  svcs.push([`after, EMBEDDED_PROCESSES=0 (${os.availableParallelism()})`, await startService({ ...env, EMBEDDED_PROCESSES: '0' })]);
  const sets = [
    ['pv-median', patientViewCalls(catalog.services, generatedRecords(1000, new Date()))],
    ['pv-ckd-3y', patientViewCalls(catalog.services, ckdRecords(new Date()))],
  ] as const;
  const out = new Map<string, { rps: number; p50: number; p99: number; err: number; parse: number }[]>();
  process.stderr.write(`load at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  for (const [, calls] of sets) for (const [, s] of svcs) await driveLoad(s.url, calls, { connections: 10, durationS: 2 });
  for (let r = 0; r < rounds; r++) {
    for (const [sn, calls] of sets) {
      const parse = jsonParseRate(calls, 700);
      for (const [name, s] of svcs) {
        const l = await driveLoad(s.url, calls, { connections: 10, durationS: 5 });
        const k = `${sn}|${name}`;
        out.set(k, [...(out.get(k) ?? []), { rps: l.throughput, p50: l.p50, p99: l.p99, err: l.errors + l.non2xx, parse }]);
        process.stderr.write(`${r} ${sn} ${name}: ${Math.round(l.throughput)} req/s p99 ${l.p99.toFixed(1)} ms, parse ${Math.round(parse)}/s, load ${os.loadavg()[0]!.toFixed(2)}\n`);
      }
    }
  }
  process.stderr.write(`load at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const lines = ['| scenario | service | req/s | p50 ms | p99 ms | errors | JSON.parse/s (same bodies, same run) | req/s ÷ parse/s |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const [k, v] of out) {
    const [sn, name] = k.split('|');
    const rps = med(v.map((x) => x.rps));
    const parse = med(v.map((x) => x.parse));
    lines.push(`| ${sn} | ${name} | ${Math.round(rps)} | ${med(v.map((x) => x.p50)).toFixed(1)} | ${med(v.map((x) => x.p99)).toFixed(1)} | ${v.reduce((s, x) => s + x.err, 0)} | ${Math.round(parse)} | ${(rps / parse).toFixed(2)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const [, s] of svcs) await s.stop();
}

if (require.main === module) {
  main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
}
