/**
 * Where distributed mode's CPU goes as hooks in flight grow: one HTTP process, `BENCH_WORKERS` scorer
 * workers and Redis on this machine, pv-median driven at each level of `BENCH_LEVELS` calls in flight;
 * CPU per answered call of every process read from /proc/<pid>/stat (the HTTP service, each worker,
 * redis-server, and this process, which runs autocannon), with throughput, p99 and the mean scoring
 * inputs per job. Variants (`BENCH_VARIANTS="name:K=V K=V;name2:..."`, service environment) run in
 * interleaved rounds, so a busy minute biases each alike.
 *
 *   npx tsc -b && [BENCH_LEVELS=10,50,200] [BENCH_S=6] [BENCH_ROUNDS=2] [BENCH_WORKERS=1] node dist-test/bench/distributed-cpu.js
 *   BENCH_HTTP_PROF=<dir>: the HTTP service runs under `node --cpu-prof` (summarise the profile with
 *   summarize-cpu-profile.js)
 *   BENCH_SERVER_LATENCY=1: the service logs at info and its access log's `ms` (from the request's
 *   arrival in express to its answer) is reported beside autocannon's latency, to tell the time a
 *   call spends in the service from the time it waits before the service can see it
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import { generatedRecords, patientViewCalls } from './bench-requests';
import { driveLoad, percentile } from './drive-load';
import { queueBatchInputs, scrape, sumMetric } from './prometheus-text';
import { cleanupBenchQueue, parseEnvList, startService, startWorker, type ServiceProcess, type WorkerProcess } from './processes';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEVELS = (process.env.BENCH_LEVELS ?? '10,50,200').split(',').map(Number).filter((n) => n > 0);
const DURATION_S = Number(process.env.BENCH_S ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'default:').split(';').filter(Boolean).map((v) => {
  const i = v.indexOf(':');
  return { name: v.slice(0, i), env: parseEnvList(v.slice(i + 1)) };
});

const HTTP_PROF = process.env.BENCH_HTTP_PROF;
const SERVER_LATENCY = process.env.BENCH_SERVER_LATENCY === '1';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** utime + stime of a process, ms (0 once it is gone). */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

const selfCpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

function redisPid(): number {
  try { return Number(execFileSync('pgrep', ['-o', 'redis-server']).toString().trim()); } catch { return -1; }
}

interface Point { variant: string; inFlight: number; reqS: number; p99: number; errors: number; inputsPerJob: number; withCards: number; deadlineMisses: number; serverP50?: number; serverP99?: number; clientP50: number; cpu: Record<string, number> }

async function jobInputs(service: ServiceProcess): Promise<{ inputs: number; jobs: number; misses: number }> {
  const text = await scrape(`${service.url}/metrics`);
  return { ...queueBatchInputs(text), misses: sumMetric(text, 'prognos_deadline_misses_total') };
}

async function measure(variant: { name: string; env: Record<string, string> }, calls: ReturnType<typeof patientViewCalls>): Promise<Point[]> {
  const queueName = `bench-cpu-${randomUUID()}`;
  const workers: WorkerProcess[] = [];
  let service: ServiceProcess | undefined;
  const points: Point[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker({ REDIS_URL, QUEUE_NAME: queueName, LOG_LEVEL: 'warn' }));
    // BENCH_WORKERS=0: the embedded service (one process) under the same load, for comparison.
    const queueEnv: Record<string, string> = WORKERS > 0 ? { REDIS_URL, QUEUE_NAME: queueName, FEEDBACK_STREAM_KEY: `bench:feedback:${queueName}` } : {};
    service = await startService({ ...queueEnv, ...(SERVER_LATENCY ? { LOG_LEVEL: 'info' } : {}), ...variant.env },
      HTTP_PROF ? ['--cpu-prof', `--cpu-prof-dir=${HTTP_PROF}`] : []);
    const rpid = redisPid();
    const pids: Record<string, number> = { http: service.pid, redis: rpid, ...Object.fromEntries(workers.map((w, i) => [`worker${i + 1}`, w.pid])) };
    // The access log's per-request ms (POST hook calls), collected while a level is measured.
    let serverMs: number[] | undefined;
    let partial = '';
    service.child.stdout?.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      if (!serverMs) return;
      for (const line of lines) {
        if (!line.includes('"msg":"request"') || !line.includes('"POST"')) continue;
        try { serverMs.push((JSON.parse(line) as { ms: number }).ms); } catch { /* not a log line */ }
      }
    });
    await driveLoad(service.url, calls, { connections: 10, durationS: 2 });
    for (const inFlight of LEVELS) {
      await driveLoad(service.url, calls, { connections: inFlight, durationS: 1, timeoutS: 30 });
      const j0 = await jobInputs(service);
      const c0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
      const s0 = selfCpuMs();
      serverMs = SERVER_LATENCY ? [] : undefined;
      const load = await driveLoad(service.url, calls, { connections: inFlight, durationS: DURATION_S, timeoutS: 30 });
      const s1 = selfCpuMs();
      const served = (serverMs ?? []).sort((a, b) => a - b);
      serverMs = undefined;
      const c1 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
      const j1 = await jobInputs(service);
      const n = Math.max(1, load.requests);
      const cpu: Record<string, number> = {};
      for (const k of Object.keys(pids)) cpu[k] = (c1[k]! - c0[k]!) / n;
      cpu.autocannon = (s1 - s0) / n;
      points.push({
        variant: variant.name, inFlight, reqS: load.throughput, p99: load.p99, errors: load.errors + load.non2xx,
        inputsPerJob: j1.jobs > j0.jobs ? (j1.inputs - j0.inputs) / (j1.jobs - j0.jobs) : Number.NaN, cpu,
        withCards: load.withCards / n, deadlineMisses: (j1.misses - j0.misses) / n, clientP50: load.p50,
        ...(served.length ? { serverP50: percentile(served, 50), serverP99: percentile(served, 99) } : {}),
      });
      const p = points[points.length - 1]!;
      process.stderr.write(`${variant.name} ${inFlight} in flight: ${p.reqS.toFixed(0)} req/s p99 ${p.p99.toFixed(1)} ms, inputs/job ${p.inputsPerJob.toFixed(2)}, `
        + `with cards ${(100 * p.withCards).toFixed(0)} %, deadline misses ${(100 * p.deadlineMisses).toFixed(1)} %, `
        + (p.serverP99 !== undefined ? `client p50 ${p.clientP50.toFixed(0)} ms, in the service p50 ${p.serverP50!.toFixed(0)} p99 ${p.serverP99.toFixed(0)} ms, ` : '')
        + `cpu ms/call ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}\n`);
    }
  } finally {
    await service?.stop(10_000);
    for (const w of workers) await w.stop(10_000);
    await cleanupBenchQueue(REDIS_URL, queueName).catch(() => undefined);
  }
  return points;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const catalog = loadServiceCatalog(loadScorerConfig({ LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv));
  const calls = patientViewCalls(catalog.services, generatedRecords(1000, new Date()));
  const all: Point[] = [];
  for (let r = 0; r < ROUNDS; r++) for (const v of VARIANTS) all.push(...await measure(v, calls));
  const keys = [...new Set(all.flatMap((p) => Object.keys(p.cpu)))];
  process.stdout.write(`\n| variant | in flight | req/s | p99 ms | errors | with cards | deadline misses | inputs per job | ${keys.map((k) => `${k} ms/call`).join(' | ')} | total ms/call |\n`);
  process.stdout.write(`|---|---:|---:|---:|---:|---:|---:|---:|${keys.map(() => '---:|').join('')}---:|\n`);
  for (const v of VARIANTS) {
    for (const level of LEVELS) {
      const ps = all.filter((p) => p.variant === v.name && p.inFlight === level);
      const cpu = keys.map((k) => median(ps.map((p) => p.cpu[k] ?? 0)));
      process.stdout.write(`| ${v.name} | ${level} | ${ps.map((p) => p.reqS.toFixed(0)).join(' / ')} | ${ps.map((p) => p.p99.toFixed(0)).join(' / ')} | ${ps.reduce((s, p) => s + p.errors, 0)} `
        + `| ${ps.map((p) => `${(100 * p.withCards).toFixed(0)} %`).join(' / ')} | ${ps.map((p) => `${(100 * p.deadlineMisses).toFixed(1)} %`).join(' / ')} `
        + `| ${median(ps.map((p) => p.inputsPerJob)).toFixed(2)} | ${cpu.map((c) => c.toFixed(2)).join(' | ')} | ${cpu.reduce((s, c) => s + c, 0).toFixed(2)} |\n`);
    }
  }
}

main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
