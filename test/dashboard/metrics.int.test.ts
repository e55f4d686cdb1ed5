/**
 * /metrics counts exactly what was sent: the real app (JWT mode, a trusted issuer with an inline
 * ES384 key) and the real scorer receive a known number of hook calls, rejected tokens and feedback
 * items; every counter moves by exactly that much, and no patient identifier reaches a label.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import {
  callHook, discover, resolvePrefetch, patientViewWithPrefetch, sendFeedback, startPrognos, syntheticPatients,
  type Card, type DiscoveryEntry, type RunningPrognos,
} from './support/prognos-app';
import { parseMetrics } from '../support/prometheus-text';

const BASE = 'https://prognos.example.test';
const ISS = 'https://ehr.example.test';
const KID = 'ehr-key-1';
const SERVICE = 'ckd-progression';

/** Sum of the samples of `name` whose labels include all of `labels`. */
function total(metrics: Map<string, number>, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const [key, value] of metrics) {
    if (!key.startsWith(`${name}{`) && key !== name) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

describe('/metrics after known traffic', () => {
  let app: RunningPrognos;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let service: DiscoveryEntry;

  const token = (audPath: string, opts: { key?: CryptoKey; iatOffsetS?: number; aud?: string } = {}) => {
    const iat = Math.floor(Date.now() / 1000) + (opts.iatOffsetS ?? 0);
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: KID })
      .setIssuer(ISS)
      .setSubject('ehr-client')
      .setAudience(opts.aud ?? `${BASE}${audPath}`)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(opts.key ?? key);
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    key = pair.privateKey;
    otherKey = (await generateKeyPair('ES384')).privateKey;
    const publicJwk = await exportJWK(pair.publicKey);
    const jwk = { ...publicJwk, kty: publicJwk.kty!, kid: KID, alg: 'ES384', use: 'sig' };
    app = await startPrognos({ NODE_ENV: 'development', PUBLIC_BASE_URL: BASE }, [
      { iss: ISS, jwks: { keys: [jwk] }, jku: [], fhirServers: [] },
    ]);
    const auth = { authorization: `Bearer ${await token('/cds-services')}` };
    service = (await discover(app.url, auth)).find((s) => s.id === SERVICE)!;
  }, 60_000);

  afterAll(() => app?.close());

  it('moves every counter by exactly the traffic sent, with no patient identifier in any label', async () => {
    const before = parseMetrics(await (await fetch(`${app.url}/metrics`)).text());
    const patients = syntheticPatients(['ckd-g3b-a3-t2d', 'ckd-g4-a3', 't2d-ckd-g3a', 'healthy', 'ckd-g4-a3'], 40);
    const hookPath = `/cds-services/${SERVICE}`;

    // 5 authorised hook calls.
    const cards: Card[] = [];
    const byIndicator = new Map<string, number>();
    let suggestions = 0;
    for (const p of patients) {
      const res = await callHook(app.url, SERVICE, patientViewWithPrefetch(p.id, resolvePrefetch(service, p.id, p.resources)),
        { authorization: `Bearer ${await token(hookPath)}` });
      expect(res.status).toBe(200);
      for (const c of res.cards) {
        cards.push(c);
        byIndicator.set(c.indicator, (byIndicator.get(c.indicator) ?? 0) + 1);
        suggestions += c.suggestions?.length ?? 0;
      }
    }
    expect(cards.length).toBeGreaterThan(0);

    // Rejected tokens: 3 missing, 2 signed by an unknown key, 1 expired, 2 for another audience, 1 replayed.
    const body = patientViewWithPrefetch(patients[0]!.id, {});
    const rejected = async (authorization?: string) => {
      const res = await callHook(app.url, SERVICE, body, authorization ? { authorization } : {});
      expect(res.status).toBe(401);
    };
    for (let i = 0; i < 3; i++) await rejected();
    for (let i = 0; i < 2; i++) await rejected(`Bearer ${await token(hookPath, { key: otherKey })}`);
    await rejected(`Bearer ${await token(hookPath, { iatOffsetS: -1200 })}`);
    for (let i = 0; i < 2; i++) await rejected(`Bearer ${await token(hookPath, { aud: `${BASE}/cds-services/other` })}`);
    const once = await token(hookPath);
    const first = await callHook(app.url, SERVICE, patientViewWithPrefetch(patients[0]!.id,
      resolvePrefetch(service, patients[0]!.id, patients[0]!.resources)), { authorization: `Bearer ${once}` });
    expect(first.status).toBe(200);
    for (const c of first.cards) {
      byIndicator.set(c.indicator, (byIndicator.get(c.indicator) ?? 0) + 1);
      suggestions += c.suggestions?.length ?? 0;
    }
    await rejected(`Bearer ${once}`);

    // Feedback: 2 accepted, 1 overridden with a coded reason (cards from the first 5 calls).
    const feedbackAuth = async () => ({ authorization: `Bearer ${await token(`${hookPath}/feedback`)}` });
    const acceptable = cards.filter((c) => c.suggestions?.[0]?.uuid).slice(0, 2);
    const overridable = cards.filter((c) => c.overrideReasons?.[0] && !acceptable.includes(c)).slice(0, 1);
    expect(acceptable).toHaveLength(2);
    expect(overridable).toHaveLength(1);
    for (const c of acceptable) expect(await sendFeedback(app.url, SERVICE, c, 'accepted', await feedbackAuth())).toBe(200);
    expect(await sendFeedback(app.url, SERVICE, overridable[0]!, 'overridden', await feedbackAuth())).toBe(200);
    const reason = overridable[0]!.overrideReasons![0]!.code;

    const text = await (await fetch(`${app.url}/metrics`)).text();
    const after = parseMetrics(text);
    const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);

    expect(delta('prognos_hook_requests_total', { service: SERVICE, status: '200' })).toBe(6);
    for (const [indicator, n] of byIndicator) expect(delta('prognos_cards_total', { service: SERVICE, indicator })).toBe(n);
    expect(delta('prognos_cards_total', { service: SERVICE })).toBe([...byIndicator.values()].reduce((a, b) => a + b, 0));
    expect(delta('prognos_suggestions_total', { service: SERVICE })).toBe(suggestions);
    expect(delta('prognos_jwt_rejections_total', { reason: 'missing' })).toBe(3);
    expect(delta('prognos_jwt_rejections_total', { reason: 'signature' })).toBe(2);
    expect(delta('prognos_jwt_rejections_total', { reason: 'expired' })).toBe(1);
    expect(delta('prognos_jwt_rejections_total', { reason: 'aud' })).toBe(2);
    expect(delta('prognos_jwt_rejections_total', { reason: 'replay' })).toBe(1);
    expect(delta('prognos_jwt_rejections_total', {})).toBe(9);
    // The error log names the cause of each 401 and who is unknown (no client before the JWT is verified).
    expect(delta('prognos_http_errors_total', { service: SERVICE, status: '401', reason: 'jwt missing' })).toBe(3);
    expect(delta('prognos_http_errors_total', { service: SERVICE, status: '401', reason: 'jwt signature' })).toBe(2);
    expect(delta('prognos_http_errors_total', { service: SERVICE, status: '401', reason: 'jwt replay' })).toBe(1);
    expect(delta('prognos_client_requests_total', { issuer: 'unauthenticated', outcome: 'error' })).toBe(9);
    expect(delta('prognos_client_requests_total', { issuer: ISS, kind: 'hook', outcome: 'ok' })).toBe(6);
    expect(delta('prognos_client_feedback_total', { issuer: ISS, outcome: 'accepted' })).toBe(2);
    expect(delta('prognos_feedback_total', { service: SERVICE, outcome: 'accepted' })).toBe(2);
    expect(delta('prognos_feedback_total', { service: SERVICE, outcome: 'overridden' })).toBe(1);
    expect(delta('prognos_feedback_override_reasons_total', { service: SERVICE, reason })).toBe(1);
    expect(delta('prognos_stage_duration_seconds_count', { service: SERVICE, stage: 'total' })).toBe(6);
    for (const p of patients) expect(text).not.toContain(p.id);
  });
});
