/**
 * Memory over a long run of mixed traffic (bounded here to 2 × ~20 s; `npm run bench` runs a longer
 * soak): patient-view calls on small, median and large records, order-sign calls, feedback,
 * discovery and a share of bad requests, 8 at a time.
 * 1. The real service process (product runtime flags): its RSS, sampled every second from /proc,
 *    stays under an absolute bound. RSS alone cannot tell a leak from V8 growing its heap to a
 *    working size (it keeps climbing for a while under allocation-heavy traffic), so:
 * 2. The same app in this process, with the heap measured after a forced full GC: live memory
 *    after the last two thirds of the run may not exceed the first third by more than 8 MB, which a
 *    leak of a few kB per request would.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createApp, createLogger, loadConfig } from '@prognos/cds-hooks';
import { createInProcessScorer, createScorerLogger, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { generatedRecords, orderSignCalls, patientViewCalls, type BenchService } from '../bench/bench-requests';
import { MB, readMemory, startService, type ServiceProcess } from '../bench/processes';
import { fuzzCase } from './support/fuzz-mutator';
import { discover, feedbackBody, pool, sendRaw, validBases } from './support/hook-bases';

const SOAK_MS = Number(process.env.SOAK_S ?? 20) * 1000;
/** RSS bound for the service process (it sits around 150-300 MB here). */
const RSS_LIMIT_MB = 512;
/** Live-heap growth allowed between the first and last third (the in-memory feedback store keeps ~0.5 kB per item, bounded). */
const HEAP_GROWTH_LIMIT_MB = 8;

type Req = { path: string; method: string; body?: Buffer; type?: string };

/** An endless rotation of mixed requests: 70 % hooks, 15 % feedback, 5 % discovery, 10 % fuzz cases. */
function mixedTraffic(services: BenchService[]): () => Req {
  const now = new Date();
  const hookCalls = [
    ...patientViewCalls(services, generatedRecords(100, now, 2)),
    ...patientViewCalls(services, generatedRecords(1000, now, 2)),
    ...patientViewCalls(services, generatedRecords(10_000, now, 1)),
    ...orderSignCalls(services, generatedRecords(1000, now, 2)),
  ];
  const bases = validBases(services);
  let n = 0;
  return () => {
    n += 1;
    const k = n % 20;
    if (k < 14) { const c = hookCalls[n % hookCalls.length]!; return { path: c.path, method: 'POST', body: Buffer.from(c.body), type: 'application/json' }; }
    if (k < 17) return { path: '/cds-services/ckd-progression/feedback', method: 'POST', body: Buffer.from(JSON.stringify(feedbackBody(randomUUID()))), type: 'application/json' };
    if (k < 18) return { path: '/cds-services', method: 'GET' };
    const c = fuzzCase(4242, n, bases, 1024 * 1024);
    return { path: c.path, method: c.method, body: c.body, type: c.contentType };
  };
}

/** Runs mixed traffic against `url` for `ms`, 8 in flight; calls `tick` every second. */
async function drive(url: string, next: () => Req, ms: number, tick: (t: number) => void): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const t0 = Date.now();
  const timer = setInterval(() => tick(Date.now() - t0), 1000);
  await pool(Array.from({ length: 8 }, (_, k) => k), 8, async () => {
    while (Date.now() - t0 < ms) {
      const r = next();
      const a = await sendRaw(`${url}${r.path}`, r.method, r.body, r.type);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    }
  });
  clearInterval(timer);
  return statuses;
}

const describeStatuses = (m: Map<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}: ${c}`).join(', ');
const totalOf = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

jest.setTimeout(90_000);

describe('memory under a long run of mixed traffic', () => {
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    await service?.stop();
  });

  it('keeps the RSS of the service process under a fixed bound', async () => {
    service = await startService({ LOG_LEVEL: 'error' });
    const svc = service;
    const next = mixedTraffic(await discover(svc.url));
    const samples: number[] = [readMemory(svc.pid).rss];
    const statuses = await drive(svc.url, next, SOAK_MS, () => samples.push(readMemory(svc.pid).rss));
    samples.push(readMemory(svc.pid).rss);
    const max = Math.max(...samples);
    // eslint-disable-next-line no-console
    console.log(`memory soak (service process): ${totalOf(statuses)} requests in ${(SOAK_MS / 1000).toFixed(0)} s (${describeStatuses(statuses)}); `
      + `RSS start ${(samples[0]! / MB).toFixed(0)} MB, max ${(max / MB).toFixed(0)} MB, end ${(samples[samples.length - 1]! / MB).toFixed(0)} MB, `
      + `VmHWM ${(readMemory(svc.pid).hwm / MB).toFixed(0)} MB; samples (MB): ${samples.map((x) => (x / MB).toFixed(0)).join(' ')}`);
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(statuses.get(0) ?? 0).toBe(0);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(totalOf(statuses) / 2);
    expect(max / MB).toBeLessThan(RSS_LIMIT_MB);
    expect(svc.child.exitCode).toBeNull();
    await svc.stop();
    service = undefined;
  });

  it('keeps the live heap flat after forced garbage collection', async () => {
    // gc() without restarting jest with --expose-gc: allow the flag, then fetch gc from a fresh context.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    let scorer: InProcessScorer | undefined;
    let server: Server | undefined;
    try {
      scorer = await createInProcessScorer(loadScorerConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), { logger: createScorerLogger('silent') });
      const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', BODY_LIMIT: '5mb', CLIENT_RATE_PER_S: '0', CLIENT_MAX_CONCURRENT: '0' });
      const app = createApp({
        config, logger: createLogger('silent'), engine: scorer, services: scorer.services(),
        auth: { kind: 'development', fhirServers: [] }, models: () => scorer!.models(),
      });
      server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const next = mixedTraffic(await discover(url));
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const third = SOAK_MS / 3;
      const statuses = await drive(url, next, third, () => undefined);
      const afterFirst = heap();
      const more = await drive(url, next, 2 * third, () => undefined);
      const afterLast = heap();
      for (const [k, v] of more) statuses.set(k, (statuses.get(k) ?? 0) + v);
      // eslint-disable-next-line no-console
      console.log(`memory soak (in process, heap after full GC): ${totalOf(statuses)} requests; heapUsed after the first third ${(afterFirst / MB).toFixed(1)} MB, `
        + `after the rest ${(afterLast / MB).toFixed(1)} MB (growth ${((afterLast - afterFirst) / MB).toFixed(2)} MB)`);
      expect(statuses.get(500) ?? 0).toBe(0);
      expect((afterLast - afterFirst) / MB).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
    } finally {
      await new Promise<void>((resolve) => { if (!server) { resolve(); return; } server.closeAllConnections(); server.close(() => resolve()); });
      await scorer?.close();
    }
  });
});
