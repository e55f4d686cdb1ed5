/**
 * The whole path with real parts: the in-process scorer (real ONNX models), a real FHIR R4 server on
 * loopback loaded with a Synthea patient, the HTTP app. The hook time is pinned to the day after the
 * patient's last observation (Synthea records end years ago; lab age limits would otherwise blank them).
 * Also: the log output of all of it contains no patient name, identifier, id or token.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { cardSchema, cdsResponseSchema } from '@prognos/contracts';
import { createInProcessScorer, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { MemoryFeedbackStore } from '../../services/cds-hooks/src/feedback/memory-feedback-store';
import { MemoryCardRegistry } from '../../services/cds-hooks/src/feedback/card-registry';
import { deadlineMisses, deadlinePassedBeforeRecord, feedbackOutcomes, hooksShedUnread } from '../../services/cds-hooks/src/metrics';
import { resolveBundleReferences, startFhirTestServer, type FhirTestServer } from '../fhir-server/fhir-test-server';
import { describeWithSharedData, readJson, sharedDir } from '../support/shared-data';
import { LogCapture, OfflineEngine, postJson, specFixture, startTestApp, type Running } from './support/harness';

const TOKEN = 'fhir-access-token-e2e-5b1c7d';
const CLIENT_JWT = 'eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLWUyZQ';
const FILE = 'Bryan_Breitenberg_8edf097f-56d9-4587-aea3-20c023d0c353.json';

async function feedbackCount(service: string, kind: string, outcome: string): Promise<number> {
  return (await feedbackOutcomes.get()).values
    .find((v) => v.labels.service === service && v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0;
}

describeWithSharedData('end to end: real scorer, real FHIR server, real HTTP', () => {
  let scorer: InProcessScorer;
  let fhir: FhirTestServer;
  let app: Running;
  const log = new LogCapture();
  const store = new MemoryFeedbackStore();
  let patient: Patient;
  let asOf: Date;
  let byHttp: { cards: { uuid: string; summary: string; overrideReasons?: { system: string; code: string }[] }[] } | undefined;

  const call = (service: string, body: Record<string, unknown>) => postJson(`${app.url}/cds-services/${service}`, {
    hookInstance: randomUUID(), context: { userId: 'Practitioner/example', patientId: patient.id }, ...body,
  }, { authorization: `Bearer ${CLIENT_JWT}` });

  beforeAll(async () => {
    const bundle = readJson<Bundle>(path.join(sharedDir() as string, 'data', 'synthea-r4', FILE));
    const resources = resolveBundleReferences(bundle);
    patient = resources.find((r) => r.resourceType === 'Patient') as Patient;
    const last = resources.filter((r) => r.resourceType === 'Observation')
      .map((r) => (r as { effectiveDateTime?: string }).effectiveDateTime ?? '').sort().pop() as string;
    asOf = new Date(new Date(last).getTime() + 86_400_000);
    // This record's last lipid panel is 372 days before its last observation: a 2-year lab window
    // (LAB_MAX_AGE_DAYS, one setting for extraction and rules) lets PCE use it.
    scorer = await createInProcessScorer(loadScorerConfig({ LAB_MAX_AGE_DAYS: '730' }));
    fhir = await startFhirTestServer();
    await fhir.loadBundle(bundle);
    app = await startTestApp({
      engine: scorer, services: scorer.services(), now: () => asOf, logTo: log, feedbackStore: store,
      env: { DEV_FHIR_SERVERS: fhir.baseUrl, HOOK_DEADLINE_MS: '20000', FHIR_QUERY_TIMEOUT_MS: '15000', LAB_MAX_AGE_DAYS: '730' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fhir?.close();
    await scorer?.close();
  });

  it('publishes discovery generated from the scorer catalogue', async () => {
    const res = await fetch(`${app.url}/cds-services`);
    expect(res.status).toBe(200);
    const { services } = await res.json() as { services: Record<string, unknown>[] };
    expect(services.map((s) => s.id).sort()).toEqual(['af-stroke-prevention', 'cardiovascular-risk', 'ckd-progression', 'medication-safety', 'pharmacogenomics', 'pharmacogenomics-select']);
    for (const s of services) {
      expect(typeof s.hook).toBe('string');
      expect(typeof s.description).toBe('string');
      expect(Object.keys(s).every((k) => ['hook', 'title', 'description', 'id', 'prefetch', 'usageRequirements'].includes(k))).toBe(true);
      expect(JSON.stringify(s)).not.toMatch(/:null|:""|:\[\]|:\{\}/);
    }
  });

  it('answers cardiovascular-risk from the FHIR server when nothing is prefetched', async () => {
    const res = await call('cardiovascular-risk', { hook: 'patient-view', fhirServer: fhir.baseUrl, fhirAuthorization: {
      access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'prognos',
    } });
    expect(res.status).toBe(200);
    expect(cdsResponseSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.cards.length).toBeGreaterThan(0);
    for (const card of res.body.cards) {
      expect(cardSchema.safeParse(card).success).toBe(true);
      expect(card.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(card.summary.length).toBeLessThan(140);
      for (const s of card.suggestions ?? []) expect(s.uuid).toMatch(/^[0-9a-f-]{36}$/);
      // Placeholders never leave unbound.
      expect(JSON.stringify(card)).not.toContain('urn:prognos:context');
    }
    expect(fhir.requests.length).toBeGreaterThan(0);
    expect(fhir.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    byHttp = res.body;
  });

  it('gives the same cards when the client prefetches exactly what the templates ask', async () => {
    const descriptor = scorer.services().find((s) => s.id === 'cardiovascular-risk')!;
    const prefetch: Record<string, Resource | null> = {};
    for (const [key, template] of Object.entries(descriptor.prefetch)) {
      const r = await fetch(`${fhir.baseUrl}/${template.replaceAll('{{context.patientId}}', patient.id as string)}`);
      prefetch[key] = r.status === 404 ? null : await r.json() as Resource;
    }
    fhir.requests.length = 0;
    const res = await call('cardiovascular-risk', { hook: 'patient-view', prefetch });
    expect(res.status).toBe(200);
    expect(fhir.requests).toHaveLength(0);
    expect(res.body.cards.map((c: { summary: string }) => c.summary)).toEqual(byHttp?.cards.map((c) => c.summary));
  });

  it('attributes feedback on a returned card to the rule that made it', async () => {
    const card = byHttp!.cards[0];
    const offered = card.overrideReasons?.[0];
    const reason = offered ? { system: offered.system, code: offered.code } : { system: 'http://example.org/r', code: 'patient-declined' };
    const res = await postJson(`${app.url}/cds-services/cardiovascular-risk/feedback`, {
      feedback: [{ card: card.uuid, outcome: 'overridden', overrideReason: { reason, userComment: `${patient.name?.[0]?.family} said no` }, outcomeTimestamp: new Date().toISOString() }],
    });
    expect(res.status).toBe(200);
    const stored = store.list().at(-1)!;
    expect(stored).toMatchObject({ serviceId: 'cardiovascular-risk', cardUuid: card.uuid, outcome: 'overridden', hasUserComment: true,
      issuer: 'development', overrideReason: offered ? reason : { system: 'urn:prognos:override-reason', code: 'other' } });
    expect(stored.kind).not.toBe('unknown');
    // The free-text comment (which names the patient here) is not kept.
    expect(JSON.stringify(store.list())).not.toContain(patient.name?.[0]?.family as string);
    const kinds = (await feedbackOutcomes.get()).values.filter((v) => v.labels.service === 'cardiovascular-risk' && v.labels.outcome === 'overridden');
    expect(kinds.some((v) => v.labels.kind === stored.kind && v.value > 0)).toBe(true);
  });

  it('accepts the three feedback examples of the specification on issued cards; the same on a never-issued card is 404 and not counted', async () => {
    const examples = [['feedback-accepted.json', 'accepted'], ['feedback-overridden.json', 'overridden'], ['feedback-overridden-reason.json', 'overridden']] as const;
    for (const [i, [file, outcome]] of examples.entries()) {
      const body = specFixture<{ feedback: { card: string }[] }>(file);
      const total = (await store.summary()).total;
      const unknown = await postJson(`${app.url}/cds-services/cardiovascular-risk/feedback`, body);
      expect(unknown.status).toBe(404);
      expect(unknown.body.resourceType).toBe('OperationOutcome');
      expect((await store.summary()).total).toBe(total);
      const card = byHttp!.cards[(i + 1) % byHttp!.cards.length]!;
      const res = await postJson(`${app.url}/cds-services/cardiovascular-risk/feedback`, { feedback: body.feedback.map((f) => ({ ...f, card: card.uuid })) });
      expect(res.status).toBe(200);
      expect(store.list().at(-1)).toMatchObject({ cardUuid: card.uuid, outcome });
    }
  });

  it('answers an order-sign call with draft orders with valid cards', async () => {
    const res = await call('medication-safety', {
      hook: 'order-sign', fhirServer: fhir.baseUrl,
      context: {
        userId: 'Practitioner/example', patientId: patient.id,
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: {
          resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order',
          medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '860975', display: 'metformin hydrochloride 500 MG Oral Tablet' }] },
          subject: { reference: `Patient/${patient.id}` },
        } }] },
      },
    });
    expect(res.status).toBe(200);
    expect(cdsResponseSchema.safeParse(res.body).success).toBe(true);
  });

  it('never writes a patient name, identifier, id or token to the log', async () => {
    await call('ckd-progression', { hook: 'patient-view', fhirServer: fhir.baseUrl, fhirAuthorization: {
      access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'prognos',
    } });
    await call('ckd-progression', { hook: 'patient-view', context: { userId: 'Practitioner/example', patientId: 'bad id!' } });
    const text = log.text();
    expect(text).toContain('hook answered'); // the log is really captured
    expect(text).toContain('"route":"/cds-services/:id"');
    const secrets = [
      TOKEN, CLIENT_JWT, patient.id as string,
      ...(patient.name ?? []).flatMap((n) => [n.family, ...(n.given ?? [])]),
      ...(patient.identifier ?? []).map((i) => i.value),
      ...(patient.telecom ?? []).map((t) => t.value),
      ...(patient.address ?? []).flatMap((a) => [...(a.line ?? []), a.postalCode]),
    ].filter((s): s is string => typeof s === 'string' && s.length >= 3);
    expect(secrets.length).toBeGreaterThan(5);
    for (const s of secrets) expect(text).not.toContain(s);
  });
});

/** POSTs `body` as JSON, sending its first bytes at once and the rest `delayMs` later (a slow upload). */
function postSlowly(url: string, body: unknown, delayMs: number): Promise<{ status: number; body: any }> {
  const bytes = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, 20));
    setTimeout(() => req.end(bytes.subarray(20)), delayMs);
  });
}

/** Records the deadline each score() call was given and how much of it was left then; answers nothing. */
class DeadlineRecordingEngine extends OfflineEngine {
  budgets: number[] = [];
  override async score(_input?: unknown, options?: { deadline: number }): Promise<never> {
    this.budgets.push((options?.deadline ?? Number.NaN) - Date.now());
    return super.score();
  }
}

const counterOf = async (metric: typeof deadlineMisses, service: string) =>
  (await metric.get()).values.find((v) => v.labels.service === service)?.value ?? 0;

describe('scoring outage and deadline', () => {
  const orderSelect = () => ({
    hook: 'order-select', hookInstance: randomUUID(),
    context: { userId: 'Practitioner/1', patientId: 'p1', selections: ['MedicationRequest/m1'],
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'm1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' } } }] } },
  });

  it('counts the hook deadline from arrival: a body still arriving at the deadline is answered {"cards": []} without reading the record', async () => {
    const engine = new DeadlineRecordingEngine();
    const app = await startTestApp({ engine, env: { HOOK_DEADLINE_MS: '300' } });
    try {
      const misses = await counterOf(deadlineMisses, 'test-order-select');
      const passed = await counterOf(deadlinePassedBeforeRecord, 'test-order-select');
      const res = await postSlowly(`${app.url}/cds-services/test-order-select`, orderSelect(), 700);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(engine.budgets).toEqual([]);
      expect(await counterOf(deadlineMisses, 'test-order-select')).toBe(misses + 1);
      expect(await counterOf(deadlinePassedBeforeRecord, 'test-order-select')).toBe(passed + 1);
      // A malformed request that arrives late still gets its 400, not an empty answer.
      const bad = await postSlowly(`${app.url}/cds-services/test-order-select`, { hook: 'order-select', context: {} }, 700);
      expect(bad.status).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('a body that arrives before the deadline is scored with what is left of the deadline, not a fresh one', async () => {
    const engine = new DeadlineRecordingEngine();
    const app = await startTestApp({ engine, env: { HOOK_DEADLINE_MS: '2000' } });
    try {
      const passed = await counterOf(deadlinePassedBeforeRecord, 'test-order-select');
      const res = await postSlowly(`${app.url}/cds-services/test-order-select`, orderSelect(), 500);
      expect(res.status).toBe(200);
      expect(engine.budgets).toHaveLength(1);
      // 500 ms of the 2,000 went on the upload: the engine gets about 1,500 (before: a fresh 2,000 less
      // a few ms). The margin covers a busy host seeing the request's headers late, which moves the
      // arrival stamp later and leaves the engine a little more.
      expect(engine.budgets[0]!).toBeLessThanOrEqual(1750);
      expect(engine.budgets[0]!).toBeGreaterThan(0);
      expect(await counterOf(deadlinePassedBeforeRecord, 'test-order-select')).toBe(passed);
    } finally {
      await app.close();
    }
  });

  describe('a call that waits for admission until its deadline has passed', () => {
    /** A card registry whose lookups take 400 ms: a feedback post then holds the one admission slot. */
    class SlowLookupRegistry extends MemoryCardRegistry {
      private entered!: () => void;
      readonly lookupEntered = new Promise<void>((r) => { this.entered = r; });
      override async lookup(...args: Parameters<MemoryCardRegistry['lookup']>) {
        this.entered();
        await new Promise((r) => setTimeout(r, 400));
        return super.lookup(...args);
      }
    }
    const feedback = () => ({ feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2024-01-01T00:00:00Z' }] });
    const malformed = { hook: 'order-select', hookInstance: randomUUID(), context: {} };

    /**
     * One admission slot, held by a feedback post (its lookup waits 400 ms; the slot is released after
     * the 100 ms straggler time); then a malformed hook call and a second feedback post queue behind it.
     */
    async function queueBehindFeedback(deadlineMs: string) {
      const engine = new DeadlineRecordingEngine();
      const cardRegistry = new SlowLookupRegistry(3600, 1000);
      const app = await startTestApp({ engine, cardRegistry, env: { HOOK_MAX_CONCURRENT: '1', HOOK_DEADLINE_MS: deadlineMs } });
      try {
        const shed = await counterOf(hooksShedUnread, 'test-order-select');
        const passed = await counterOf(deadlinePassedBeforeRecord, 'test-order-select');
        const holder = postJson(`${app.url}/cds-services/test-order-select/feedback`, feedback());
        await cardRegistry.lookupEntered;
        const [hook, laterFeedback, first] = await Promise.all([
          postJson(`${app.url}/cds-services/test-order-select`, malformed),
          postJson(`${app.url}/cds-services/test-order-select/feedback`, feedback()),
          holder,
        ]);
        return {
          hook, laterFeedback, first, engine,
          shed: (await counterOf(hooksShedUnread, 'test-order-select')) - shed,
          passed: (await counterOf(deadlinePassedBeforeRecord, 'test-order-select')) - passed,
        };
      } finally {
        await app.close();
      }
    }

    it('is answered {"cards": []} without its body being parsed; feedback queued beside it is still read', async () => {
      const r = await queueBehindFeedback('50');
      // The body is malformed: parsed, it would get a 400. Shed unread, it gets the empty answer.
      expect(r.hook.status).toBe(200);
      expect(r.hook.body).toEqual({ cards: [] });
      expect(r.engine.budgets).toEqual([]);
      expect(r.shed).toBe(1);
      expect(r.passed).toBe(1);
      // Feedback is never shed: the later post was parsed and answered on its merits (an unknown card).
      expect(r.first.status).toBe(404);
      expect(r.laterFeedback.status).toBe(404);
    });

    it('is read as usual when its deadline has not passed at its turn', async () => {
      const r = await queueBehindFeedback('2000');
      expect(r.hook.status).toBe(400);
      expect(r.shed).toBe(0);
      expect(r.passed).toBe(0);
      expect(r.laterFeedback.status).toBe(404);
    });
  });

  it('answers 200 {"cards": []} and counts a deadline miss when the scorer is down', async () => {
    const engine = new OfflineEngine();
    const app = await startTestApp({ engine });
    try {
      const before = (await deadlineMisses.get()).values.find((v) => v.labels.service === 'test-order-select')?.value ?? 0;
      const res = await postJson(`${app.url}/cds-services/test-order-select`, {
        hook: 'order-select', hookInstance: randomUUID(),
        context: { userId: 'Practitioner/1', patientId: 'p1', selections: ['MedicationRequest/m1'],
          draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'm1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' } } }] } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(engine.calls).toBe(1);
      expect((await deadlineMisses.get()).values.find((v) => v.labels.service === 'test-order-select')?.value).toBe(before + 1);
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.engine.ok).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('answers within the hook deadline when scoring hangs', async () => {
    const hanging = { mode: 'embedded' as const, score: () => new Promise<never>(() => undefined), readiness: async () => ({ ready: true, checks: {} }), close: async () => undefined };
    const app = await startTestApp({ engine: hanging, env: { HOOK_DEADLINE_MS: '300' } });
    try {
      const t0 = Date.now();
      const res = await postJson(`${app.url}/cds-services/test-order-select`, {
        hook: 'order-select', hookInstance: randomUUID(),
        context: { userId: 'Practitioner/1', patientId: 'p1', selections: ['MedicationRequest/m1'],
          draftOrders: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'm1' } }] } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await app.close();
    }
  });
});
