/**
 * A table of bad inputs, each with its expected status and OperationOutcome. Development-mode app
 * (no JWT) so each row isolates one fault; 401 rows are in jwt-auth.int.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, type Running } from './support/harness';

const HI = '0c6f9a0e-2d3b-4f7e-9a51-6b8f1d2c3e4f';
const pv = (context: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ hook: 'patient-view', hookInstance: HI, context, prefetch: { patient: null, observations: null, conditions: null, user: null }, ...extra });
const OK_CTX = { userId: 'Practitioner/example', patientId: '1288992' };
const draft = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'm1', status: 'draft', intent: 'order' } }] };

interface Row {
  name: string;
  method?: string;
  path: string;
  body?: string | Buffer;
  contentType?: string | null;
  status: number;
  code: string;
  /** Expected expression of the first issue, when there is one. */
  expression?: string;
}

const rows: Row[] = [
  { name: 'malformed JSON', path: '/cds-services/test-patient-view', body: '{"hook": "patient-view",', status: 400, code: 'invalid' },
  { name: 'a JSON array body', path: '/cds-services/test-patient-view', body: '[1,2]', status: 400, code: 'invalid' },
  { name: 'a JSON string body', path: '/cds-services/test-patient-view', body: '"x"', status: 400, code: 'invalid' },
  { name: 'an empty object', path: '/cds-services/test-patient-view', body: '{}', status: 400, code: 'required', expression: 'hook' },
  { name: 'text/plain content type', path: '/cds-services/test-patient-view', body: pv(OK_CTX), contentType: 'text/plain', status: 415, code: 'not-supported' },
  { name: 'form-encoded content type', path: '/cds-services/test-patient-view', body: 'a=b', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'not-supported' },
  { name: 'no content type', path: '/cds-services/test-patient-view', body: pv(OK_CTX), contentType: null, status: 415, code: 'not-supported' },
  { name: 'a body over BODY_LIMIT', path: '/cds-services/test-patient-view', body: JSON.stringify({ pad: 'x'.repeat(40_000) }), status: 413, code: 'too-costly' },
  { name: 'an unknown service', path: '/cds-services/no-such-service', body: pv(OK_CTX), status: 404, code: 'not-found' },
  { name: 'feedback for an unknown service', path: '/cds-services/no-such-service/feedback', body: '{"feedback":[]}', status: 404, code: 'not-found' },
  { name: 'an unknown route', method: 'GET', path: '/nothing-here', status: 404, code: 'not-found' },
  { name: 'GET on a hook endpoint', method: 'GET', path: '/cds-services/test-patient-view', status: 405, code: 'not-supported' },
  { name: 'the wrong hook for the service', path: '/cds-services/test-patient-view', body: JSON.stringify({ hook: 'order-sign', hookInstance: HI, context: OK_CTX }), status: 400, code: 'invalid', expression: 'hook' },
  { name: 'a hookInstance that is not a UUID', path: '/cds-services/test-patient-view', body: pv(OK_CTX, { hookInstance: '12345' }), status: 400, code: 'invalid', expression: 'hookInstance' },
  { name: 'fhirAuthorization without fhirServer (cds-r-1)', path: '/cds-services/test-patient-view', body: pv(OK_CTX, { fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' } }), status: 400, code: 'invalid', expression: 'fhirServer' },
  { name: 'fhirAuthorization with a token_type other than Bearer', path: '/cds-services/test-patient-view', body: pv(OK_CTX, { fhirServer: 'https://ehr.example.org/fhir', fhirAuthorization: { access_token: 't', token_type: 'MAC', expires_in: 300, scope: 's', subject: 'c' } }), status: 400, code: 'invalid', expression: 'fhirAuthorization.token_type' },
  { name: 'a fhirServer that is not an http(s) URL', path: '/cds-services/test-patient-view', body: pv(OK_CTX, { fhirServer: 'file:///etc/passwd' }), status: 400, code: 'invalid', expression: 'fhirServer' },
  { name: 'no context', path: '/cds-services/test-patient-view', body: JSON.stringify({ hook: 'patient-view', hookInstance: HI }), status: 400, code: 'required', expression: 'context' },
  { name: 'no patientId', path: '/cds-services/test-patient-view', body: pv({ userId: 'Practitioner/example' }), status: 400, code: 'required', expression: 'context.patientId' },
  { name: 'a patientId that is not a FHIR id', path: '/cds-services/test-patient-view', body: pv({ ...OK_CTX, patientId: '../../x' }), status: 400, code: 'invalid', expression: 'context.patientId' },
  { name: 'a userId without a resource type', path: '/cds-services/test-patient-view', body: pv({ ...OK_CTX, userId: 'example' }), status: 400, code: 'invalid', expression: 'context.userId' },
  { name: 'a userId of a type that cannot be a user', path: '/cds-services/test-patient-view', body: pv({ ...OK_CTX, userId: 'Organization/1' }), status: 400, code: 'invalid', expression: 'context.userId' },
  { name: 'a prefetch value that is not a resource', path: '/cds-services/test-patient-view', body: pv(OK_CTX, { prefetch: { patient: 'Patient/1' } }), status: 400, code: 'invalid', expression: 'prefetch.patient' },
  { name: 'order-sign without draftOrders', path: '/cds-services/test-order-sign', body: JSON.stringify({ hook: 'order-sign', hookInstance: HI, context: OK_CTX }), status: 400, code: 'required', expression: 'context.draftOrders' },
  { name: 'order-sign with draftOrders that is not a Bundle', path: '/cds-services/test-order-sign', body: JSON.stringify({ hook: 'order-sign', hookInstance: HI, context: { ...OK_CTX, draftOrders: [] } }), status: 400, code: 'invalid', expression: 'context.draftOrders' },
  { name: 'order-select without selections', path: '/cds-services/test-order-select', body: JSON.stringify({ hook: 'order-select', hookInstance: HI, context: { ...OK_CTX, draftOrders: draft } }), status: 400, code: 'required', expression: 'context.selections' },
  { name: 'order-select with a selection absent from draftOrders', path: '/cds-services/test-order-select', body: JSON.stringify({ hook: 'order-select', hookInstance: HI, context: { ...OK_CTX, draftOrders: draft, selections: ['MedicationRequest/other'] } }), status: 400, code: 'invalid', expression: 'context.selections[0]' },
  { name: 'encounter-start without encounterId', path: '/cds-services/test-encounter-start', body: JSON.stringify({ hook: 'encounter-start', hookInstance: HI, context: OK_CTX }), status: 400, code: 'required', expression: 'context.encounterId' },
  { name: 'a required key missing with no fhirServer', path: '/cds-services/test-patient-view', body: JSON.stringify({ hook: 'patient-view', hookInstance: HI, context: OK_CTX, prefetch: { patient: null } }), status: 412, code: 'incomplete', expression: 'prefetch.observations' },
  { name: 'a fhirServer this client may not call', path: '/cds-services/test-patient-view', body: JSON.stringify({ hook: 'patient-view', hookInstance: HI, fhirServer: 'http://169.254.169.254/latest', context: OK_CTX }), status: 412, code: 'incomplete', expression: 'prefetch.patient' },
  { name: 'feedback without a feedback array', path: '/cds-services/test-patient-view/feedback', body: '{}', status: 400, code: 'required', expression: 'feedback' },
  { name: 'accepted feedback without acceptedSuggestions', path: '/cds-services/test-patient-view/feedback', body: JSON.stringify({ feedback: [{ card: randomUUID(), outcome: 'accepted', outcomeTimestamp: '2024-01-01T00:00:00Z' }] }), status: 400, code: 'invalid', expression: 'feedback[0].acceptedSuggestions' },
  { name: 'feedback with an unknown outcome', path: '/cds-services/test-patient-view/feedback', body: JSON.stringify({ feedback: [{ card: randomUUID(), outcome: 'ignored', outcomeTimestamp: '2024-01-01T00:00:00Z' }] }), status: 400, code: 'invalid', expression: 'feedback[0].outcome' },
  { name: 'feedback with a timestamp that is not RFC 3339', path: '/cds-services/test-patient-view/feedback', body: JSON.stringify({ feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '11/12/2021' }] }), status: 400, code: 'invalid', expression: 'feedback[0].outcomeTimestamp' },
];

describe('bad inputs get a clear status and an OperationOutcome', () => {
  let app: Running;
  beforeAll(async () => { app = await startTestApp({ env: { BODY_LIMIT: '32kb' } }); });
  afterAll(async () => { await app.close(); });

  it.each(rows)('$name → $status', async (row) => {
    const headers: Record<string, string> = {};
    if (row.contentType !== null) headers['content-type'] = row.contentType ?? 'application/json';
    const res = await fetch(`${app.url}${row.path}`, { method: row.method ?? 'POST', headers, body: row.body });
    expect(res.status).toBe(row.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const body = await res.json() as { resourceType: string; issue: { code: string; diagnostics: string; expression?: string[] }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue.length).toBeGreaterThan(0);
    expect(body.issue[0].code).toBe(row.code);
    expect(body.issue[0].diagnostics).toBeTruthy();
    if (row.expression) expect(body.issue.flatMap((i) => i.expression ?? [])).toContain(row.expression);
    // No internals leak (stack traces, file paths).
    expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|\/src\/|node_modules/);
  });

  it('sends helmet security headers and no x-powered-by', async () => {
    const res = await fetch(`${app.url}/cds-services`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('CORS for browser CDS clients', () => {
  let app: Running;
  beforeAll(async () => { app = await startTestApp({ env: { CORS_ORIGINS: 'https://ehr.example.org' } }); });
  afterAll(async () => { await app.close(); });

  it('answers a preflight from an allowed origin with Authorization and Content-Type allowed', async () => {
    const res = await fetch(`${app.url}/cds-services/test-patient-view`, { method: 'OPTIONS', headers: {
      origin: 'https://ehr.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type',
    } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ehr.example.org');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('does not allow another origin', async () => {
    const res = await fetch(`${app.url}/cds-services`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
