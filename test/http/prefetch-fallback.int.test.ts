/**
 * Gathering the record: prefetch first, then the client's FHIR server over HTTP. The server is a real
 * FHIR R4 server (Medplum MemoryRepository behind express) loaded with Synthea patients; the hostile
 * one misbehaves on purpose (foreign or cyclic `next`, redirects, huge or non-JSON answers).
 */
import path from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '@prognos/contracts';
import { gatherRecord, type GatherOptions, type GatherRequest } from '../../services/cds-hooks/src/prefetch/gather-record';
import { startFhirTestServer, type FhirTestServer } from '../fhir-server/fhir-test-server';
import { startHostileFhirServer, type HostileMode } from '../fhir-server/hostile-fhir-server';
import { describeWithSharedData, readJson, sharedDir } from '../support/shared-data';
import { postJson, startTestApp, TEST_SERVICES } from './support/harness';

const TOKEN = 'test-access-token-7f3a9c';
const SERVICE = TEST_SERVICES[0]; // patient, conditions, observations (required: patient, observations), user

function synthea(name: string): Bundle {
  return readJson<Bundle>(path.join(sharedDir() as string, 'data', 'synthea-r4', name));
}
const count = (b: Bundle, type: string) => (b.entry ?? []).filter((e) => e.resource?.resourceType === type).length;
const ofType = (rs: Resource[], type: string) => rs.filter((r) => r.resourceType === type);

async function expect412(p: Promise<unknown>, keys: string[], reason: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(OperationOutcomeError);
  const e = err as OperationOutcomeError;
  expect(e.status).toBe(412);
  expect(e.outcome.issue.flatMap((i) => i.expression ?? [])).toEqual(keys.map((k) => `prefetch.${k}`));
  expect(e.outcome.issue.map((i) => i.diagnostics).join(' ')).toMatch(reason);
}

describeWithSharedData('gathering the record from prefetch and a real FHIR R4 server', () => {
  let fhir: FhirTestServer;
  let patientId = '';
  let bundle: Bundle;

  const options = (over: Partial<GatherOptions> = {}): GatherOptions => ({
    allowedFhirServers: [fhir.baseUrl], queryTimeoutMs: 15_000, deadline: Date.now() + 20_000,
    maxPages: 50, maxResponseBytes: 20_000_000, maxResources: 50_000, ...over,
  });
  const request = (prefetch?: Record<string, unknown>, over: Partial<GatherRequest> = {}): GatherRequest => ({
    context: { patientId, userId: 'Practitioner/nobody' },
    fhirServer: fhir.baseUrl,
    fhirAuthorization: { access_token: TOKEN },
    prefetch,
    ...over,
  });

  beforeAll(async () => {
    fhir = await startFhirTestServer();
    // Small records: Medplum's MemoryRepository scans every resource of a type per search.
    bundle = synthea('Brett_Gottlieb_0d2177ba-f67b-4f29-addb-91040de55388.json');
    patientId = await fhir.loadBundle(bundle);
    await fhir.loadBundle(synthea('Chet_Hoeger_5c6db3d0-c0fc-4eb7-8eae-dbc7847be741.json'));
  });
  afterAll(async () => { await fhir.close(); });
  beforeEach(() => {
    fhir.requests.length = 0;
    Object.assign(fhir.behaviour, { delayMs: 0, failWith: undefined, pageSize: undefined, requireToken: undefined });
  });

  it('fetches every key when prefetch is absent, in parallel, with the bearer token', async () => {
    const record = await gatherRecord(SERVICE, request(undefined), options());
    expect(record.keys).toEqual({
      patient: { source: 'fetched', count: 1 },
      conditions: { source: 'fetched', count: count(bundle, 'Condition') },
      observations: { source: 'fetched', count: count(bundle, 'Observation') },
      user: { source: 'fetched-null', count: 0 }, // Practitioner/nobody: 404 on a read = no data
    });
    expect(ofType(record.resources, 'Patient').map((p) => p.id)).toEqual([patientId]);
    // Only this patient's data: the other loaded patient's observations are not included.
    expect(ofType(record.resources, 'Observation')).toHaveLength(count(bundle, 'Observation'));
    expect(fhir.requests.map((r) => r.path).sort()).toEqual(['Condition', 'Observation', 'Patient/' + patientId, 'Practitioner/nobody'].sort());
    expect(fhir.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('uses what was prefetched and fetches only the missing keys (partial prefetch)', async () => {
    const patient = bundle.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource!;
    const record = await gatherRecord(SERVICE, request({ patient, conditions: { resourceType: 'Bundle', type: 'searchset', total: 0 } }), options());
    expect(record.keys.patient).toEqual({ source: 'prefetch', count: 1 });
    expect(record.keys.conditions).toEqual({ source: 'prefetch', count: 0 }); // an empty Bundle is "no data"
    expect(record.keys.observations.source).toBe('fetched');
    expect(fhir.requests.map((r) => r.path).sort()).toEqual(['Observation', 'Practitioner/nobody']);
  });

  it('treats a null prefetch value as "no data" and does not query for it', async () => {
    const record = await gatherRecord(SERVICE, request({ observations: null, user: null }), options());
    expect(record.keys.observations).toEqual({ source: 'prefetch-null', count: 0 });
    expect(record.keys.user).toEqual({ source: 'prefetch-null', count: 0 });
    expect(fhir.requests.map((r) => r.path)).not.toContain('Observation');
  });

  it('re-fetches a key the client answered with an OperationOutcome', async () => {
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    const record = await gatherRecord(SERVICE, request({ observations: oo }), options());
    expect(record.keys.observations).toEqual({ source: 'fetched', count: count(bundle, 'Observation') });
  });

  it('answers 412 for a required key given as an OperationOutcome when no FHIR server is available', async () => {
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    await expect412(gatherRecord(SERVICE, request({ patient: null, observations: oo }, { fhirServer: undefined, fhirAuthorization: undefined }), options()),
      ['observations'], /not prefetched and no fhirServer/);
  });

  it('follows next links through every page of a paged search', async () => {
    fhir.behaviour.pageSize = 15;
    const record = await gatherRecord(SERVICE, request(undefined), options());
    const n = count(bundle, 'Observation');
    expect(n).toBeGreaterThan(30);
    expect(record.keys.observations).toEqual({ source: 'fetched', count: n });
    expect(fhir.requests.filter((r) => r.path === 'Observation')).toHaveLength(Math.ceil(n / 15));
  });

  it('completes a paged prefetch Bundle from the FHIR server (client-side pagination)', async () => {
    fhir.behaviour.pageSize = 20;
    const first = await (await fetch(`${fhir.baseUrl}/Observation?patient=${patientId}`)).json() as Bundle;
    expect(first.link?.some((l) => l.relation === 'next')).toBe(true);
    fhir.requests.length = 0;
    const record = await gatherRecord(SERVICE, request({ observations: first }), options());
    expect(record.keys.observations).toEqual({ source: 'prefetch-paged', count: count(bundle, 'Observation') });
    expect(fhir.requests.filter((r) => r.path === 'Observation')).toHaveLength(Math.ceil(count(bundle, 'Observation') / 20) - 1);
  });

  it('answers 412 for a paged prefetch when no FHIR server can supply the other pages', async () => {
    fhir.behaviour.pageSize = 20;
    const first = await (await fetch(`${fhir.baseUrl}/Observation?patient=${patientId}`)).json() as Bundle;
    await expect412(gatherRecord(SERVICE, request({ patient: null, observations: first }, { fhirServer: undefined, fhirAuthorization: undefined }), options()),
      ['observations'], /paged prefetch/);
  });

  it('gives up on a slow server at the query timeout, well inside the deadline (412)', async () => {
    fhir.behaviour.delayMs = 1500;
    const t0 = Date.now();
    await expect412(gatherRecord(SERVICE, request({ conditions: null, user: null }), options({ queryTimeoutMs: 200 })),
      ['patient', 'observations'], /did not answer in time/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('never lets a query outlive the hook deadline, even with a longer query timeout', async () => {
    fhir.behaviour.delayMs = 1500;
    const t0 = Date.now();
    await expect412(gatherRecord(SERVICE, request({ conditions: null, user: null }), options({ queryTimeoutMs: 5000, deadline: Date.now() + 300 })),
      ['patient', 'observations'], /did not answer in time/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('answers 412 when the FHIR server is down', async () => {
    const down = await startFhirTestServer();
    const base = down.baseUrl;
    await down.close();
    await expect412(gatherRecord(SERVICE, request(undefined, { fhirServer: base }), options({ allowedFhirServers: [base] })),
      ['patient', 'observations'], /unreachable/);
  });

  it('answers 412 when the FHIR server returns OperationOutcomes (500, or 401 for a wrong token)', async () => {
    fhir.behaviour.failWith = { status: 500 };
    await expect412(gatherRecord(SERVICE, request(undefined), options()), ['patient', 'observations'], /error/);
    fhir.behaviour.failWith = undefined;
    fhir.behaviour.requireToken = 'another-token';
    await expect412(gatherRecord(SERVICE, request(undefined), options()), ['patient', 'observations'], /error/);
  });

  it('does not call a FHIR server the calling client is not allowed to use', async () => {
    await expect412(gatherRecord(SERVICE, request(undefined), options({ allowedFhirServers: ['https://ehr.example.org/fhir'] })),
      ['patient', 'observations'], /not allowed/);
    expect(fhir.requests).toHaveLength(0);
  });

  it('answers 412 over HTTP with an OperationOutcome naming the missing keys when there is neither prefetch nor fhirServer', async () => {
    const app = await startTestApp();
    try {
      const res = await postJson(`${app.url}/cds-services/${SERVICE.id}`, {
        hook: 'patient-view', hookInstance: '1c8e0b8e-5f3c-4d0e-9d56-2f4c9b1a7e11',
        context: { userId: 'Practitioner/example', patientId },
      });
      expect(res.status).toBe(412);
      expect(res.headers.get('content-type')).toMatch(/application\/fhir\+json/);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual(['prefetch.patient', 'prefetch.observations']);
    } finally {
      await app.close();
    }
  });
});

describe('gathering from a hostile FHIR server', () => {
  const SEARCH_ONLY = { id: 'hostile', prefetch: { observations: 'Observation?patient={{context.patientId}}' }, requiredPrefetch: ['observations'] };
  const cases: [HostileMode, RegExp, (hits: number) => void, Partial<GatherOptions>][] = [
    ['foreign-next', /not allowed/, (hits) => expect(hits).toBe(1), {}],
    ['cyclic-next', /cyclic/, (hits) => expect(hits).toBe(2), {}],
    ['endless-next', /more pages than allowed/, (hits) => expect(hits).toBe(5), { maxPages: 5 }],
    ['redirect', /error or is unreachable/, (hits) => expect(hits).toBe(1), {}],
    ['huge', /too large/, (hits) => expect(hits).toBe(1), { maxResponseBytes: 100_000 }],
    ['not-json', /invalid content/, (hits) => expect(hits).toBe(1), {}],
  ];

  it.each(cases)('refuses a %s answer with 412 and without looping', async (mode, reason, checkHits, over) => {
    const server = await startHostileFhirServer(mode);
    try {
      const t0 = Date.now();
      await expect412(gatherRecord(SEARCH_ONLY, { context: { patientId: 'p1' }, fhirServer: server.baseUrl }, {
        allowedFhirServers: [server.baseUrl], queryTimeoutMs: 2000, deadline: Date.now() + 3000,
        maxPages: 20, maxResponseBytes: 20_000_000, maxResources: 50_000, ...over,
      }), ['observations'], reason);
      expect(Date.now() - t0).toBeLessThan(2000);
      checkHits(server.hits);
    } finally {
      await server.close();
    }
  });
});
