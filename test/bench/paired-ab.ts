/**
 * Paired before/after over HTTP on a machine that is not quiet: three services side by side (an older
 * build in `BENCH_BASE_DIR`, this build with one process, this build with EMBEDDED_PROCESSES=0 = every
 * core), driven in turn for 5 s each at 10 connections, three rounds, for pv-median and pv-ckd-3y; the
 * JSON.parse rate of the same bodies is measured in the same round. Medians per service.
 *
 *   BENCH_BASE_DIR=/path/to/older/checkout (built with `npx tsc -b`) [BENCH_BASE_PROCESSES=0] node dist-test/bench/paired-ab.js
 *
 * Or this build under several settings instead of the two "after" services (every core unless a
 * variant sets EMBEDDED_PROCESSES), BENCH_BASE_DIR optional:
 *
 *   BENCH_VARIANTS="default:;young64:EMBEDDED_SEMI_SPACE_MB=64" node dist-test/bench/paired-ab.js
 */
import os from 'node:os';
import { loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import { ckdRecords, generatedRecords, jsonParseRate, patientViewCalls } from './bench-requests';
import { driveLoad } from './drive-load';
import { PairedRounds } from './paired-rounds';
import { startBaseService, startService, type ServiceProcess } from './processes';

async function main(): Promise<void> {
  const baseDir = process.env.BENCH_BASE_DIR;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const catalog = loadServiceCatalog(loadScorerConfig());
  const env = { BODY_LIMIT: '64mb', LOG_LEVEL: 'warn' };
  const svcs: [string, ServiceProcess][] = [];
  if (baseDir) {
    // BENCH_BASE_PROCESSES: EMBEDDED_PROCESSES of the older build (1 = one process; 0 = every core).
    const baseProcesses = process.env.BENCH_BASE_PROCESSES ?? '1';
    svcs.push([`before (base build, EMBEDDED_PROCESSES=${baseProcesses})`, await startBaseService(baseDir, { ...env, EMBEDDED_PROCESSES: baseProcesses })]);
  }
  const variants = process.env.BENCH_VARIANTS;
  if (variants) {
    // This build under several settings: "name:KEY=V,KEY2=V2;name2:KEY=V".
    for (const v of variants.split(';').map((x) => x.trim()).filter(Boolean)) {
      const [name, settings = ''] = v.split(':');
      const extra = Object.fromEntries(settings.split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      svcs.push([`${name} (${settings})`, await startService({ ...env, EMBEDDED_PROCESSES: '0', ...extra })]);
    }
  } else {
    svcs.push(['after, EMBEDDED_PROCESSES=1', await startService({ ...env, EMBEDDED_PROCESSES: '1' })]);
    svcs.push([`after, EMBEDDED_PROCESSES=0 (${os.availableParallelism()})`, await startService({ ...env, EMBEDDED_PROCESSES: '0' })]);
  }
  const sets = [
    ['pv-median', patientViewCalls(catalog.services, generatedRecords(1000, new Date()))],
    ['pv-ckd-3y', patientViewCalls(catalog.services, ckdRecords(new Date()))],
  ] as const;
  const results = new PairedRounds();
  process.stderr.write(`load at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  for (const [, calls] of sets) for (const [, s] of svcs) await driveLoad(s.url, calls, { connections: 10, durationS: 2 });
  for (let r = 0; r < rounds; r++) {
    for (const [sn, calls] of sets) {
      const parse = jsonParseRate(calls, 700);
      for (const [name, s] of svcs) await results.measure(r, sn, name, s.url, calls, parse);
    }
  }
  process.stderr.write(`load at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  process.stdout.write(results.table('service'));
  for (const [, s] of svcs) await s.stop();
}

if (require.main === module) {
  main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
}
