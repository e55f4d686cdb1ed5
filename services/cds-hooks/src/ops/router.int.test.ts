/**
 * The operations router on a real express app with helmet, the real prom-client default registry,
 * real OpsDependencies built from plain functions, and (for the queue view) a real BullMQ queue on
 * the local Redis.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { Queue } from 'bullmq';
import { loadConfig } from '../config';
import {
  cardsReturned, dataQualityExclusions, feedbackOutcomes, feedbackOverrideReasons, hookRequests, jwtRejections, stageDuration,
} from '../metrics';
import { createOpsRouter, type OpsRouter } from './router';
import type { OpsDependencies, WorkerInfo } from './ops-dependencies';

const TOKEN = 'op-token-0123456789abcdef';
const BASIC = 'ops:correct horse battery';
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

/** Parsed JSON body (shape asserted by the test itself). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(res: Response): Promise<any> {
  return res.json();
}

interface Running {
  url: string;
  router: OpsRouter;
  close(): Promise<void>;
}

function plainDeps(env: Record<string, string>, extra: Partial<OpsDependencies> = {}): OpsDependencies {
  return {
    config: loadConfig(env),
    readiness: async () => ({ ready: true, checks: { models: { ok: true, detail: '2 loaded' } } }),
    models: () => [
      { id: 'kfre-4v-2y', version: '1.0.0', citation: 'Tangri N, et al. JAMA 2016;315(2):164-174', loadMs: 42.5, origin: 'builtin' },
    ],
    executionProvider: () => 'cpu',
    authMode: 'development',
    feedbackSummary: async () => ({ accepted: 3, overridden: 1 }),
    ...extra,
  };
}

async function start(deps: OpsDependencies): Promise<Running> {
  const app = express();
  app.use(helmet());
  const router = createOpsRouter({ dashboard: { sampleIntervalMs: 60_000 }, ...deps });
  app.use(router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    router,
    close: async () => {
      router.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Value of one sample line of the Prometheus text output (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`)) return false;
    return Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`));
  });
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('operations router', () => {
  describe('with a basic-auth and a token operator credential', () => {
    let running: Running;
    beforeAll(async () => {
      running = await start(plainDeps({ NODE_ENV: 'production', OPERATOR_BASIC: BASIC, OPERATOR_TOKEN: TOKEN }));
    });
    afterAll(() => running.close());

    it('answers 401 with a Basic challenge to a browser without the credential', async () => {
      const res = await fetch(`${running.url}/dashboard`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Basic realm="Prognos operations"');
      const body = await json(res);
      expect(body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    });

    it('refuses a wrong password, a wrong token and an unknown scheme', async () => {
      for (const authorization of [basic('ops:wrong'), 'Bearer not-the-token-at-all', `Digest ${TOKEN}`, basic('nocolon')]) {
        const res = await fetch(`${running.url}/api/dashboard/summary`, { headers: { authorization } });
        expect(res.status).toBe(401);
      }
    });

    it('serves the page with basic auth, under a CSP that allows no inline script', async () => {
      const res = await fetch(`${running.url}/dashboard`, { headers: { authorization: basic(BASIC) } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const html = await res.text();
      expect(html).toContain('dashboard/assets/chart.umd.min.js');
      expect(html).not.toMatch(/<script>(?!<\/script>)/); // every script has a src
      expect(html).not.toMatch(/https?:\/\//); // nothing from outside (air-gapped hospitals)
    });

    it('serves the bundled Chart.js and the page script, and nothing else from assets', async () => {
      const headers = { authorization: `Bearer ${TOKEN}` };
      const chart = await fetch(`${running.url}/dashboard/assets/chart.umd.min.js`, { headers });
      expect(chart.status).toBe(200);
      expect(chart.headers.get('content-type')).toMatch(/javascript/);
      expect(await chart.text()).toContain('4.6.1');
      expect((await fetch(`${running.url}/dashboard/assets/dashboard.js`, { headers })).status).toBe(200);
      expect((await fetch(`${running.url}/dashboard/assets/..%2Fpackage.json`, { headers })).status).toBe(404);
      expect((await fetch(`${running.url}/dashboard/assets/config.ts`, { headers })).status).toBe(404);
    });

    it('accepts the token as a bearer and as the basic-auth password', async () => {
      const bearer = await fetch(`${running.url}/api/dashboard/summary`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bearer.status).toBe(200);
      expect((await json(bearer)).service.operatorAccess).toBe('credential');
      const viaBasic = await fetch(`${running.url}/api/dashboard/summary`, { headers: { authorization: basic(`anyone:${TOKEN}`) } });
      expect(viaBasic.status).toBe(200);
    });

    it('leaves /metrics open when METRICS_PROTECTED is not set', async () => {
      const res = await fetch(`${running.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
    });

    it('answers 404 for the queue view in embedded mode, after checking the credential', async () => {
      expect((await fetch(`${running.url}/admin/queues`)).status).toBe(401);
      const res = await fetch(`${running.url}/admin/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    });
  });

  describe('access without a configured credential', () => {
    it('is open in development, and the summary says so', async () => {
      const running = await start(plainDeps({ NODE_ENV: 'development' }));
      try {
        const res = await fetch(`${running.url}/api/dashboard/summary`);
        expect(res.status).toBe(200);
        const summary = await json(res);
        expect(summary.service).toMatchObject({ operatorAccess: 'open', authMode: 'development', nodeEnv: 'development' });
        expect((await fetch(`${running.url}/dashboard`)).status).toBe(200);
      } finally {
        await running.close();
      }
    });

    it('is refused in production (403), page, API and queue view alike', async () => {
      const running = await start(plainDeps({ NODE_ENV: 'production' }));
      try {
        for (const p of ['/dashboard', '/api/dashboard/summary', '/api/dashboard/timeseries', '/admin/queues']) {
          const res = await fetch(`${running.url}${p}`);
          expect(res.status).toBe(403);
          expect((await json(res)).issue[0].code).toBe('forbidden');
        }
      } finally {
        await running.close();
      }
    });

    it('protects /metrics with the operator credential when METRICS_PROTECTED=true', async () => {
      const running = await start(plainDeps({ NODE_ENV: 'production', OPERATOR_TOKEN: TOKEN, METRICS_PROTECTED: 'true' }));
      try {
        expect((await fetch(`${running.url}/metrics`)).status).toBe(401);
        const ok = await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(ok.status).toBe(200);
        expect(await ok.text()).toContain('prognos_model_info{model="kfre-4v-2y",version="1.0.0",provider="cpu"} 1');
      } finally {
        await running.close();
      }
    });
  });

  describe('numbers', () => {
    let running: Running;
    const auth = { authorization: `Bearer ${TOKEN}` };
    beforeAll(async () => {
      running = await start(plainDeps({ NODE_ENV: 'production', OPERATOR_TOKEN: TOKEN }, {
        readiness: () => {
          throw new Error('readiness not wired yet');
        },
      }));
    });
    afterAll(() => running.close());

    it('reports exactly the traffic, cards, feedback and exclusions counted, in the summary and in /metrics', async () => {
      const svc = `svc-${randomUUID().slice(0, 8)}`;
      const reason = `reason-${randomUUID().slice(0, 8)}`;
      const before = await (await fetch(`${running.url}/metrics`)).text();
      for (let i = 0; i < 7; i++) hookRequests.inc({ service: svc, status: '200' });
      hookRequests.inc({ service: svc, status: '400' }, 2);
      hookRequests.inc({ service: svc, status: '503' });
      cardsReturned.inc({ service: svc, indicator: 'kfre-5y' }, 4);
      cardsReturned.inc({ service: svc, indicator: 'kfre-2y' }, 3);
      feedbackOutcomes.inc({ service: svc, kind: 'risk', outcome: 'accepted' }, 3);
      feedbackOutcomes.inc({ service: svc, kind: 'risk', outcome: 'overridden' }, 1);
      feedbackOverrideReasons.inc({ service: svc, reason }, 1);
      dataQualityExclusions.inc({ reason }, 5);
      jwtRejections.inc({ reason }, 2);

      const summary = await json(await fetch(`${running.url}/api/dashboard/summary`, { headers: auth }));
      expect(summary.traffic.find((t: { service: string }) => t.service === svc)).toEqual({
        service: svc, requests: 10, ok: 7, clientErrors: 2, serverErrors: 1, deadlineMisses: 0, suggestions: 0, cards: 7,
      });
      expect(summary.cards.filter((c: { service: string }) => c.service === svc)).toEqual([
        { service: svc, indicator: 'kfre-2y', count: 3 },
        { service: svc, indicator: 'kfre-5y', count: 4 },
      ]);
      expect(summary.feedback.byService.find((f: { service: string }) => f.service === svc)).toEqual({ service: svc, accepted: 3, overridden: 1 });
      expect(summary.feedback.topOverrideReasons).toContainEqual({ reason, count: 1 });
      expect(summary.dataQualityExclusions).toContainEqual({ reason, count: 5 });
      expect(summary.jwtRejections).toContainEqual({ reason, count: 2 });
      // A dependency that throws is reported, not fatal.
      expect(summary.readiness).toEqual({ ready: false, checks: {}, error: 'readiness not wired yet' });
      expect(summary.feedbackStore).toEqual({ accepted: 3, overridden: 1 });
      expect(summary.models[0]).toMatchObject({ id: 'kfre-4v-2y', loadMs: 42.5 });

      const after = await (await fetch(`${running.url}/metrics`)).text();
      const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
      expect(delta('prognos_hook_requests_total', { service: svc, status: '200' })).toBe(7);
      expect(delta('prognos_cards_total', { service: svc, indicator: 'kfre-5y' })).toBe(4);
      expect(delta('prognos_feedback_total', { service: svc, outcome: 'overridden' })).toBe(1);
      expect(delta('prognos_data_quality_exclusions_total', { reason })).toBe(5);
    });

    it('computes latency quantiles per stage from the histogram buckets', async () => {
      const stage = `stage-${randomUUID().slice(0, 8)}`;
      // 10 observations of 3 ms (bucket 2.5..5 ms) and 10 of 40 ms (bucket 25..50 ms).
      for (let i = 0; i < 10; i++) stageDuration.observe({ service: 'latency-test', stage }, 0.003);
      for (let i = 0; i < 10; i++) stageDuration.observe({ service: 'latency-test', stage }, 0.04);
      const summary = await json(await fetch(`${running.url}/api/dashboard/summary`, { headers: auth }));
      const row = summary.latency.find((l: { stage: string }) => l.stage === stage);
      // p50: rank 10 is the last of (2.5, 5] ms → 5 ms. p95: rank 19 in (25, 50] holding 10 → 25 + 25 · 9/10 = 47.5 ms.
      expect(row.count).toBe(20);
      expect(row.p50).toBeCloseTo(5, 6);
      expect(row.p95).toBeCloseTo(47.5, 6);
      expect(row.meanMs).toBeCloseTo(21.5, 6);
    });

    it('adds the traffic of each sample interval to the time series', async () => {
      const svc = `series-${randomUUID().slice(0, 8)}`;
      await running.router.history.sample();
      hookRequests.inc({ service: svc, status: '200' }, 6);
      hookRequests.inc({ service: svc, status: '500' }, 1);
      await running.router.history.sample();
      const series = await json(await fetch(`${running.url}/api/dashboard/timeseries`, { headers: auth }));
      const last = series.points[series.points.length - 1];
      expect(last.traffic[svc]).toEqual({ requests: 7, errors: 1 });
      expect(series.intervalMs).toBe(60_000);
    });
  });

  describe('in distributed mode with a BullMQ queue', () => {
    let queue: Queue;
    let running: Running;
    beforeAll(async () => {
      queue = new Queue(`ops-test-${randomUUID()}`, { connection: { host: '127.0.0.1', port: 6379 } });
      await queue.addBulk([1, 2, 3].map((i) => ({ name: 'score', data: { i } })));
      running = await start(plainDeps({ NODE_ENV: 'production', OPERATOR_TOKEN: TOKEN }, {
        queue,
        workers: async (): Promise<WorkerInfo[]> => [
          { id: 'worker-a', provider: 'cuda', lastSeen: new Date().toISOString(), batches: { 1: 4, 8: 2 } },
          { id: 'worker-b', provider: 'cpu', lastSeen: new Date().toISOString(), batches: { 1: 1 } },
        ],
      }));
    });
    afterAll(async () => {
      await running.close();
      await queue.obliterate({ force: true });
      await queue.close();
    });

    it('shows the queue depth and the workers with their provider and batch sizes', async () => {
      const summary = await json(await fetch(`${running.url}/api/dashboard/summary`, { headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(summary.service.mode).toBe('distributed');
      expect(summary.queue.counts).toMatchObject({ waiting: 3, active: 0, failed: 0 });
      expect(summary.workers).toMatchObject({ online: 2, byProvider: { cuda: 1, cpu: 1 }, batchSizes: { 1: 5, 8: 2 } });
    });

    it('exports queue depth and workers online as gauges', async () => {
      const text = await (await fetch(`${running.url}/metrics`)).text();
      expect(sample(text, 'prognos_queue_depth', { state: 'waiting' })).toBe(3);
      expect(sample(text, 'prognos_workers_online', { provider: 'cuda' })).toBe(1);
    });

    it('serves bull-board under /admin/queues to the operator only', async () => {
      expect((await fetch(`${running.url}/admin/queues`)).status).toBe(401);
      const page = await fetch(`${running.url}/admin/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"');
      const api = await fetch(`${running.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(api.status).toBe(200);
      const body = await json(api);
      expect(body.queues.map((q: { name: string }) => q.name)).toContain(queue.name);
    });
  });
});
