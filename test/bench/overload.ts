/**
 * The service past its capacity, as an EHR's traffic reaches it: calls arrive at a fixed rate
 * (autocannon's `overallRate` over many connections, so the rate holds until that many calls are
 * unanswered) above what the service can answer, so calls wait, and some wait past the hook deadline. What matters then is how many calls are still answered
 * with cards, and what the late ones cost. Measures the closed-loop capacity first (10 connections),
 * then drives pv-median at `BENCH_RATE_FACTOR` × that rate; reports, per build and round: the rate
 * offered and answered, answers with cards per second, client p50/p99, deadline misses and calls shed
 * unread (from /metrics), and connection errors.
 *
 *   npx tsc -b && [BENCH_BASE_DIR=<older checkout, built>] [BENCH_RATE_FACTOR=1.5] [BENCH_S=15]
 *     [BENCH_CONNECTIONS=600] [BENCH_ROUNDS=2] [BENCH_PROCESSES=0] [BENCH_SERVICE_ENV="HOOK_DEADLINE_MS=500"]
 *     node dist-test/bench/overload.js
 */
import os from 'node:os';
import { loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import { generatedRecords, patientViewCalls } from './bench-requests';
import { driveLoad } from './drive-load';
import { scrape, sumMetric } from './prometheus-text';
import { parseEnvList, startBaseService, startService, type ServiceProcess } from './processes';

const FACTOR = Number(process.env.BENCH_RATE_FACTOR ?? 1.5);
const DURATION_S = Number(process.env.BENCH_S ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 600);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PROCESSES = process.env.BENCH_PROCESSES ?? '0';

interface Counters { misses: number; shed: number }

async function counters(url: string): Promise<Counters> {
  const text = await scrape(`${url}/metrics`);
  return { misses: sumMetric(text, 'prognos_deadline_misses_total'), shed: sumMetric(text, 'prognos_hooks_shed_unread_total') };
}

const pct = (part: number, whole: number) => `${(100 * part / Math.max(1, whole)).toFixed(1)} %`;

async function main(): Promise<void> {
  const catalog = loadServiceCatalog(loadScorerConfig());
  const calls = patientViewCalls(catalog.services, generatedRecords(1000, new Date()));
  const env = { LOG_LEVEL: 'warn', EMBEDDED_PROCESSES: PROCESSES, ...parseEnvList(process.env.BENCH_SERVICE_ENV) };
  const builds: [string, ServiceProcess][] = [];
  const baseDir = process.env.BENCH_BASE_DIR;
  if (baseDir) {
    builds.push(['before', await startBaseService(baseDir, env)]);
  }
  builds.push(['this build', await startService(env)]);
  try {
    for (const [, s] of builds) await driveLoad(s.url, calls, { connections: 10, durationS: 2 });
    const capacity = (await driveLoad(builds[builds.length - 1]![1].url, calls, { connections: 10, durationS: 4 })).throughput;
    const rate = Math.round(FACTOR * capacity);
    process.stdout.write(`\nClosed-loop capacity (this build, 10 connections): ${capacity.toFixed(0)} req/s; offered ${rate} req/s `
      + `(× ${FACTOR}) over ${CONNECTIONS} connections for ${DURATION_S} s; load at start ${os.loadavg()[0]!.toFixed(2)}\n\n`);
    process.stdout.write('| build | round | offered req/s | answered req/s | answers with cards /s | p50 ms | p99 ms | deadline misses | shed unread | connection errors |\n');
    process.stdout.write('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
    for (let r = 1; r <= ROUNDS; r++) {
      for (const [name, s] of builds) {
        const c0 = await counters(s.url);
        const load = await driveLoad(s.url, calls, { connections: CONNECTIONS, durationS: DURATION_S, timeoutS: 30, overallRate: rate });
        const c1 = await counters(s.url);
        const n = load.requests;
        process.stdout.write(`| ${name} | ${r} | ${rate} | ${load.throughput.toFixed(0)} | ${(load.withCards / load.durationS).toFixed(0)} | `
          + `${load.p50.toFixed(0)} | ${load.p99.toFixed(0)} | ${pct(c1.misses - c0.misses, n)} | ${pct(c1.shed - c0.shed, n)} | ${load.errors} |\n`);
        // Let the queue drain before the next build is driven.
        await new Promise((res) => setTimeout(res, 3000));
      }
    }
  } finally {
    for (const [, s] of builds) await s.stop(10_000);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
