/**
 * The built-in card sandbox in Chromium (playwright-core + Debian's Chromium), against the real app
 * and scorer: choose a generated patient and a service, get the expected cards from the real
 * endpoint, accept one, override one with a coded reason, and find both in the per-rule analytics
 * (API and dashboard). Also an order-sign call with a draft NSAID order, keyboard only.
 * Screenshots: test-artifacts/sandbox-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generatePatient } from '../../libs/fhir-features/src/generator/generate-patient';
import { sharedDir } from '../support/shared-data';
import { startPrognos, type RunningPrognos } from './support/prognos-app';

// Page-side globals inside page.waitForFunction / page.evaluate callbacks (this project has no DOM lib).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  body: { getAttribute(name: string): string | null };
  activeElement: { id: string } | null;
};

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const OPERATOR = { username: 'operator', password: `pw-${randomUUID()}` };
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];

const describeWithChromium = fs.existsSync(CHROMIUM) ? describe : process.env.CI
  ? (name: string) => describe(name, () => it('needs /usr/bin/chromium', () => { throw new Error(`${CHROMIUM} not found`); }))
  : describe.skip;

interface Rule { kind: string; shown: number; accepted: number; overridden: number; topOverrideReasons: { code: string; count: number }[] }

describeWithChromium('the card sandbox in Chromium', () => {
  let app: RunningPrognos;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const auth = () => ({ authorization: `Basic ${Buffer.from(`${OPERATOR.username}:${OPERATOR.password}`).toString('base64')}` });
  const rules = async (): Promise<Rule[]> => ((await (await fetch(`${app.url}/api/feedback/rules`, { headers: auth() })).json()) as { rules: Rule[] }).rules;

  beforeAll(async () => {
    app = await startPrognos({ NODE_ENV: 'development', OPERATOR_BASIC: `${OPERATOR.username}:${OPERATOR.password}`, DASHBOARD_REFRESH_MS: '500' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    const context = await browser.newContext({ httpCredentials: OPERATOR, viewport: { width: 1300, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text()); });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('refuses the page and its API without the operator credential', async () => {
    expect((await fetch(`${app.url}/sandbox`)).status).toBe(401);
    expect((await fetch(`${app.url}/api/sandbox/options`)).status).toBe(401);
    const res = await fetch(`${app.url}/sandbox`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).not.toMatch(/https?:\/\/(?!www\.w3)/); // no CDN
  });

  it('calls the real service for a chosen patient, renders its cards, and records accept and override in the per-rule analytics', async () => {
    const before = await rules();
    expect(before.reduce((n, r) => n + r.shown, 0)).toBe(0);
    await page.goto(`${app.url}/sandbox`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('patient-select').selectOption('generated:ckd-g3b-a3-t2d');
    await page.getByTestId('service-select').selectOption('ckd-progression');
    await page.getByTestId('call-button').click();
    await page.waitForSelector('#cards[data-count]');
    const count = Number(await page.locator('#cards').getAttribute('data-count'));
    expect(count).toBeGreaterThanOrEqual(2);
    // The expected cards for CKD G3b A3 with diabetes, already on an SGLT2 inhibitor (written as a
    // medicationReference, read through the prefetch's _include): the KFRE prediction and a
    // nephrology referral, rendered as an EHR would; no duplicate SGLT2 inhibitor.
    const summaries = await page.locator('#cards article h3').allTextContents();
    expect(summaries.join('\n')).toMatch(/kidney failure risk/i);
    expect(summaries.join('\n')).toMatch(/nephrolog/i);
    expect(summaries.join('\n')).not.toMatch(/(start|consider) an SGLT2/i);
    const firstCard = page.getByTestId('card-0');
    expect(['info', 'warning', 'critical']).toContain(await firstCard.getAttribute('data-indicator'));
    expect(await firstCard.locator('.source').textContent()).toMatch(/^Source: ./);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-cards.png'), fullPage: true });

    // Accept the first card that offers a suggestion; override another with its first coded reason.
    let accepted = -1;
    let overridden = -1;
    for (let i = 0; i < count; i++) {
      if (accepted < 0 && await page.getByTestId(`card-${i}-accept-0`).count()) accepted = i;
      else if (overridden < 0 && await page.getByTestId(`card-${i}-override`).count()) overridden = i;
    }
    expect(accepted).toBeGreaterThanOrEqual(0);
    expect(overridden).toBeGreaterThanOrEqual(0);
    await page.getByTestId(`card-${accepted}-accept-0`).click();
    await page.waitForFunction((i) => /Accepted/.test(document.querySelector(`[data-testid="card-${i}-feedback"]`)?.textContent ?? ''), accepted);
    const reasonLabel = await page.getByTestId(`card-${overridden}-reason`).locator('option').first().textContent();
    await page.getByTestId(`card-${overridden}-override`).click();
    await page.waitForFunction((i) => /Overridden/.test(document.querySelector(`[data-testid="card-${i}-feedback"]`)?.textContent ?? ''), overridden);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-feedback.png'), fullPage: true });

    const after = await rules();
    expect(after.reduce((n, r) => n + r.shown, 0)).toBe(count);
    expect(after.reduce((n, r) => n + r.accepted, 0)).toBe(1);
    expect(after.reduce((n, r) => n + r.overridden, 0)).toBe(1);
    const overriddenRule = after.find((r) => r.overridden === 1)!;
    expect(overriddenRule.topOverrideReasons).toHaveLength(1);
    expect(reasonLabel).toBeTruthy();

    // The dashboard shows both in its per-rule table.
    await page.goto(`${app.url}/dashboard`);
    await page.waitForFunction(() => Number(document.body.getAttribute('data-refreshes')) > 0);
    const acceptedRule = after.find((r) => r.accepted === 1)!;
    expect(await page.getByTestId(`rule-accepted-${acceptedRule.kind}`).textContent()).toBe('1');
    expect(await page.getByTestId(`rule-overridden-${overriddenRule.kind}`).textContent()).toBe('1');
    await page.getByTestId('panel-rules').screenshot({ path: path.join(ARTIFACTS, 'sandbox-analytics.png') });
  });

  it('offers draft orders for order-sign and shows the NSAID card, used with the keyboard only', async () => {
    await page.goto(`${app.url}/sandbox`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('patient-select').focus();
    await page.getByTestId('patient-select').selectOption('generated:ckd-g4-a3');
    await page.keyboard.press('Tab'); // file input
    await page.keyboard.press('Tab'); // service
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('service-select');
    await page.getByTestId('service-select').selectOption('medication-safety');
    expect(await page.getByTestId('draft-order-select').isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    await page.getByTestId('draft-order-select').selectOption('ibuprofen');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('call-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cards[data-count]');
    expect((await page.locator('#cards article h3').allTextContents()).join('\n')).toMatch(/NSAID|ibuprofen/i);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-order-sign.png'), fullPage: true });
  });

  it('uses an uploaded Bundle, and renders its text as text: no markup, no script link', async () => {
    // A record whose diabetes display carries markup and a javascript: Markdown link; the card
    // detail quotes the display, which must stay text.
    const bundle = generatePatient({ seed: 5, profile: 'ckd-g3b-a3-t2d', targetResources: 200, asOf: new Date() });
    let tainted = 0;
    for (const e of bundle.entry ?? []) {
      const r = e.resource as { resourceType?: string; code?: { coding?: { code?: string; display?: string }[] } } | undefined;
      for (const c of r?.resourceType === 'Condition' ? r.code?.coding ?? [] : []) {
        if (c.code === '44054006') { c.display = 'T2D <img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=2)'; tainted += 1; }
      }
    }
    expect(tainted).toBeGreaterThan(0);
    // Take the SGLT2 inhibitor out of the record (contained, bundled or coded), so that the SGLT2
    // inhibitor card, whose inputs quote the diabetes display, is offered.
    const isSglt2 = (r: unknown) => /gliflozin/i.test(JSON.stringify(r));
    const droppedMeds = new Set((bundle.entry ?? []).filter((e) => e.resource?.resourceType === 'Medication' && isSglt2(e.resource)).map((e) => e.fullUrl));
    bundle.entry = (bundle.entry ?? []).filter((e) => {
      const ref = (e.resource as { medicationReference?: { reference?: string } } | undefined)?.medicationReference?.reference;
      return !isSglt2(e.resource) && !(ref && droppedMeds.has(ref));
    });
    const file = path.join(ARTIFACTS, 'sandbox-upload.json');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(bundle));
    await page.goto(`${app.url}/sandbox`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('bundle-file').setInputFiles(file);
    await page.getByTestId('service-select').selectOption('ckd-progression');
    await page.waitForSelector('body[data-bundle="loaded"]');
    await page.getByTestId('call-button').click();
    await page.waitForSelector('#cards[data-count]');
    const html = await page.locator('#cards').innerHTML();
    expect(html).toContain('&lt;img src=x');
    expect(await page.locator('#cards img').count()).toBe(0);
    expect(await page.locator('#cards a[href^="javascript:"]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('offers the shared Synthea bundles when present, and their prefetch gets cards from the real endpoint', async () => {
    if (!sharedDir()) {
      console.warn('[skipped] shared Synthea data not found');
      return;
    }
    const dir = path.join(sharedDir()!, 'data', 'synthea-r4');
    const withSynthea = await startPrognos({ NODE_ENV: 'development', OPERATOR_BASIC: `${OPERATOR.username}:${OPERATOR.password}`, SANDBOX_SYNTHEA_DIR: dir });
    try {
      const options = (await (await fetch(`${withSynthea.url}/api/sandbox/options`, { headers: auth() })).json()) as { patients: { id: string; source: string }[] };
      const synthea = options.patients.filter((p) => p.source === 'synthea');
      expect(synthea.length).toBe(fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length);
      const req = await fetch(`${withSynthea.url}/api/sandbox/request`, {
        method: 'POST', headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: 'cardiovascular-risk', sample: synthea[0]!.id }),
      });
      expect(req.status).toBe(200);
      const hookRequest = (await req.json()) as { prefetch: Record<string, unknown> };
      expect(Object.keys(hookRequest.prefetch).length).toBeGreaterThan(0);
      const hook = await fetch(`${withSynthea.url}/cds-services/cardiovascular-risk`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hookRequest),
      });
      expect(hook.status).toBe(200);
    } finally {
      await withSynthea.close();
    }
  });

  it('answers a bad upload with a clear 400, and runs without a script error', async () => {
    const res = await fetch(`${app.url}/api/sandbox/request`, {
      method: 'POST', headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'ckd-progression', bundle: { resourceType: 'Patient' } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect(errors).toEqual([]);
  });
});

describeWithChromium('the card sandbox when CDS clients must send JWTs', () => {
  let app: RunningPrognos;
  let browser: Browser;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kty: 'EC', kid: 'k1', alg: 'ES384', use: 'sig' };
    app = await startPrognos({
      NODE_ENV: 'development', PUBLIC_BASE_URL: 'https://prognos.example.test', OPERATOR_BASIC: `${OPERATOR.username}:${OPERATOR.password}`,
    }, [{ iss: 'https://ehr.example.test', jwks: { keys: [jwk] }, jku: [], fhirServers: [] }]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('goes through the operator-only relay as the client prognos-sandbox, the EHR endpoint staying closed', async () => {
    const context = await browser.newContext({ httpCredentials: OPERATOR });
    const page = await context.newPage();
    await page.goto(`${app.url}/sandbox`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByTestId('patient-select').selectOption('generated:ckd-g4-a3');
    await page.getByTestId('service-select').selectOption('ckd-progression');
    await page.getByTestId('call-button').click();
    await page.waitForSelector('#cards[data-count]');
    expect(Number(await page.locator('#cards').getAttribute('data-count'))).toBeGreaterThan(0);
    await page.locator('[data-testid$="-accept-0"]').first().click();
    await page.waitForSelector('.feedback-state:text("Accepted")');
    const basic = { authorization: `Basic ${Buffer.from(`${OPERATOR.username}:${OPERATOR.password}`).toString('base64')}` };
    const rules = ((await (await fetch(`${app.url}/api/feedback/rules`, { headers: basic })).json()) as { rules: Rule[] }).rules;
    expect(rules.reduce((n, r) => n + r.accepted, 0)).toBe(1);
    const summary = (await (await fetch(`${app.url}/api/dashboard/summary`, { headers: basic })).json()) as { clients: { issuer: string; accepted: number }[] };
    expect(summary.clients.find((c) => c.issuer === 'prognos-sandbox')?.accepted).toBe(1);
    // Without a client JWT the EHR endpoint stays closed, and the relay needs the operator credential.
    expect((await fetch(`${app.url}/cds-services/ckd-progression`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${app.url}/api/sandbox/cds-services/ckd-progression`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    // The relay reads bodies with /cds-services' limits (MAX_JSON_DEPTH) and answers a bad hook
    // request with a 4xx OperationOutcome, never a crash.
    const relay = (body: string) => fetch(`${app.url}/api/sandbox/cds-services/ckd-progression`, { method: 'POST', headers: { ...basic, 'content-type': 'application/json' }, body });
    expect((await relay(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`)).status).toBe(400);
    const bad = await relay('{"hook":"order-sign"}');
    expect([400, 404]).toContain(bad.status);
    expect(((await bad.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    await context.close();
  });
});
