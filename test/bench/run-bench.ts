/**
 * `npm run bench`: the service benchmark (not a test). Builds realistic hook calls, measures THE
 * FLOOR (same calls through the same pipeline in one process, no HTTP, no queue), then starts the
 * real service (`node services/cds-hooks/dist/main.js`) and drives it with autocannon at 10
 * connections, in embedded mode and distributed mode with one and two scorer workers (BullMQ on
 * REDIS_URL, a unique queue per run). Prints markdown tables and writes the raw figures as JSON.
 *
 * Environment (all optional):
 *   BENCH_DURATION_S   seconds per autocannon scenario                       @defaultValue 10
 *   BENCH_WARMUP_S     warm-up before each scenario, not counted              @defaultValue 2
 *   BENCH_MODE_WARMUP_S mixed traffic of every scenario after each mode's service starts, not
 *                      counted: a fresh process is slower for its first tens of seconds  @defaultValue 30
 *   BENCH_FLOOR_S      seconds per floor measurement                          @defaultValue 5
 *   BENCH_CURVE_S      seconds per service point of the cost curve (at least 10 floor calls per connection) @defaultValue 3
 *   BENCH_CURVE_SIZES  record sizes of the cost curve                         @defaultValue 100,500,1000,2000,5000,10000,20000
 *   BENCH_SOAK_S       embedded mixed-traffic soak (RSS over time); 0 = none  @defaultValue 60
 *   BENCH_CONNECTIONS  concurrent connections / calls in flight               @defaultValue 10
 *   BENCH_MODES        embedded-1 (one process), embedded (EMBEDDED_PROCESSES default = available
 *                      parallelism), embedded-N, distributed-N (N workers)    @defaultValue embedded-1,embedded,distributed-1
 *   BENCH_SERVICE_ENV  extra service environment, e.g. "EMBEDDED_SEMI_SPACE_MB=32 LOG_LEVEL=info"
 *   BENCH_SCENARIOS    comma list of scenario names to run (floor and service) @defaultValue all
 *   BENCH_BATCH_S      distributed: seconds per in-flight level of the batch-size sweep; 0 = none  @defaultValue 5
 *   BENCH_BATCH_LEVELS distributed: calls in flight of the sweep            @defaultValue 10,50,200
 *   BENCH_REDIS_URL    Redis for distributed mode                            @defaultValue redis://127.0.0.1:6379
 *   BENCH_CPU_PROF=1   run the embedded service under --cpu-prof and summarise self time by function
 *   BENCH_JSON         output file                                            @defaultValue bench-results/service-bench.json
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import {
  ckdRecords, generatedRecords, jsonDecodeParseRate, jsonParseRate, meanOf, orderSignCalls, patientViewCalls, syntheaRecords, type HookCall,
} from './bench-requests';
import { driveLoad, type LoadResult } from './drive-load';
import { createFloor, type Floor, type FloorResult } from './measure-floor';
import { parseJsonBody } from '@prognos/cds-hooks';
import { addCounters, countersOf, diffCounters, queueBatchInputs, scrape, type CounterSnapshot } from './prometheus-text';
import {
  MB, REPO_ROOT, cleanupBenchQueue, parseEnvList, readMemory, sampleRss, startService, startWorker, type ServiceProcess, type WorkerProcess,
} from './processes';
import { summarizeCpuProfile, formatProfileSummary } from './summarize-cpu-profile';

const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
const DURATION_S = num(process.env.BENCH_DURATION_S, 10);
const WARMUP_S = num(process.env.BENCH_WARMUP_S, 2);
const MODE_WARMUP_S = num(process.env.BENCH_MODE_WARMUP_S, 30);
const FLOOR_S = num(process.env.BENCH_FLOOR_S, 5);
const CURVE_S = num(process.env.BENCH_CURVE_S, 3);
const CURVE_SIZES = (process.env.BENCH_CURVE_SIZES ?? '100,500,1000,2000,5000,10000,20000').split(',').map(Number).filter((n) => n > 0);
const SOAK_S = num(process.env.BENCH_SOAK_S, 60);
const CONNECTIONS = num(process.env.BENCH_CONNECTIONS, 10);
const MODES = (process.env.BENCH_MODES ?? 'embedded-1,embedded,distributed-1').split(',').map((s) => s.trim());
const BATCH_S = num(process.env.BENCH_BATCH_S, 5);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const BATCH_LEVELS = (process.env.BENCH_BATCH_LEVELS ?? '10,50,200').split(',').map(Number).filter((n) => n > 0);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const JSON_OUT = process.env.BENCH_JSON ?? path.join(REPO_ROOT, 'bench-results', 'service-bench.json');
/** Bodies of the cost curve's 20,000-resource records exceed the 5 MB default (uncapped prefetch). */
const SERVICE_ENV: Record<string, string> = {
  BODY_LIMIT: '64mb', LOG_LEVEL: 'warn',
  ...parseEnvList(process.env.BENCH_SERVICE_ENV),
};

const TARGETS = { embeddedP99Ms: 50, distributedP99Ms: 75, floorShare: 0.6, parseShare: 0.5 };

interface Scenario {
  name: string;
  description: string;
  calls: HookCall[];
}

interface ScenarioRow {
  mode: string;
  scenario: string;
  load: LoadResult;
  counters: CounterSnapshot;
  avgBatch: number;
  serviceRssMb: number;
  serviceHwmMb: number;
  workersRssMb: number[];
  floor: FloorResult;
  /** JSON.parse calls/s of the scenario's bodies on one core, measured in this run. */
  parseRate: number;
}

const log = (...a: unknown[]) => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`); };
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

function buildScenarios(services: Parameters<typeof patientViewCalls>[0], asOf: Date): Scenario[] {
  const small = generatedRecords(100, asOf);
  const median = generatedRecords(1000, asOf);
  const large = generatedRecords(10_000, asOf);
  const synthea = syntheaRecords(8);
  const list: Scenario[] = [
    { name: 'pv-small', description: 'patient-view, generated 100-resource records', calls: patientViewCalls(services, small) },
    { name: 'pv-median', description: 'patient-view, generated 1,000-resource records', calls: patientViewCalls(services, median) },
    { name: 'pv-ckd-3y', description: 'patient-view, median CKD patients with three years of care (~180 resources)', calls: patientViewCalls(services, ckdRecords(asOf)) },
    { name: 'pv-large', description: 'patient-view, generated 10,000-resource records', calls: patientViewCalls(services, large) },
  ];
  if (synthea.length > 0) list.push({ name: 'pv-synthea', description: `patient-view, ${synthea.length} shared Synthea R4 records`, calls: patientViewCalls(services, synthea) });
  else log('shared Synthea data not found: pv-synthea skipped (set PROGNOS_SHARED_DIR)');
  list.push({ name: 'os-median', description: 'order-sign (medication-safety) with draft orders, 1,000-resource records', calls: orderSignCalls(services, median) });
  return list;
}

/** The service's pids: the process itself and, in multi-process embedded mode, its workers. */
function servicePids(service: ServiceProcess): number[] {
  try {
    const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(service.pid)], { encoding: 'utf8' })
      .split('\n').map((x) => Number(x.trim())).filter((n) => n > 0);
    return [service.pid, ...kids];
  } catch {
    return [service.pid];
  }
}

async function runScenario(
  mode: string, scenario: Scenario, service: ServiceProcess, workers: WorkerProcess[], floor: FloorResult, parseRate: number,
): Promise<ScenarioRow> {
  if (WARMUP_S > 0) await driveLoad(service.url, scenario.calls, { connections: CONNECTIONS, durationS: WARMUP_S });
  const metricsOf = async (): Promise<CounterSnapshot> => {
    const svc = countersOf(await scrape(`${service.url}/metrics`));
    if (workers.length === 0) return svc;
    let w: CounterSnapshot = { deadlineMisses: 0, inferenceRows: 0, inferenceRuns: 0 };
    for (const wk of workers) w = addCounters(w, countersOf(await scrape(wk.metricsUrl)));
    return { deadlineMisses: svc.deadlineMisses, inferenceRows: w.inferenceRows, inferenceRuns: w.inferenceRuns };
  };
  const before = await metricsOf();
  const svcPids = servicePids(service);
  const sampler = sampleRss([...svcPids, ...workers.map((w) => w.pid)]);
  const load = await driveLoad(service.url, scenario.calls, { connections: CONNECTIONS, durationS: DURATION_S });
  const peaks = sampler.stop();
  const counters = diffCounters(await metricsOf(), before);
  const row: ScenarioRow = {
    mode, scenario: scenario.name, load, counters,
    avgBatch: counters.inferenceRuns > 0 ? counters.inferenceRows / counters.inferenceRuns : Number.NaN,
    // Multi-process: the sum of each process's peak.
    serviceRssMb: svcPids.reduce((sum, p) => sum + (peaks[p] ?? 0), 0) / MB,
    serviceHwmMb: readMemory(service.pid).hwm / MB,
    workersRssMb: workers.map((w) => (peaks[w.pid] ?? 0) / MB),
    floor,
    parseRate,
  };
  log(`${mode} ${scenario.name}: ${f0(load.throughput)} req/s, p50 ${f1(load.p50)} p95 ${f1(load.p95)} p99 ${f1(load.p99)} ms, `
    + `errors ${load.errors}, non-2xx ${load.non2xx}, misses ${counters.deadlineMisses}, batch ${f2(row.avgBatch)}, `
    + `floor ${f0(floor.throughput)} req/s → ${f2(load.throughput / floor.throughput)}, JSON.parse ${f0(parseRate)}/s → ${f2(load.throughput / parseRate)}`);
  return row;
}

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

interface BatchPoint { mode: string; inFlight: number; throughput: number; p99: number; avgBatch: number; inputsPerJob: number; errors: number }

/** Inputs and jobs sent by the HTTP service so far (prognos_queue_batch_inputs histogram). */
async function serviceJobInputs(service: ServiceProcess): Promise<{ inputs: number; jobs: number }> {
  return queueBatchInputs(await scrape(`${service.url}/metrics`));
}

async function runMode(mode: string, scenarios: Scenario[], floors: Map<string, FloorResult>, parseRates: Map<string, number>, profileThis: boolean): Promise<{ rows: ScenarioRow[]; profile?: string; batches: BatchPoint[] }> {
  const embedded = mode.startsWith('embedded');
  const workersWanted = embedded ? 0 : Number(mode.split('-')[1] ?? 1);
  const queueName = `bench-${randomUUID()}`;
  // embedded: the service's default (EMBEDDED_PROCESSES unset = available parallelism); embedded-N: N processes.
  const env: Record<string, string> = { ...SERVICE_ENV, EMBEDDED_PROCESSES: mode === 'embedded' ? '0' : embedded ? mode.split('-')[1]! : '1' };
  if (workersWanted > 0) {
    if (!(await redisAnswers())) {
      log(`${mode}: no Redis at ${REDIS_URL}: skipped`);
      return { rows: [], batches: [] };
    }
    Object.assign(env, { REDIS_URL, QUEUE_NAME: queueName, FEEDBACK_STREAM_KEY: `bench:feedback:${queueName}` });
  }
  const profileDir = profileThis ? fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-prof-')) : undefined;
  const workers: WorkerProcess[] = [];
  let service: ServiceProcess | undefined;
  const rows: ScenarioRow[] = [];
  const batches: BatchPoint[] = [];
  try {
    for (let i = 0; i < workersWanted; i++) workers.push(await startWorker({ REDIS_URL, QUEUE_NAME: queueName, LOG_LEVEL: 'warn' }));
    service = await startService(env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    log(`${mode}: service pid ${service.pid}${workers.length ? `, workers ${workers.map((w) => w.pid).join(', ')}` : ''}`);
    if (MODE_WARMUP_S > 0) {
      // A fresh process answers slower for its first tens of seconds while V8 optimises the code and
      // the heap grows (pv-median, one process: 10.7 ms of CPU per call in its first 2 s, 4-5 ms after
      // 20 s; BENCHMARKS.md, issue 16 fifth pass). The scenarios measure the service as it runs, not
      // as it starts.
      await driveLoad(service.url, scenarios.flatMap((s) => s.calls), { connections: CONNECTIONS, durationS: MODE_WARMUP_S, timeoutS: 60 });
      log(`${mode}: warmed up with ${MODE_WARMUP_S} s of every scenario's calls`);
    }
    for (const s of scenarios) rows.push(await runScenario(mode, s, service, workers, floors.get(s.name)!, parseRates.get(s.name)!));
    const med = scenarios.find((s) => s.name === 'pv-median');
    if (!embedded && BATCH_S > 0 && med) {
      // Mean batch size with more hooks in flight: do rows from concurrent jobs share onnxruntime runs?
      for (const inFlight of BATCH_LEVELS) {
        const before = await workerCounters(workers);
        const jobsBefore = await serviceJobInputs(service);
        const load = await driveLoad(service.url, med.calls, { connections: inFlight, durationS: BATCH_S, timeoutS: 30 });
        const c = diffCounters(await workerCounters(workers), before);
        const jobsAfter = await serviceJobInputs(service);
        const jobs = jobsAfter.jobs - jobsBefore.jobs;
        const point = {
          mode, inFlight, throughput: load.throughput, p99: load.p99, avgBatch: c.inferenceRuns > 0 ? c.inferenceRows / c.inferenceRuns : Number.NaN,
          inputsPerJob: jobs > 0 ? (jobsAfter.inputs - jobsBefore.inputs) / jobs : Number.NaN, errors: load.errors + load.non2xx,
        };
        batches.push(point);
        log(`${mode} batch sweep: ${inFlight} in flight: ${f0(point.throughput)} req/s, p99 ${f1(point.p99)} ms, inputs per job ${f2(point.inputsPerJob)}, mean batch ${f2(point.avgBatch)}, errors ${point.errors}`);
      }
    }
  } finally {
    await service?.stop(10_000);
    for (const w of workers) await w.stop(10_000);
    if (workersWanted > 0) await cleanupBenchQueue(REDIS_URL, queueName).catch((e: unknown) => log(`cleanup failed: ${(e as Error).message}`));
  }
  let profile: string | undefined;
  if (profileDir) {
    const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) profile = path.join(profileDir, file);
  }
  return { rows, profile, batches };
}

async function workerCounters(workers: WorkerProcess[]): Promise<CounterSnapshot> {
  let w: CounterSnapshot = { deadlineMisses: 0, inferenceRows: 0, inferenceRuns: 0 };
  for (const wk of workers) w = addCounters(w, countersOf(await scrape(wk.metricsUrl)));
  return w;
}

interface CurvePoint {
  size: number;
  prefetchResources: number;
  bodyKb: number;
  cappedPrefetchResources: number;
  cappedFloorMs: number;
  floorMs: number;
  floorThroughput: number;
  serviceP50: number;
  serviceP99: number;
  serviceThroughput: number;
  errors: number;
  non2xx: number;
}

async function runCostCurve(floor: Floor, asOf: Date): Promise<CurvePoint[]> {
  const service = await startService(SERVICE_ENV);
  const points: CurvePoint[] = [];
  try {
    for (const size of CURVE_SIZES) {
      const records = generatedRecords(size, asOf);
      const uncapped = patientViewCalls(floor.services, records, 'uncapped');
      const capped = patientViewCalls(floor.services, records, 'capped');
      const cappedFloor = await floor.measure(capped, { durationS: 0.5, serialCalls: capped.length * 2 });
      const fl = await floor.measure(uncapped, { durationS: Math.max(1, CURVE_S / 2), serialCalls: uncapped.length * (size > 5000 ? 1 : 3) });
      // A closed loop only measures throughput when each connection completes many calls in the
      // window (calls still in flight at its end are not counted): at least 10 per connection at the
      // floor's cost, so the large records get a longer window than BENCH_CURVE_S.
      const windowS = Math.max(CURVE_S, Math.ceil((fl.serialMs * CONNECTIONS * 10) / 1000));
      if (WARMUP_S > 0) await driveLoad(service.url, uncapped, { connections: CONNECTIONS, durationS: Math.max(1, Math.ceil(windowS / 3)), timeoutS: 60 });
      const load = await driveLoad(service.url, uncapped, { connections: CONNECTIONS, durationS: windowS, timeoutS: 60 });
      const p: CurvePoint = {
        size,
        prefetchResources: meanOf(uncapped, 'prefetchResources'),
        bodyKb: meanOf(uncapped, 'bodyBytes') / 1024,
        cappedPrefetchResources: meanOf(capped, 'prefetchResources'),
        cappedFloorMs: cappedFloor.serialMs,
        floorMs: fl.serialMs,
        floorThroughput: fl.throughput,
        serviceP50: load.p50,
        serviceP99: load.p99,
        serviceThroughput: load.throughput,
        errors: load.errors,
        non2xx: load.non2xx,
      };
      points.push(p);
      log(`curve ${size}: prefetch ${f0(p.prefetchResources)} res, ${f0(p.bodyKb)} KB, floor ${f2(p.floorMs)} ms/call, service p50 ${f1(p.serviceP50)} ms`);
    }
  } finally {
    await service.stop(10_000);
  }
  return points;
}

interface SoakResult {
  durationS: number;
  requests: number;
  errors: number;
  non2xx: number;
  p99: number;
  rssStartMb: number;
  rssMaxMb: number;
  rssEndMb: number;
  /** RSS growth over the second half of the soak, MB/min (≈ 0 when bounded). */
  secondHalfSlopeMbPerMin: number;
  /** RSS each second; `answers`: responses since the previous sample. */
  samples: { t: number; rssMb: number; answers?: number }[];
  /** Answers per second in each whole minute of the soak (a cost that grows as stores fill shows here). */
  reqPerSByMinute: number[];
}

async function runSoak(calls: HookCall[]): Promise<SoakResult> {
  const service = await startService(SERVICE_ENV);
  try {
    await driveLoad(service.url, calls, { connections: CONNECTIONS, durationS: Math.max(2, WARMUP_S) });
    const t0 = Date.now();
    const samples: SoakResult['samples'] = [{ t: 0, rssMb: readMemory(service.pid).rss / MB }];
    let answers = 0;
    const timer = setInterval(() => {
      samples.push({ t: (Date.now() - t0) / 1000, rssMb: readMemory(service.pid).rss / MB, answers });
      answers = 0;
    }, 1000);
    const load = await driveLoad(service.url, calls, { connections: CONNECTIONS, durationS: SOAK_S, onResponse: () => { answers += 1; } });
    clearInterval(timer);
    samples.push({ t: (Date.now() - t0) / 1000, rssMb: readMemory(service.pid).rss / MB });
    const half = samples.filter((s) => s.t >= SOAK_S / 2);
    const slope = linearFit(half.map((s) => s.t / 60), half.map((s) => s.rssMb)).b;
    return {
      durationS: load.durationS, requests: load.requests, errors: load.errors, non2xx: load.non2xx, p99: load.p99,
      rssStartMb: samples[0]!.rssMb, rssMaxMb: Math.max(...samples.map((s) => s.rssMb)), rssEndMb: samples[samples.length - 1]!.rssMb,
      secondHalfSlopeMbPerMin: slope, samples, reqPerSByMinute: perMinuteRate(samples),
    };
  } finally {
    await service.stop(10_000);
  }
}

/** Answers per second in each whole minute, from per-second samples of answers since the previous sample. */
export function perMinuteRate(samples: readonly { t: number; answers?: number }[]): number[] {
  const sums: number[] = [];
  const spans: number[] = [];
  let prevT = 0;
  for (const s of samples) {
    if (s.answers === undefined) { prevT = s.t; continue; }
    const m = Math.floor(prevT / 60);
    sums[m] = (sums[m] ?? 0) + s.answers;
    spans[m] = (spans[m] ?? 0) + (s.t - prevT);
    prevT = s.t;
  }
  // Only whole minutes: a last partial minute would read low or high by chance.
  return sums.map((n, m) => (spans[m]! >= 59 ? n / spans[m]! : Number.NaN)).filter((r) => Number.isFinite(r));
}

/** Least squares y = a + b·x, with R². */
export function linearFit(x: number[], y: number[]): { a: number; b: number; r2: number } {
  const n = x.length;
  if (n < 2) return { a: y[0] ?? 0, b: 0, r2: 1 };
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0; let sxx = 0; let syy = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; syy += (y[i]! - my) ** 2; }
  const b = sxx === 0 ? 0 : sxy / sxx;
  const a = my - b * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { a, b, r2 };
}

function scenarioTable(rows: ScenarioRow[], scenarios: Scenario[]): string {
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const head = '| mode | scenario | prefetch res. | body KB | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx | with cards | deadline misses | avg batch | peak RSS service MB | peak RSS workers MB | floor req/s | service / floor | JSON.parse/s (1 core) | service / parse |\n'
    + '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) => {
    const s = byName.get(r.scenario)!;
    return `| ${r.mode} | ${r.scenario} | ${f0(meanOf(s.calls, 'prefetchResources'))} | ${f0(meanOf(s.calls, 'bodyBytes') / 1024)} | ${f0(r.load.throughput)} | ${f1(r.load.p50)} | ${f1(r.load.p95)} | ${f1(r.load.p99)} | ${r.load.errors} | ${r.load.non2xx} | ${f0((100 * r.load.withCards) / Math.max(1, r.load.requests))} % | ${r.counters.deadlineMisses} | ${f2(r.avgBatch)} | ${f0(r.serviceRssMb)} | ${r.workersRssMb.map(f0).join(' / ') || '–'} | ${f0(r.floor.throughput)} | ${f2(r.load.throughput / r.floor.throughput)} | ${f0(r.parseRate)} | ${f2(r.load.throughput / r.parseRate)} |`;
  });
  return [head, ...lines].join('\n');
}

function floorTable(scenarios: Scenario[], floors: Map<string, FloorResult>, parseRates: Map<string, number>, decodeRates: Map<string, number>, readerRates: Map<string, number>): string {
  const head = '| scenario | calls in rotation | prefetch res. | body KB | JSON.parse/s (1 core) | JSON.parse ms | bytes → decode → parse /s | bytes → service reader /s | floor req/s (10 in flight) | p50 ms | p95 ms | p99 ms | ms per call (1 in flight) | call / parse | with cards | failures |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  return [head, ...scenarios.map((s) => {
    const f = floors.get(s.name)!;
    const pr = parseRates.get(s.name)!;
    return `| ${s.name} | ${s.calls.length} | ${f0(meanOf(s.calls, 'prefetchResources'))} | ${f0(meanOf(s.calls, 'bodyBytes') / 1024)} | ${f0(pr)} | ${f2(1000 / pr)} | ${f0(decodeRates.get(s.name)!)} | ${f0(readerRates.get(s.name)!)} | ${f0(f.throughput)} | ${f1(f.p50)} | ${f1(f.p95)} | ${f1(f.p99)} | ${f2(f.serialMs)} | ${f2(f.serialMs / (1000 / pr))} | ${f0((100 * f.withCards) / Math.max(1, f.requests))} % | ${f.failures} |`;
  })].join('\n');
}

function batchTable(points: BatchPoint[]): string {
  const head = '| mode | hooks in flight | req/s | p99 ms | scoring inputs per job | mean rows per onnxruntime run | errors + non-2xx |\n|---|---:|---:|---:|---:|---:|---:|';
  return [head, ...points.map((p) => `| ${p.mode} | ${p.inFlight} | ${f0(p.throughput)} | ${f1(p.p99)} | ${f2(p.inputsPerJob)} | ${f2(p.avgBatch)} | ${p.errors} |`)].join('\n');
}

function curveTable(points: CurvePoint[]): string {
  const head = '| record resources | prefetch res. (uncapped) | body KB | floor ms/call | floor req/s | service p50 ms | service p99 ms | service req/s | service ms/call (1 / req/s) | errors / non-2xx | prefetch res. (capped) | floor ms/call (capped) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  return [head, ...points.map((p) => `| ${f0(p.size)} | ${f0(p.prefetchResources)} | ${f0(p.bodyKb)} | ${f2(p.floorMs)} | ${f0(p.floorThroughput)} | ${f1(p.serviceP50)} | ${f1(p.serviceP99)} | ${f0(p.serviceThroughput)} | ${f1(1000 / p.serviceThroughput)} | ${p.errors} / ${p.non2xx} | ${f0(p.cappedPrefetchResources)} | ${f2(p.cappedFloorMs)} |`)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const asOf = new Date();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  log(`machine: ${machine}`);
  const floor = await createFloor();
  const scenarios = buildScenarios(floor.services, asOf).filter((s) => SCENARIOS.length === 0 || SCENARIOS.includes(s.name));
  log(`scenarios: ${scenarios.map((s) => `${s.name} (${s.calls.length} calls)`).join(', ')}`);

  const floors = new Map<string, FloorResult>();
  const parseRates = new Map<string, number>();
  const decodeRates = new Map<string, number>();
  const readerRates = new Map<string, number>();
  // The floor warms as the services do (see MODE_WARMUP_S), for a third of the time: it has no HTTP stack to warm.
  if (MODE_WARMUP_S > 0) await floor.measure(scenarios.flatMap((s) => s.calls), { durationS: MODE_WARMUP_S / 3, concurrency: CONNECTIONS });
  for (const s of scenarios) {
    parseRates.set(s.name, jsonParseRate(s.calls, Math.max(500, FLOOR_S * 200)));
    decodeRates.set(s.name, jsonDecodeParseRate(s.calls, Math.max(500, FLOOR_S * 200)));
    readerRates.set(s.name, jsonDecodeParseRate(s.calls, Math.max(500, FLOOR_S * 200), (b) => parseJsonBody(b, 64)));
    const f = await floor.measure(s.calls, { durationS: FLOOR_S, concurrency: CONNECTIONS });
    floors.set(s.name, f);
    log(`floor ${s.name}: JSON.parse ${f0(parseRates.get(s.name)!)}/s (from bytes ${f0(decodeRates.get(s.name)!)}/s, service reader ${f0(readerRates.get(s.name)!)}/s); ${f0(f.throughput)} req/s, ${f2(f.serialMs)} ms/call, p99 ${f1(f.p99)} ms, cards ${f.withCards}/${f.requests}, failures ${f.failures}`);
  }

  const rows: ScenarioRow[] = [];
  const batches: BatchPoint[] = [];
  let profileText: string | undefined;
  const profiled = MODES.find((m) => m.startsWith('embedded'));
  for (const mode of MODES) {
    const r = await runMode(mode, scenarios, floors, parseRates, CPU_PROF && mode === profiled);
    rows.push(...r.rows);
    batches.push(...r.batches);
    if (r.profile) {
      profileText = formatProfileSummary(summarizeCpuProfile(JSON.parse(fs.readFileSync(r.profile, 'utf8'))), 30);
      log(`cpu profile: ${r.profile}`);
    }
  }

  const curve = CURVE_SIZES.length > 0 ? await runCostCurve(floor, asOf) : [];
  const fit = linearFit(curve.map((p) => p.prefetchResources), curve.map((p) => p.floorMs));
  const fitService = linearFit(curve.map((p) => p.prefetchResources), curve.map((p) => 1000 / p.serviceThroughput));

  let soak: SoakResult | undefined;
  if (SOAK_S > 0) {
    soak = await runSoak(scenarios.flatMap((s) => s.calls));
    log(`soak ${SOAK_S} s: ${soak.requests} requests, RSS start ${f0(soak.rssStartMb)} max ${f0(soak.rssMaxMb)} end ${f0(soak.rssEndMb)} MB`);
  }
  await floor.close();

  // Targets (median records, 10 connections).
  const rowOf = (mode: string, scenario: string) => rows.find((r) => r.mode === mode && r.scenario === scenario);
  const verdicts: string[] = [];
  for (const m of MODES.filter((x) => x.startsWith('embedded'))) {
    for (const sc of ['pv-median', 'pv-ckd-3y']) {
      const e = rowOf(m, sc);
      if (!e) continue;
      verdicts.push(`${m} ${sc} p99 ${f1(e.load.p99)} ms (target ≤ ${TARGETS.embeddedP99Ms}): ${e.load.p99 <= TARGETS.embeddedP99Ms ? 'MET' : 'MISSED'}`);
      const pshare = e.load.throughput / e.parseRate;
      verdicts.push(`${m} ${sc} throughput ${f0(e.load.throughput)} req/s = ${f2(pshare)} × JSON.parse/s of the same bodies on one core (${f0(e.parseRate)}) (target ≥ ${TARGETS.parseShare}): ${pshare >= TARGETS.parseShare ? 'MET' : 'MISSED'}; errors ${e.load.errors + e.load.non2xx}, deadline misses ${e.counters.deadlineMisses}`);
    }
  }
  for (const m of MODES.filter((x) => x.startsWith('distributed'))) {
    const d = rowOf(m, 'pv-median');
    if (d) {
      verdicts.push(`${m} pv-median p99 ${f1(d.load.p99)} ms (target ≤ ${TARGETS.distributedP99Ms}): ${d.load.p99 <= TARGETS.distributedP99Ms ? 'MET' : 'MISSED'}`);
      for (const em of MODES.filter((x) => x.startsWith('embedded'))) {
        const e = rowOf(em, 'pv-median');
        if (e) verdicts.push(`${m} / ${em} throughput on pv-median (same machine, same run): ${f2(d.load.throughput / e.load.throughput)}`);
      }
    }
  }
  if (curve.length >= 3) {
    verdicts.push(`cost vs prefetch size (floor): ${f2(fit.b * 1000)} ms per 1,000 resources + ${f2(fit.a)} ms, R² ${fit.r2.toFixed(3)} (linear: ${fit.r2 >= 0.95 ? 'yes' : 'NO'})`);
    verdicts.push(`cost vs prefetch size (service ms/call = 1 / req/s at ${CONNECTIONS} connections): ${f2(fitService.b * 1000)} ms per 1,000 resources + ${f2(fitService.a)} ms, R² ${fitService.r2.toFixed(3)}`);
  }

  const out: string[] = [];
  out.push(`## Service benchmark (${asOf.toISOString()})`, '', `Machine: ${machine}. ${CONNECTIONS} connections, ${DURATION_S} s per scenario after ${WARMUP_S} s warm-up (and ${MODE_WARMUP_S} s of every scenario's calls after each mode's service starts); floor ${FLOOR_S} s per scenario.`, '');
  out.push('### Floor (same calls, same pipeline, one process, no HTTP, no queue)', '', floorTable(scenarios, floors, parseRates, decodeRates, readerRates), '');
  out.push('### Service over HTTP', '', scenarioTable(rows, scenarios), '');
  if (batches.length) out.push('### Distributed: mean batch size against hooks in flight (pv-median)', '', batchTable(batches), '');
  if (curve.length) out.push('### Cost against record size (patient-view, 3 services × 4 generated records per size)', '', curveTable(curve), '');
  if (soak) {
    out.push(`### Soak (embedded, mixed traffic of every scenario, ${SOAK_S} s)`, '',
      `${f0(soak.requests)} requests, errors ${soak.errors}, non-2xx ${soak.non2xx}, p99 ${f1(soak.p99)} ms; RSS after warm-up ${f0(soak.rssStartMb)} MB, max ${f0(soak.rssMaxMb)} MB, end ${f0(soak.rssEndMb)} MB; second-half slope ${f1(soak.secondHalfSlopeMbPerMin)} MB/min`
      + `${soak.reqPerSByMinute.length > 1 ? `; req/s minute by minute ${soak.reqPerSByMinute.map(f0).join(' / ')}` : ''}.`, '');
  }
  out.push('### Targets', '', ...verdicts.map((v) => `- ${v}`), '');
  if (profileText) out.push('### CPU profile of the embedded service (self time by function, whole run)', '', '```', profileText, '```', '');
  out.push(`Total bench time: ${f0((Date.now() - started) / 1000)} s.`);
  process.stdout.write(`${out.join('\n')}\n`);

  fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
  fs.writeFileSync(JSON_OUT, JSON.stringify({ asOf, machine, settings: { DURATION_S, WARMUP_S, MODE_WARMUP_S, FLOOR_S, CURVE_S, CONNECTIONS, MODES }, floors: Object.fromEntries(floors), parseRates: Object.fromEntries(parseRates), decodeRates: Object.fromEntries(decodeRates), readerRates: Object.fromEntries(readerRates), batches, rows, curve, fit, fitService, soak, verdicts }, null, 2));
  log(`raw figures: ${JSON_OUT}`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
