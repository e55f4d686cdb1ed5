/**
 * The operations dashboard in a real browser (playwright-core driving Debian's Chromium): the real
 * app with the real scorer receives real CDS Hooks traffic and feedback; the page must show exactly
 * those counts, in its tables and in its charts, refuse access without the operator credential, and
 * run under its CSP without errors. Screenshot: test-artifacts/dashboard.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  callHook, discover, resolvePrefetch, patientViewWithPrefetch, sendFeedback, startPrognos, syntheticPatients,
  type Card, type RunningPrognos,
} from './support/prognos-app';

// Page-side globals inside page.waitForFunction / page.evaluate callbacks (this project has no DOM lib).
declare const document: { getElementById(id: string): unknown; querySelector(selector: string): unknown };
declare const window: { Chart: { getChart(el: unknown): { data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] } } | undefined } };

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const OPERATOR = { username: 'operator', password: `pw-${randomUUID()}` };

function describeWithChromium(name: string, fn: () => void): void {
  if (fs.existsSync(CHROMIUM)) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs /usr/bin/chromium, which is missing under CI', () => {
        throw new Error(`${CHROMIUM} not found (.ci/run installs the chromium package)`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`[skipped] "${name}": ${CHROMIUM} not found (apt-get install -y chromium to run it)`);
    describe.skip(name, fn);
  }
}

/** What the test sent and what came back, counted independently of the service's metrics. */
interface Sent {
  calls: Map<string, { total: number; ok: number; clientErrors: number }>;
  cards: Map<string, number>; // `${service}|${indicator}`
  accepted: number;
  overridden: number;
  overrideReasons: Map<string, number>;
  fhirNotNeeded: number;
  fhirRefused: number;
  refusedBeforeHook: number;
  /** Required prefetch keys of the call made without prefetch (its 412 names them). */
  missingKeys: string[];
}

const count = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

describeWithChromium('the operations dashboard in Chromium', () => {
  let app: RunningPrognos;
  let browser: Browser;
  const sent: Sent = { calls: new Map(), cards: new Map(), accepted: 0, overridden: 0, overrideReasons: new Map(), fhirNotNeeded: 0, fhirRefused: 0, refusedBeforeHook: 0, missingKeys: [] };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startPrognos({
      NODE_ENV: 'development',
      OPERATOR_BASIC: `${OPERATOR.username}:${OPERATOR.password}`,
      DASHBOARD_SAMPLE_MS: '400',
      DASHBOARD_REFRESH_MS: '500',
      // A 1 s quantile window: an idle second later, the latency lines must show a gap.
      DASHBOARD_WINDOW_S: '1',
    });
    const services = (await discover(app.url)).filter((s) => s.hook === 'patient-view');
    const patients = syntheticPatients(['ckd-g3b-a3-t2d', 'ckd-g4-a3', 't2d-ckd-g3a', 'af-hf', 'healthy']);
    const returned: { service: string; card: Card }[] = [];
    for (let round = 0; round < 2; round++) {
      for (const service of services) {
        for (const patient of patients) {
          const { status, cards } = await callHook(app.url, service.id,
            patientViewWithPrefetch(patient.id, resolvePrefetch(service, patient.id, patient.resources)));
          const c = sent.calls.get(service.id) ?? { total: 0, ok: 0, clientErrors: 0 };
          c.total += 1;
          if (status === 200) c.ok += 1;
          sent.calls.set(service.id, c);
          for (const card of cards) {
            count(sent.cards, `${service.id}|${card.indicator}`);
            returned.push({ service: service.id, card });
          }
        }
      }
    }
    // The EHR's fhirServer is not on the allowlist (development mode, DEV_FHIR_SERVERS empty).
    // Two calls with a complete prefetch need no query: "not needed", never "refused".
    const fhirServer = 'https://ehr.example.test/fhir';
    const svc0 = services[0]!;
    const p0 = patients[0]!;
    for (let i = 0; i < 2; i++) {
      const { status, cards } = await callHook(app.url, svc0.id,
        { ...patientViewWithPrefetch(p0.id, resolvePrefetch(svc0, p0.id, p0.resources)), fhirServer });
      expect(status).toBe(200);
      for (const card of cards) count(sent.cards, `${svc0.id}|${card.indicator}`);
      sent.calls.get(svc0.id)!.total += 1;
      sent.calls.get(svc0.id)!.ok += 1;
      sent.fhirNotNeeded += 1;
    }
    // One call without prefetch: every key needed a query, and each was refused.
    {
      const { status, cards } = await callHook(app.url, svc0.id, { ...patientViewWithPrefetch(p0.id, {}), fhirServer });
      for (const card of cards) count(sent.cards, `${svc0.id}|${card.indicator}`);
      const c = sent.calls.get(svc0.id)!;
      c.total += 1;
      if (status === 200) c.ok += 1; else c.clientErrors += 1;
      sent.fhirRefused += Object.keys(svc0.prefetch ?? {}).length;
      expect(status).toBe(412);
    }
    // One record with an impossible HbA1c (55 %, plausible range 3.5-20 %): an implausible_value
    // exclusion the data-quality drill-down must show under hba1c / %.
    {
      const bad = {
        resourceType: 'Observation', id: `bad-hba1c-${randomUUID()}`, status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
        subject: { reference: `Patient/${p0.id}` }, effectiveDateTime: new Date(Date.now() - 86_400_000).toISOString(),
        valueQuantity: { value: 55, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      };
      const prefetch = resolvePrefetch(svc0, p0.id, p0.resources);
      for (const v of Object.values(prefetch)) {
        const b = v as { resourceType?: string; entry?: unknown[] } | null;
        if (b?.resourceType === 'Bundle') b.entry = [...(b.entry ?? []), { resource: bad, search: { mode: 'match' } }];
      }
      const { status, cards } = await callHook(app.url, svc0.id, patientViewWithPrefetch(p0.id, prefetch));
      expect(status).toBe(200);
      for (const card of cards) count(sent.cards, `${svc0.id}|${card.indicator}`);
      sent.calls.get(svc0.id)!.total += 1;
      sent.calls.get(svc0.id)!.ok += 1;
    }
    // A body that is not JSON (415) and one over BODY_LIMIT (413): refused before the hook runs.
    {
      const r415 = await fetch(`${app.url}/cds-services/${svc0.id}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(r415.status).toBe(415);
      await r415.arrayBuffer();
      const r413 = await fetch(`${app.url}/cds-services/${svc0.id}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }),
      });
      expect(r413.status).toBe(413);
      await r413.arrayBuffer();
      sent.refusedBeforeHook = 2;
    }
    // Three malformed calls (no hookInstance): 400s the dashboard must count as errors.
    const bad = services[0]!.id;
    for (let i = 0; i < 3; i++) {
      const { status } = await callHook(app.url, bad, { hook: 'patient-view', context: { userId: 'Practitioner/x', patientId: 'x' } });
      expect(status).toBe(400);
      sent.calls.get(bad)!.total += 1;
      sent.calls.get(bad)!.clientErrors += 1;
    }
    // Feedback: accept up to 3 cards that carry a suggestion, override up to 2 with a coded reason.
    for (const { service, card } of returned) {
      if (sent.accepted < 3 && card.suggestions?.[0]?.uuid) {
        expect(await sendFeedback(app.url, service, card, 'accepted')).toBe(200);
        sent.accepted += 1;
      } else if (sent.overridden < 2 && card.overrideReasons?.[0]) {
        expect(await sendFeedback(app.url, service, card, 'overridden')).toBe(200);
        sent.overridden += 1;
        count(sent.overrideReasons, card.overrideReasons[0].code);
      }
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('sent traffic that produced cards and feedback (the premise of the checks below)', () => {
    expect(sent.calls.size).toBeGreaterThanOrEqual(2);
    expect([...sent.cards.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(sent.accepted).toBeGreaterThan(0);
    expect(sent.overridden).toBeGreaterThan(0);
  });

  it('refuses the page and its data without the operator credential', async () => {
    for (const httpCredentials of [undefined, { username: OPERATOR.username, password: 'wrong' }]) {
      const context = await browser.newContext(httpCredentials ? { httpCredentials } : {});
      const page = await context.newPage();
      // Headless Chromium cannot show the Basic prompt: the navigation ends on the 401 itself or
      // (depending on whether credentials were offered) fails with ERR_INVALID_AUTH_CREDENTIALS.
      const outcome = await page.goto(`${app.url}/dashboard`).then((r) => String(r?.status()), (e: Error) => e.message);
      expect(outcome).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/);
      expect(await page.locator('[data-testid="kpi-requests"]').count()).toBe(0);
      const res = await page.request.get(`${app.url}/dashboard`);
      expect(res.status()).toBe(401);
      expect(res.headers()['www-authenticate']).toContain('Basic realm="Prognos operations"');
      expect((await page.request.get(`${app.url}/api/dashboard/summary`)).status()).toBe(401);
      await context.close();
    }
  });

  it('works when opened with the basic-auth credentials in the URL', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = new URL(`${app.url}/dashboard`);
    url.username = OPERATOR.username;
    url.password = OPERATOR.password;
    const res = await page.goto(url.href);
    expect(res?.status()).toBe(200);
    await page.waitForFunction(() => Number((document.querySelector('body') as unknown as { getAttribute(n: string): string }).getAttribute('data-refreshes')) > 0, undefined, { timeout: 15_000 });
    expect(await page.getByTestId('fetch-error').isVisible()).toBe(false);
    expect(Number(await page.getByTestId('kpi-requests').textContent())).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  describe('with the operator credential', () => {
    let page: Page;
    const text = (testId: string) => page.getByTestId(testId).textContent();

    beforeAll(async () => {
      const context = await browser.newContext({ httpCredentials: OPERATOR, viewport: { width: 1400, height: 900 } });
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/favicon/.test(m.text())) pageErrors.push(m.text());
      });
      const res = await page.goto(`${app.url}/dashboard`);
      expect(res?.status()).toBe(200);
      // Wait until a sample taken after all the traffic has reached the traffic chart.
      const expectedTotal = [...sent.calls.values()].reduce((a, c) => a + c.total, 0);
      await page.waitForFunction((total) => {
        const chart = window.Chart.getChart(document.getElementById('traffic-chart'));
        if (!chart) return false;
        const sum = chart.data.datasets.filter((d) => d.label.endsWith(' calls'))
          .reduce((a, d) => a + d.data.reduce<number>((x, y) => x + (y ?? 0), 0), 0);
        return sum === total;
      }, expectedTotal, { timeout: 20_000 });
    }, 60_000);

    afterAll(async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page?.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
      await page?.context().close();
    });

    it('shows the hook calls per service and their errors exactly as sent', async () => {
      let total = 0;
      let errors = 0;
      for (const [service, c] of sent.calls) {
        expect(await text(`traffic-requests-${service}`)).toBe(String(c.total));
        expect(await text(`traffic-ok-${service}`)).toBe(String(c.ok));
        expect(await text(`traffic-4xx-${service}`)).toBe(String(c.clientErrors));
        total += c.total;
        errors += c.total - c.ok;
      }
      expect(await text('kpi-requests')).toBe(String(total));
      expect(await text('kpi-errors')).toBe(String(errors));
    });

    it('draws each service\'s calls and errors in the traffic chart, adding up to what was sent', async () => {
      const datasets = await page.evaluate(() => window.Chart.getChart(document.getElementById('traffic-chart'))!.data.datasets
        .map((d) => ({ label: d.label, sum: d.data.reduce<number>((x, y) => x + (y ?? 0), 0) })));
      for (const [service, c] of sent.calls) {
        expect(datasets).toContainEqual({ label: `${service} calls`, sum: c.total });
        expect(datasets).toContainEqual({ label: `${service} errors`, sum: c.total - c.ok });
      }
    });

    it('shows the cards by service and indicator in the table and the bar chart', async () => {
      let total = 0;
      for (const [key, n] of sent.cards) {
        const [service, indicator] = key.split('|');
        expect(await text(`cards-${service}-${indicator}`)).toBe(String(n));
        total += n;
      }
      expect(await text('kpi-cards')).toBe(String(total));
      const bars = await page.evaluate(() => {
        const chart = window.Chart.getChart(document.getElementById('cards-chart'))!;
        return chart.data.datasets.flatMap((d) => chart.data.labels.map((service, i) => ({ key: `${service}|${d.label}`, n: d.data[i] })))
          .filter((b) => (b.n ?? 0) > 0);
      });
      expect(new Map(bars.map((b) => [b.key, b.n]))).toEqual(sent.cards);
    });

    it('shows the feedback outcomes, rates and override reasons as sent', async () => {
      expect(await text('feedback-accepted')).toBe(String(sent.accepted));
      expect(await text('feedback-overridden')).toBe(String(sent.overridden));
      const rate = ((sent.accepted / (sent.accepted + sent.overridden)) * 100).toFixed(1);
      expect(await text('feedback-acceptance-rate')).toBe(`${rate} %`);
      expect(await text('kpi-acceptance-rate')).toBe(`${rate} %`);
      for (const [code, n] of sent.overrideReasons) expect(await text(`override-reason-${code}`)).toBe(String(n));
    });

    it('draws latency p50/p95/p99 per stage, with one total observation per answered call', async () => {
      const answered = [...sent.calls.values()].reduce((a, c) => a + c.ok, 0);
      expect(await text('latency-count-total')).toBe(String(answered));
      const quantiles = await page.evaluate(() => {
        const chart = window.Chart.getChart(document.querySelector('canvas[data-stage="total"]'))!;
        return chart.data.datasets.map((d) => ({ label: d.label, last: d.data.filter((v) => v !== null).at(-1) ?? null }));
      });
      expect(quantiles.map((q) => q.label)).toEqual(['p50', 'p95', 'p99', 'spec ~500 ms', `deadline ${app.config.HOOK_DEADLINE_MS} ms`]);
      expect(quantiles.slice(3).map((q) => q.last)).toEqual([500, app.config.HOOK_DEADLINE_MS]);
      const [p50, p95, p99] = quantiles.map((q) => q.last as number);
      expect(p50).toBeGreaterThan(0);
      expect(p95).toBeGreaterThanOrEqual(p50!);
      expect(p99).toBeGreaterThanOrEqual(p95!);
    });

    it('lists the models the scorer loaded, and readiness with the development-mode warning', async () => {
      expect(await text('kpi-models')).toBe(String(app.models.length));
      for (const m of app.models) expect(await text(`model-version-${m.id}`)).toBe(m.version);
      expect(await text('readiness-status')).toBe('ready');
      expect(await text('auth-mode')).toBe('development');
      expect(await page.getByTestId('dev-warning').isVisible()).toBe(true);
      expect(await page.getByTestId('access-warning').isVisible()).toBe(false);
      expect(await page.getByTestId('panel-queue').isVisible()).toBe(false); // embedded mode
    });

    it('shows batch sizes as rows over runs for the models that ran', async () => {
      const rows = await page.getByTestId('inference-table').locator('tbody tr').count();
      expect(rows).toBeGreaterThan(0);
    });

    it('shows model drift: the prediction distribution per model output, missing inputs, and the learned model\'s card link', async () => {
      await page.getByTestId('drift-kfre-4var-na-risk_5y').waitFor();
      const row = page.getByTestId('drift-ckd-progression-gru-risk_5y');
      expect(await row.count()).toBe(1);
      const link = row.getByTestId('model-card-ckd-progression-gru');
      const res = await page.request.get(new URL(await link.getAttribute('href') as string, page.url()).toString());
      expect(res.status()).toBe(200);
      expect(await res.text()).toContain('Trained on synthetic data, not validated for clinical use.');
    });

    it('draws card indicators in the conventional colours (info blue, warning amber, critical red), with a legend', async () => {
      const colours = await page.evaluate(() => Object.fromEntries(window.Chart.getChart(document.getElementById('cards-chart'))!
        .data.datasets.map((d) => [d.label, (d as unknown as { backgroundColor: string }).backgroundColor])));
      const expected: Record<string, string> = { info: '#1f6feb', warning: '#d4a017', critical: '#cf222e' };
      const indicators = new Set([...sent.cards.keys()].map((k) => k.split('|')[1]!));
      expect(indicators.size).toBeGreaterThan(0);
      for (const ind of indicators) expect(colours[ind]).toBe(expected[ind]);
      const legend = page.getByTestId('indicator-legend');
      expect(await legend.isVisible()).toBe(true);
      expect((await legend.textContent())!.replace(/\s+/g, ' ').trim()).toBe('critical warning info');
      const swatch = await page.evaluate(() => {
        const el = document.querySelector('[data-testid="indicator-legend"] .ind-critical') as unknown as object;
        return (globalThis as unknown as { getComputedStyle(e: object): { backgroundColor: string } }).getComputedStyle(el).backgroundColor;
      });
      expect(swatch).toBe('rgb(207, 34, 46)');
    });

    it('counts a refused FHIR server only when a query was needed, and "not needed" apart', async () => {
      expect(await text('fhir-not-needed-not_allowed')).toBe(String(sent.fhirNotNeeded));
      expect(await text('fhir-queries-refused')).toBe(String(sent.fhirRefused));
    });

    it('drills a data-quality reason down to concept and unit', async () => {
      expect(await page.getByTestId('dq-detail').isVisible()).toBe(false);
      await page.getByTestId('dq-table').getByRole('button', { name: 'implausible_value' }).click();
      expect(await page.getByTestId('dq-detail').isVisible()).toBe(true);
      const n = Number(await text('dq-detail-implausible_value-hba1c-%'));
      expect(n).toBeGreaterThanOrEqual(1);
      // The drill-down adds up to the reason's total.
      const cells = await page.getByTestId('dq-detail-table').locator('td.num').allTextContents();
      const sum = cells.reduce((a, c) => a + Number(c.replace(/,/g, '')), 0);
      expect(String(sum)).toBe((await text('dq-implausible_value'))!.replace(/,/g, ''));
    });

    it('shows an idle gap in the latency lines as a gap', async () => {
      await page.waitForFunction(() => {
        const chart = window.Chart.getChart(document.querySelector('canvas[data-stage="total"]'));
        const data = chart?.data.datasets[0]?.data ?? [];
        const firstValue = data.findIndex((v) => v !== null);
        return firstValue >= 0 && data.slice(firstValue).some((v) => v === null);
      }, undefined, { timeout: 15_000 });
      const spanGaps = await page.evaluate(() => (window.Chart.getChart(document.querySelector('canvas[data-stage="total"]')) as unknown as { options: { spanGaps: boolean } }).options.spanGaps);
      expect(spanGaps).toBe(false);
    });

    it('shows per-rule feedback analytics that add up to the cards and feedback sent, with CSV and JSON exports', async () => {
      const auth = { authorization: `Basic ${Buffer.from(`${OPERATOR.username}:${OPERATOR.password}`).toString('base64')}` };
      const json = await (await fetch(`${app.url}/api/feedback/rules`, { headers: auth })).json() as {
        rules: { kind: string; shown: number; accepted: number; overridden: number; acceptanceCi: [number, number] | null }[];
      };
      const sum = (k: 'shown' | 'accepted' | 'overridden') => json.rules.reduce((n, r) => n + r[k], 0);
      expect(sum('shown')).toBe([...sent.cards.values()].reduce((a, b) => a + b, 0));
      expect(sum('accepted')).toBe(sent.accepted);
      expect(sum('overridden')).toBe(sent.overridden);
      for (const r of json.rules) {
        expect(await text(`rule-shown-${r.kind}`)).toBe(String(r.shown));
        expect(await text(`rule-accepted-${r.kind}`)).toBe(String(r.accepted));
        expect(await text(`rule-overridden-${r.kind}`)).toBe(String(r.overridden));
      }
      const csv = await fetch(`${app.url}/api/feedback/rules.csv`, { headers: auth });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines).toHaveLength(json.rules.length + 1);
      expect((await fetch(`${app.url}/api/feedback/rules.csv`)).status).toBe(401);
      expect((await fetch(`${app.url}/api/feedback/rules?days=abc`, { headers: auth })).status).toBe(400);
    });

    it('shows errors by status and reason (412 by missing key, 413, 415, 400) and the latest errors without patient data', async () => {
      const rows = await page.getByTestId('errors-table').locator('tbody tr').allTextContents();
      const joined = rows.join('\n');
      expect(joined).toMatch(/^412missing prefetch /m);
      expect(joined).toMatch(/^413too-costly/m);
      expect(joined).toMatch(/^415not-supported/m);
      expect(joined).toMatch(/^400(required|invalid) hookInstance/m);
      const recent = await page.getByTestId('recent-errors-table').locator('tbody').textContent();
      const patientIds = syntheticPatients(['ckd-g3b-a3-t2d', 'ckd-g4-a3', 't2d-ckd-g3a', 'af-hf', 'healthy']).map((p) => p.id);
      for (const id of patientIds) expect(recent).not.toContain(id);
      expect(await page.getByTestId('recent-errors-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(6);
    });

    it('draws the request rate and the error percentage over time', async () => {
      const sums = await page.evaluate(() => window.Chart.getChart(document.getElementById('rate-chart'))!.data.datasets
        .map((d) => ({ label: d.label, values: d.data.filter((v) => v !== null).length })));
      expect(sums.map((d) => d.label)).toEqual(['calls / s', 'errors %']);
      expect(sums[1]!.values).toBeGreaterThan(0);
    });

    it('shows traffic and feedback per calling client', async () => {
      const calls = [...sent.calls.values()].reduce((a, c) => a + c.total, 0) + sent.refusedBeforeHook;
      expect(await text('client-hooks-development')).toBe(String(calls));
      expect(await text('client-accepted-development')).toBe(String(sent.accepted));
      expect(await text('client-overridden-development')).toBe(String(sent.overridden));
    });

    it('shows process health: CPU, memory, event-loop delay, uptime, version, commit and hooks waiting admission', async () => {
      expect(await text('process-cpu')).toMatch(/^\d+\.\d % of a core$/);
      expect(await text('process-rss')).toMatch(/^\d+\.\d MiB$/);
      expect(await text('process-loop-delay')).toMatch(/ms/);
      expect(await text('process-version')).toMatch(/^0\.1\.0 · Node v\d+/);
      expect(await text('process-commit')).toMatch(/^[0-9a-f]{12}$/);
      // Hook admission (HOOK_MAX_CONCURRENT): nothing waits while this suite's calls come one at a time.
      expect(await text('hooks-waiting-admission')).toBe('0');
      expect(await page.getByTestId('panel-redis').isVisible()).toBe(false); // embedded mode
    });

    it('loads the chosen time range', async () => {
      const asked = page.waitForRequest((r) => r.url().includes('api/dashboard/timeseries?minutes=5'));
      await page.getByTestId('time-range').selectOption('5');
      await asked;
    });

    it('runs under its CSP without a script error', () => {
      expect(pageErrors).toEqual([]);
    });
  });
});
