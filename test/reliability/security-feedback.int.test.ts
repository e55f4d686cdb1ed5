/**
 * Issue 14, feedback: the attacks a trusted-but-hostile client tried on the feedback endpoint,
 * replayed through the HTTP service with two authenticated clients (real JWTs), and the fixed
 * behaviour asserted: bounded labels and memory, bounded fields, ownership, one outcome per card,
 * per-client card registry bounds.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { ScoringEngine, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { createJwtVerifier } from '../../services/cds-hooks/src/auth/jwt-verifier';
import { MemoryReplayCache } from '../../services/cds-hooks/src/auth/replay-cache';
import { MemoryCardRegistry } from '../../services/cds-hooks/src/feedback/card-registry';
import { MemoryFeedbackStore } from '../../services/cds-hooks/src/feedback/memory-feedback-store';
import { feedbackOverrideReasons } from '../../services/cds-hooks/src/metrics';
import { postJson, startTestApp, type Running } from '../http/support/harness';

const BASE = 'https://cds.example.org';
const REASONS = 'https://prognos.example/override-reason';
const OFFERED = ['not-indicated', 'patient-declined'];
const SERVICE = 'test-patient-view';

/** Answers every call with `cardsPerCall` cards offering two coded override reasons. */
class ManyCardsEngine implements ScoringEngine {
  readonly mode = 'embedded' as const;
  constructor(private readonly cardsPerCall: number) {}
  async score(input: ScoringInput): Promise<ScoringOutput> {
    return {
      correlationId: input.correlationId, serviceId: input.serviceId, predictions: [], executionProvider: 'none', inferenceMs: 1,
      cards: Array.from({ length: this.cardsPerCall }, (_, i) => ({
        uuid: randomUUID(), kind: `test.rule-${i % 3}`, summary: `Card ${i}`, indicator: 'info' as const, source: { label: 'Test' },
        overrideReasons: OFFERED.map((code) => ({ system: REASONS, code, display: code })),
      })),
    };
  }
  async readiness() { return { ready: true, checks: {} }; }
  async close(): Promise<void> { /* nothing held */ }
}

interface Client { iss: string; key: { privateKey: CryptoKey; jwk: JWK } }

describe('security hardening: feedback', () => {
  let app: Running;
  const store = new MemoryFeedbackStore({ max: 100_000 });
  const registry = new MemoryCardRegistry(3600, 100_000, Date.now, 500);
  let a: Client; let b: Client;

  const token = async (c: Client, path: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: c.iss, aud: `${BASE}${path}`, iat: now, exp: now + 300, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: c.key.jwk.kid! }).sign(c.key.privateKey);
  };
  const hook = async (c: Client): Promise<string[]> => {
    const path = `/cds-services/${SERVICE}`;
    const res = await postJson(`${app.url}${path}`, {
      hook: 'patient-view', hookInstance: randomUUID(), context: { patientId: 'p1', userId: 'Practitioner/1' },
      prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, observations: { resourceType: 'Bundle', type: 'searchset', entry: [] } },
    }, { authorization: `Bearer ${await token(c, path)}` });
    expect(res.status).toBe(200);
    return res.body.cards.map((card: { uuid: string }) => card.uuid);
  };
  const feedback = async (c: Client, items: unknown[] | string) => {
    const path = `/cds-services/${SERVICE}/feedback`;
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(c, path)}` },
      body: typeof items === 'string' ? items : JSON.stringify({ feedback: items }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const overridden = (card: string, code: string) => ({
    card, outcome: 'overridden', overrideReason: { reason: { system: REASONS, code } }, outcomeTimestamp: new Date().toISOString(),
  });

  beforeAll(async () => {
    const client = async (iss: string, kid: string): Promise<Client> => {
      const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
      return { iss, key: { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' } } };
    };
    a = await client('https://ehr-a.example', 'a');
    b = await client('https://ehr-b.example', 'b');
    const verifier = createJwtVerifier({
      issuers: [a, b].map((c) => ({ iss: c.iss, jwks: { keys: [c.key.jwk as never] }, jku: [], fhirServers: [] })),
      algorithms: ['ES384'], clockSkewS: 30, maxAgeS: 3600, replayCache: new MemoryReplayCache(),
      jwks: { timeoutMs: 2000, cooldownS: 0, cacheMaxAgeS: 600 },
    });
    app = await startTestApp({
      auth: { kind: 'jwt', verifier, publicBaseUrl: BASE }, engine: new ManyCardsEngine(50), cardRegistry: registry, feedbackStore: store,
      env: { BODY_LIMIT: '10mb' },
    });
  });
  afterAll(() => app.close());

  it('keeps override-reason metric labels to the reasons our cards offer plus `other`, whatever codes arrive', async () => {
    const cards: string[] = [];
    for (let i = 0; i < 10; i++) cards.push(...await hook(a));
    // 500 cards, each overridden with a fresh random reason code (the attack sent 300,000).
    for (let i = 0; i < cards.length; i += 100) {
      const res = await feedback(a, cards.slice(i, i + 100).map((card) => overridden(card, `attack-${randomUUID()}`)));
      expect(res.status).toBe(200);
    }
    const ok = await feedback(a, [overridden(cards[0]!, 'not-indicated')]);
    expect(ok.status).toBe(200);
    const labels = new Set((await feedbackOverrideReasons.get()).values.filter((v) => v.labels.service === SERVICE).map((v) => String(v.labels.reason)));
    expect([...labels].every((l) => [...OFFERED, 'other'].includes(l))).toBe(true);
    expect(labels.has('other')).toBe(true);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).not.toMatch(/attack-/);
    expect(metrics.length).toBeLessThan(200_000);
    const s = await store.summary();
    expect(Object.keys(s.byService[SERVICE]!.overrideReasons).sort()).toEqual([`${REASONS}|not-indicated`, 'urn:prognos:override-reason|other']);
  });

  it('refuses oversized fields and arrays with 400 and an OperationOutcome, and stores none of them', async () => {
    const [card] = await hook(a);
    const before = (await store.summary()).total;
    const cases: unknown[][] = [
      [{ card: 'x'.repeat(4_800_000), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }],
      [{ card: 'not-a-uuid', outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }],
      [{ ...overridden(card!, 'c'), overrideReason: { reason: { system: REASONS, code: 'c'.repeat(10_000) } } }],
      [{ ...overridden(card!, 'c'), overrideReason: { reason: { system: REASONS, code: 'c' }, userComment: 'x'.repeat(100_000) } }],
      [{ card, outcome: 'accepted', acceptedSuggestions: Array.from({ length: 1000 }, () => ({ id: randomUUID() })), outcomeTimestamp: new Date().toISOString() }],
      Array.from({ length: 101 }, () => overridden(card!, 'not-indicated')),
    ];
    for (const items of cases) {
      const res = await feedback(a, items);
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
    expect((await store.summary()).total).toBe(before);
  });

  it('accepts feedback only from the client the card was issued to; unknown cards are 404 and not counted', async () => {
    const [cardA] = await hook(a);
    const before = (await store.summary()).total;
    const foreign = await feedback(b, [overridden(cardA!, 'not-indicated')]);
    expect(foreign.status).toBe(404);
    expect(foreign.body.resourceType).toBe('OperationOutcome');
    expect(foreign.body.issue[0].expression).toEqual(['feedback[0].card']);
    const never = await feedback(a, [overridden(randomUUID(), 'not-indicated')]);
    expect(never.status).toBe(404);
    // A request mixing a good and an unknown card records nothing.
    const mixed = await feedback(a, [overridden(cardA!, 'not-indicated'), overridden(randomUUID(), 'not-indicated')]);
    expect(mixed.status).toBe(404);
    expect(mixed.body.issue[0].expression).toEqual(['feedback[1].card']);
    expect((await store.summary()).total).toBe(before);
    expect(store.list().some((r) => r.cardUuid === cardA)).toBe(false);
  });

  it('counts one outcome per card: a later outcome replaces an earlier one', async () => {
    const [card] = await hook(a);
    const before = await store.summary();
    for (let i = 0; i < 5; i++) expect((await feedback(a, [overridden(card!, 'not-indicated')])).status).toBe(200);
    const accepted = { card, outcome: 'accepted', acceptedSuggestions: [{ id: randomUUID() }], outcomeTimestamp: new Date().toISOString() };
    expect((await feedback(a, [accepted])).status).toBe(200);
    const after = await store.summary();
    expect(after.total - before.total).toBe(1);
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.overridden - before.overridden).toBe(0);
    const stored = store.list().filter((r) => r.cardUuid === card);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ outcome: 'accepted', issuer: a.iss });
  });

  it('bounds the card registry per client: a client sending large batches never evicts another client\'s cards', async () => {
    const [cardB] = await hook(b);
    // Client A: 20 calls x 50 cards = 1000 cards, twice its per-client bound (500).
    const first = (await hook(a))[0]!;
    for (let i = 0; i < 19; i++) await hook(a);
    expect(registry.sizeOf({ iss: a.iss })).toBe(500);
    expect((await feedback(a, [overridden(first, 'not-indicated')])).status).toBe(404);
    expect((await feedback(b, [overridden(cardB!, 'not-indicated')])).status).toBe(200);
  });
});
