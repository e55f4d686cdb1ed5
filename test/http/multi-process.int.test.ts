/**
 * Multi-process embedded mode (EMBEDDED_PROCESSES=2) through HTTP, as an EHR calls it: the real
 * service (`services/cds-hooks/dist/main.js`, so `tsc -b` first) with JWT authentication, every call
 * on a fresh connection (node:cluster hands connections to the workers in turn). Proves what must be
 * one across the processes: /metrics and the drift panel aggregated whichever worker answers, a card issued by a
 * process that was then killed is attributed when fed back to its replacement, a jti used before the
 * kill is refused by the new processes, and killed workers are restarted (the port keeps answering).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { generatedRecords, patientViewCall, type BenchService } from '../bench/bench-requests';
import { startService, waitForHttp, type ServiceProcess } from '../bench/processes';

const ISS = 'https://ehr.multi-process.test';
const BASE = 'http://cds.multi-process.test';
const OPERATOR_TOKEN = 'operator-token-multi-process-0123456789';

interface Answer { status: number; text: string; json: unknown }

/** One request on its own connection (no keep-alive agent), so consecutive calls reach different workers. */
function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    if (body !== undefined) req.end(body); else req.end();
  });
}

/** Worker pids: the primary's children. */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sum of a metric's samples whose labels include all of `labels`. */
function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('multi-process embedded mode (EMBEDDED_PROCESSES=2)', () => {
  let service: ServiceProcess;
  let key: { privateKey: CryptoKey; publicKey: CryptoKey };
  let dir: string;
  let services: BenchService[] = [];

  const sign = async (serviceId: string | undefined, jti: string = randomUUID()) => new SignJWT({
    iss: ISS, sub: 'client', aud: `${BASE}/cds-services${serviceId ? `/${serviceId}` : ''}`, jti,
  }).setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);

  const post = async (p: string, body: unknown, token: string) => request(`${service.url}${p}`, 'POST',
    { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, typeof body === 'string' ? body : JSON.stringify(body));
  const metrics = async () => (await request(`${service.url}/metrics`, 'GET', {})).text;

  beforeAll(async () => {
    key = await generateKeyPair('ES384', { extractable: true });
    const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES384' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-multi-'));
    const issuersFile = path.join(dir, 'issuers.json');
    fs.writeFileSync(issuersFile, JSON.stringify([{ iss: ISS, jwks: { keys: [jwk] }, fhirServers: [] }]));
    service = await startService({
      EMBEDDED_PROCESSES: '2', CDS_ISSUERS_FILE: issuersFile, PUBLIC_BASE_URL: BASE, NODE_ENV: 'production',
      OPERATOR_TOKEN, LOG_LEVEL: 'warn', DASHBOARD_SAMPLE_MS: '1000',
    }, [], 60_000);
    await until('two workers', () => (childPids(service.pid).length === 2 ? true : undefined));
    const discovery = await request(`${service.url}/cds-services`, 'GET', { authorization: `Bearer ${await sign(undefined)}` });
    expect(discovery.status).toBe(200);
    services = (discovery.json as { services: BenchService[] }).services;
  }, 90_000);

  afterAll(async () => {
    await service?.stop(15_000);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('aggregates metrics, attributes feedback and refuses a replayed jti across processes, and restarts killed workers', async () => {
    const ckd = services.find((s) => s.id === 'ckd-progression')!;
    expect(ckd).toBeDefined();
    const records = generatedRecords(100, new Date(), 4);

    const rowsBefore = await metrics();
    // Hook calls, one connection each: node:cluster spreads them over both workers.
    const issued: { uuid: string; token: string }[] = [];
    let hooks = 0;
    for (let round = 0; round < 3; round++) {
      for (const record of records) {
        const call = patientViewCall(ckd, record);
        const token = await sign(ckd.id);
        const res = await post(call.path, call.body, token);
        expect(res.status).toBe(200);
        hooks += 1;
        for (const c of (res.json as { cards: { uuid: string }[] }).cards) issued.push({ uuid: c.uuid, token });
      }
    }
    expect(issued.length).toBeGreaterThan(0);

    // Every scrape (each on a fresh connection, so on either worker) counts every hook call.
    for (let i = 0; i < 4; i++) {
      expect(metricSum(await metrics(), 'prognos_hook_requests_total', { service: ckd.id, status: '200' })).toBe(hooks);
    }

    // The drift panel (either worker) counts every process's predictions: per model output, as many as
    // the rows that model scored for these calls (the aggregated inference counter, read independently).
    const rowsText = await metrics();
    const rowsScored = (model: string) => metricSum(rowsText, 'prognos_inference_rows_total', { model }) - metricSum(rowsBefore, 'prognos_inference_rows_total', { model });
    type Drift = { predictions: { model: string; output: string; n: number }[] };
    const driftNow = async () => (await request(`${service.url}/api/dashboard/drift`, 'GET', { authorization: `Bearer ${OPERATOR_TOKEN}` })).json as Drift;
    const driftCounts = (d: Drift) => d.predictions.map((p) => `${p.model}/${p.output}=${p.n}`).sort();
    const expected = await until('drift panel counting both workers\' calls', async () => {
      const d = await driftNow();
      return d.predictions.length > 0 && d.predictions.every((p) => p.n === rowsScored(p.model)) ? d : undefined;
    }, 10_000);
    expect(expected.predictions.some((p) => p.model.startsWith('kfre-'))).toBe(true);
    for (let i = 0; i < 2; i++) expect(driftCounts(await driftNow())).toEqual(driftCounts(expected));

    // Kill both workers: the cards were issued by processes that no longer exist.
    const before = await until('two workers listed by ps', () => { const now = childPids(service.pid); return now.length === 2 ? now : undefined; });
    expect(before).toHaveLength(2);
    for (const pid of before) process.kill(pid, 'SIGKILL');
    const after = await until('two new workers', () => {
      const now = childPids(service.pid);
      return now.length === 2 && now.every((p) => !before.includes(p)) ? now : undefined;
    });
    expect(after.some((p) => before.includes(p))).toBe(false);
    await waitForHttp(`${service.url}/readyz`, 30_000);
    expect(metricSum(await metrics(), 'prognos_worker_restarts_total')).toBe(2);
    // The drift counts were handed to the primary before the kill: the new workers show them.
    expect(driftCounts(await driftNow())).toEqual(driftCounts(expected));

    // A card issued before the kill, fed back to a new process: attributed (200, counted by kind).
    const { uuid, token: usedToken } = issued[0]!;
    const fb = await post(`/cds-services/${ckd.id}/feedback`, {
      feedback: [{ card: uuid, outcome: 'overridden', outcomeTimestamp: new Date().toISOString(),
        overrideReason: { reason: { system: 'http://example.org/override', code: 'not-relevant' } } }],
    }, await sign(`${ckd.id}/feedback`));
    expect(fb.status).toBe(200);
    const text = await metrics();
    expect(metricSum(text, 'prognos_feedback_total', { service: ckd.id, outcome: 'overridden' })).toBe(1);
    // A card never issued is still refused (the shared registry is not a pass-through).
    const unknown = await post(`/cds-services/${ckd.id}/feedback`, {
      feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }],
    }, await sign(`${ckd.id}/feedback`));
    expect(unknown.status).toBe(404);

    // The feedback summary on the dashboard (either worker) shows it.
    for (let i = 0; i < 2; i++) {
      const summary = await request(`${service.url}/api/dashboard/summary`, 'GET', { authorization: `Bearer ${OPERATOR_TOKEN}` });
      expect(summary.status).toBe(200);
      expect(JSON.stringify(summary.json)).toContain('"overridden":1');
      // Per-rule analytics (either worker): the card shown by a killed process and its override.
      const rules = await request(`${service.url}/api/feedback/rules`, 'GET', { authorization: `Bearer ${OPERATOR_TOKEN}` });
      expect(rules.status).toBe(200);
      const list = (rules.json as { rules: { shown: number; overridden: number }[] }).rules;
      expect(list.reduce((n, r) => n + r.overridden, 0)).toBe(1);
      expect(list.reduce((n, r) => n + r.shown, 0)).toBeGreaterThanOrEqual(1);
    }

    // The jti used before the kill is refused by the new processes (twice: both workers).
    const call = patientViewCall(ckd, records[0]!);
    for (let i = 0; i < 2; i++) {
      const replay = await post(call.path, call.body, usedToken);
      expect(replay.status).toBe(401);
    }
    expect(metricSum(await metrics(), 'prognos_jwt_rejections_total', { reason: 'replay' })).toBe(2);

    // Dashboard history comes from the primary: points keep accumulating across the restart.
    const series = await until('history points', async () => {
      const r = await request(`${service.url}/api/dashboard/timeseries`, 'GET', { authorization: `Bearer ${OPERATOR_TOKEN}` });
      const points = (r.json as { points?: unknown[] } | undefined)?.points ?? [];
      return points.length >= 2 ? points : undefined;
    });
    expect(series.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('stops the workers and exits on SIGTERM', async () => {
    const workers = childPids(service.pid);
    expect(workers).toHaveLength(2);
    await service.stop(15_000);
    expect(service.child.exitCode).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe('multi-process embedded mode: per-client limits counted once for every process', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    // Development auth: every caller is the one client 'development'. A burst of 6 and almost no
    // refill (one token per 100 s), so the test counts the burst.
    service = await startService({
      EMBEDDED_PROCESSES: '2', NODE_ENV: 'development', LOG_LEVEL: 'warn', CLIENT_RATE_PER_S: '0.01', CLIENT_RATE_BURST: '6', CLIENT_MAX_CONCURRENT: '0',
    }, [], 60_000);
    await until('two workers', () => (childPids(service.pid).length === 2 ? true : undefined));
  }, 90_000);

  afterAll(async () => { await service?.stop(15_000); });

  it('gives a client on one keep-alive connection (one worker) its whole burst, and no more across workers', async () => {
    // One socket: every call reaches the same worker, whose own share of the burst would be 3.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const discover = (viaAgent: boolean) => new Promise<number>((resolve, reject) => {
      const req = http.request(`${service.url}/cds-services`, { method: 'GET', agent: viaAgent ? agent : false, headers: viaAgent ? {} : { connection: 'close' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await discover(true));
    // Then fresh connections, spread over both workers: one token left in the shared bucket, then 429s.
    for (let i = 0; i < 4; i++) statuses.push(await discover(false));
    agent.destroy();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429]);
    expect(metricSum((await request(`${service.url}/metrics`, 'GET', {})).text, 'prognos_client_throttled_total', { reason: 'rate' })).toBe(3);
  }, 30_000);
});
