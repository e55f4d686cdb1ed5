/**
 * Distributed mode: inference and "predictions not computed" happen in the scorer workers, not in
 * the HTTP process. A real worker process (the compiled worker entry) consumes a queue of its own on
 * the shared Redis; the real HTTP app sends it real hook calls; the dashboard's summary and time
 * series must show the worker's figures, equal to what the worker's own /metrics says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createApp } from '../../services/cds-hooks/src/app';
import { createLogger } from '../../services/cds-hooks/src/logger';
import { createQueueScorer, type QueueScorer } from '../../services/cds-hooks/src/queue';
import { SHARED_REDIS_URL, catalog, cleanupQueue, httpConfig, uniqueQueueName } from '../distributed/support/harness';
import { listen, type Running } from '../http/support/harness';
import { spawnWorker, waitFor, type WorkerProcess } from '../distributed/support/worker-process';
import { freePort } from '../support/free-port';
import { callHook, discover, patientViewWithPrefetch, resolvePrefetch, syntheticPatients } from './support/prognos-app';
import { parseMetrics } from '../support/prometheus-text';

/** Sums `name` by the value of `label` (e.g. rows by model). */
function sumBy(metrics: Map<string, number>, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of metrics) {
    if (!key.startsWith(`${name}{`)) continue;
    const m = new RegExp(`${label}="([^"]*)"`).exec(key);
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + value);
  }
  return out;
}

interface Summary {
  inference: { model: string; provider: string; rows: number; runs: number }[];
  predictionsNotComputed: { model: string; reason: string; count: number }[];
  workers: { online: number; list: { id: string; metrics?: unknown }[] } | null;
  queue: { batches: { jobs: number; inputs: number; inputsPerJob: number | null } } | null;
  hooksWaitingAdmission: number;
  redis: { version: string | null; usedMemory: string | null; connectedClients: number | null; evictionPolicy: string | null; aofEnabled: boolean | null } | null;
  service: { mode: string };
}

const RESULT_SECRET = `result-secret-${'x'.repeat(24)}-${process.pid}`;

describe('the dashboard in distributed mode aggregates the workers\' figures', () => {
  const queueName = uniqueQueueName();
  let worker: WorkerProcess;
  let scorer: QueueScorer;
  let running: Running | undefined;
  let url: string;
  let workerMetricsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    worker = spawnWorker({
      REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, WORKER_HEARTBEAT_MS: '300', SCORER_DEVICE: 'cpu', SCORING_RESULT_SECRET: RESULT_SECRET,
      METRICS_HOST: '127.0.0.1', METRICS_PORT: String(port),
    });
    await waitFor(() => /worker metrics listening/.test(worker.output()), 30_000, 'the worker metrics server');
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    // Development mode: open operator access without a credential (issue 14: only NODE_ENV
    // development/test relaxes it; otherwise the dashboard API answers 403). Results are signed all
    // the same (the heartbeat's metrics travel beside the signed results, not inside them).
    const config = httpConfig({ NODE_ENV: 'development', SCORING_RESULT_SECRET: RESULT_SECRET, REDIS_URL: SHARED_REDIS_URL, QUEUE_NAME: queueName, DASHBOARD_SAMPLE_MS: '300' });
    scorer = await createQueueScorer(config, { catalog: catalog() });
    await waitFor(async () => (await scorer.workers()).length > 0, 20_000, 'a worker heartbeat');
    const cat = catalog();
    const app = createApp({
      config, logger: createLogger('silent'), engine: scorer, services: cat.services, auth: { kind: 'development', fhirServers: [] },
      models: () => cat.models, executionProvider: () => 'workers', queue: scorer.queue, workers: () => scorer.workers(),
    });
    running = await listen(app);
    url = running.url;
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await scorer?.close();
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await worker?.exited;
    await cleanupQueue(SHARED_REDIS_URL, queueName);
  });

  it('shows inference rows, runs and not-computed predictions equal to the worker\'s own /metrics', async () => {
    const services = (await discover(url)).filter((s) => s.hook === 'patient-view');
    const patients = syntheticPatients(['ckd-g3b-a3-t2d', 'ckd-g4-a3', 'healthy', 'af-hf'], 70);
    let answered = 0;
    let cards = 0;
    for (const service of services) {
      for (const p of patients) {
        const res = await callHook(url, service.id, patientViewWithPrefetch(p.id, resolvePrefetch(service, p.id, p.resources)));
        expect(res.status).toBe(200);
        answered += 1;
        cards += res.cards.length;
      }
    }
    // Records with no observations at all: the risk models lack their inputs (not computed).
    for (const service of services) {
      const p = patients[0]!;
      const bare = resolvePrefetch(service, p.id, p.resources.filter((r) => r.resourceType === 'Patient' || r.resourceType === 'Condition'));
      const res = await callHook(url, service.id, patientViewWithPrefetch(p.id, bare));
      expect(res.status).toBe(200);
    }
    expect(answered).toBeGreaterThan(0);
    // Signed results were accepted (a refused result would answer no cards at all).
    expect(cards).toBeGreaterThan(0);
    const fromWorker = parseMetrics(await (await fetch(workerMetricsUrl)).text());
    const rows = sumBy(fromWorker, 'prognos_inference_rows_total', 'model');
    const runs = sumBy(fromWorker, 'prognos_inference_runs_total', 'model');
    const notComputed = sumBy(fromWorker, 'prognos_predictions_not_computed_total', 'reason');
    expect(rows.size).toBeGreaterThan(0);
    expect(notComputed.size).toBeGreaterThan(0); // e.g. KFRE for the patient without CKD
    // The HTTP process itself ran no model: every figure below can only come from the heartbeat.
    let summary: Summary | undefined;
    await waitFor(async () => {
      summary = (await (await fetch(`${url}/api/dashboard/summary`)).json()) as Summary;
      const seen = new Map(summary.inference.map((r) => [r.model, r.rows]));
      const skipped = summary.predictionsNotComputed.reduce((n, r) => n + r.count, 0);
      // The heartbeat is a snapshot every 300 ms: wait for one taken after the last call.
      return [...rows].every(([m, n]) => seen.get(m) === n) && skipped === [...notComputed.values()].reduce((x, y) => x + y, 0);
    }, 10_000, 'the summary to show the worker\'s figures');
    expect(summary!.service.mode).toBe('distributed');
    for (const r of summary!.inference) {
      expect(r.rows).toBe(rows.get(r.model));
      expect(r.runs).toBe(runs.get(r.model));
      expect(r.provider).toBe('cpu');
    }
    const summaryNotComputed = new Map<string, number>();
    for (const r of summary!.predictionsNotComputed) summaryNotComputed.set(r.reason, (summaryNotComputed.get(r.reason) ?? 0) + r.count);
    expect(summaryNotComputed).toEqual(notComputed);
    // The worker list stays small: the raw series are merged, not listed.
    expect(summary!.workers!.online).toBe(1);
    expect(summary!.workers!.list[0]!.metrics).toBeUndefined();
    // One call at a time: every batch job carried one input (group commit sends at once when idle).
    expect(summary!.queue!.batches.jobs).toBeGreaterThanOrEqual(answered);
    expect(summary!.queue!.batches.inputs).toBe(summary!.queue!.batches.jobs);
    expect(summary!.queue!.batches.inputsPerJob).toBe(1);
    expect(summary!.hooksWaitingAdmission).toBe(0);
    // Redis health from INFO on the queue's connection.
    expect(summary!.redis).toMatchObject({ version: expect.stringMatching(/^\d+\./), usedMemory: expect.any(String), evictionPolicy: expect.any(String) });
    expect(summary!.redis!.connectedClients).toBeGreaterThan(0);
    expect(typeof summary!.redis!.aofEnabled).toBe('boolean');
  });

  it('shows the worker\'s figures, the worker list and Redis health on the page (Chromium)', async () => {
    if (!fs.existsSync('/usr/bin/chromium')) {
      if (process.env.CI) throw new Error('/usr/bin/chromium not found');
      console.warn('[skipped] /usr/bin/chromium not found');
      return;
    }
    const fromWorker = parseMetrics(await (await fetch(workerMetricsUrl)).text());
    const rows = sumBy(fromWorker, 'prognos_inference_rows_total', 'model');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${url}/dashboard`);
      await page.waitForFunction(() => Number((globalThis as unknown as { document: { body: { getAttribute(n: string): string } } }).document.body.getAttribute('data-refreshes')) > 0);
      for (const [model, n] of rows) expect(await page.getByTestId(`inference-rows-${model}-cpu`).textContent()).toBe(String(n));
      expect(await page.getByTestId('panel-queue').isVisible()).toBe(true);
      expect(await page.getByTestId('workers-online').textContent()).toBe('1');
      expect(await page.getByTestId('queue-inputs-per-job').textContent()).toBe('1.00');
      expect(await page.getByTestId('hooks-waiting-admission').textContent()).toBe('0');
      expect(await page.getByTestId('panel-redis').isVisible()).toBe(true);
      expect(await page.getByTestId('redis-eviction').textContent()).toMatch(/\w/);
      expect(await page.getByTestId('not-computed-table').locator('tbody td.num').count()).toBeGreaterThan(0);
      const artifacts = path.resolve(__dirname, '..', '..', 'test-artifacts');
      fs.mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'dashboard-distributed.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('draws the workers\' batch sizes in the time series', async () => {
    await waitFor(async () => {
      const series = (await (await fetch(`${url}/api/dashboard/timeseries`)).json()) as { points: { batchSize: Record<string, number> }[] };
      return series.points.some((p) => Object.keys(p.batchSize).length > 0);
    }, 10_000, 'a time-series point with a batch size');
  });
});
