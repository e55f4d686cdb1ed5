/**
 * CDS client authentication over real HTTP: keys generated here (ES384 / RS384), a JWKS served on
 * loopback, and the CDS Hooks 2.0 spec's own example JWT (valid signature, long expired).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import {
  createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK,
} from 'jose';
import { createJwtVerifier } from '../../services/cds-hooks/src/auth/jwt-verifier';
import { createAuthMode } from '../../services/cds-hooks/src/auth/create-auth-mode';
import { MemoryReplayCache } from '../../services/cds-hooks/src/auth/replay-cache';
import type { IssuerConfig } from '../../services/cds-hooks/src/auth/issuers';
import { createLogger } from '../../services/cds-hooks/src/logger';
import { jwtRejections } from '../../services/cds-hooks/src/metrics';
import { postJson, specFixture, startTestApp, testConfig, type Running } from './support/harness';

const specJwt = specFixture<{ token: string; header: Record<string, string>; payload: { iss: string; aud: string; iat: number }; jwks: unknown }>('jwt-example.json');

const BASE = 'https://cds.example.org';
const ISS = 'https://ehr.example.test';
const INLINE_ISS = 'https://inline-ehr.example.test';

async function rejectionCount(reason: string): Promise<number> {
  const m = await jwtRejections.get();
  return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

interface Keys { privateKey: CryptoKey; jwk: JWK }
async function keyPair(alg: 'ES384' | 'RS384', kid: string): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

describe('CDS client JWT authentication', () => {
  let es: Keys; let rs: Keys; let rotated: Keys; let stranger: Keys;
  let jwksServer: Server; let jwksBase = '';
  const published: { keys: JWK[] } = { keys: [] };
  let app: Running;

  const sign = async (o: {
    key?: Keys; alg?: string; kid?: string | null; typ?: string; jku?: string; iss?: string; aud?: string | string[];
    iat?: number; exp?: number; jti?: string | null; tenant?: string;
  } = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const key = o.key ?? es;
    const header: Record<string, unknown> = { alg: o.alg ?? (key === rs ? 'RS384' : 'ES384'), typ: o.typ ?? 'JWT' };
    if (o.kid !== null) header.kid = o.kid ?? key.jwk.kid;
    if (o.jku) header.jku = o.jku;
    const payload: Record<string, unknown> = { iss: o.iss ?? ISS, aud: o.aud ?? `${BASE}/cds-services`, iat: o.iat ?? now, exp: o.exp ?? now + 300 };
    if (o.jti !== null) payload.jti = o.jti ?? randomUUID();
    if (o.tenant) payload.tenant = o.tenant;
    return new SignJWT(payload).setProtectedHeader(header as never).sign(key.privateKey);
  };
  const discovery = (token?: string) => fetch(`${app.url}/cds-services`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    [es, rs, rotated, stranger] = await Promise.all([
      keyPair('ES384', 'es-1'), keyPair('RS384', 'rs-1'), keyPair('ES384', 'es-2'), keyPair('ES384', 'es-1'),
    ]);
    published.keys = [es.jwk];
    const j = express();
    j.get('/jwks.json', (_req, res) => { res.json(published); });
    j.get('/jku.json', (_req, res) => { res.json({ keys: [rs.jwk] }); });
    jwksServer = await new Promise((resolve) => { const s = j.listen(0, '127.0.0.1', () => resolve(s)); });
    jwksBase = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    const issuers: IssuerConfig[] = [
      { iss: ISS, jwks_uri: `${jwksBase}/jwks.json`, jku: [`${jwksBase}/jku.json`], fhirServers: [] },
      { iss: INLINE_ISS, jwks: { keys: [rs.jwk as never] }, jku: [], fhirServers: [], tenant: 'tenant-a' },
    ];
    const verifier = createJwtVerifier({
      issuers, algorithms: ['ES384', 'RS384'], clockSkewS: 30, maxAgeS: 3600, replayCache: new MemoryReplayCache(),
      jwks: { timeoutMs: 2000, cooldownS: 0, cacheMaxAgeS: 600 },
    });
    app = await startTestApp({ auth: { kind: 'jwt', verifier, publicBaseUrl: BASE } });
  });
  afterAll(async () => {
    await app.close();
    await new Promise<void>((r) => { jwksServer.closeAllConnections(); jwksServer.close(() => r()); });
  });

  it('accepts an ES384 token from the jwks_uri and answers discovery', async () => {
    const res = await discovery(await sign());
    expect(res.status).toBe(200);
    expect(((await res.json()) as { services: unknown[] }).services.length).toBeGreaterThan(0);
  });

  it('accepts an RS384 token signed with a key named by an allowlisted jku', async () => {
    const res = await discovery(await sign({ key: rs, jku: `${jwksBase}/jku.json` }));
    expect(res.status).toBe(200);
  });

  it('accepts an inline-JWKS issuer with its tenant and an array audience', async () => {
    const res = await discovery(await sign({ key: rs, iss: INLINE_ISS, tenant: 'tenant-a', aud: [`${BASE}/cds-services`] }));
    expect(res.status).toBe(200);
  });

  it('checks aud against the exact endpoint: a hook call passes auth only with the hook URL as aud', async () => {
    const url = `${app.url}/cds-services/test-patient-view`;
    const ok = await postJson(url, {}, { authorization: `Bearer ${await sign({ aud: `${BASE}/cds-services/test-patient-view` })}` });
    expect(ok.status).toBe(400); // authenticated, then the empty body fails validation
    const wrong = await postJson(url, {}, { authorization: `Bearer ${await sign({ aud: `${BASE}/cds-services` })}` });
    expect(wrong.status).toBe(401);
  });

  it('accepts feedback with the feedback endpoint as aud (authenticated; a card never issued is then 404)', async () => {
    const res = await postJson(`${app.url}/cds-services/test-patient-view/feedback`,
      { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: '2024-01-01T00:00:00Z' }] },
      { authorization: `Bearer ${await sign({ aud: `${BASE}/cds-services/test-patient-view/feedback` })}` });
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('fetches the JWKS again when a token names a new kid (key rotation)', async () => {
    published.keys = [es.jwk, rotated.jwk];
    const res = await discovery(await sign({ key: rotated }));
    expect(res.status).toBe(200);
  });

  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const rejections: [string, string, () => Promise<string | undefined>][] = [
    ['no Authorization header', 'missing', async () => undefined],
    ['a token that is not a JWT', 'malformed', async () => 'abc.def.ghi'],
    ['wrong aud', 'aud', () => sign({ aud: 'https://other.example.org/cds-services' })],
    ['an expired token', 'expired', () => sign({ iat: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 600 })],
    ['iat in the future', 'iat', () => sign({ iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 900 })],
    ['a lifetime above JWT_MAX_AGE_S', 'lifetime', () => sign({ exp: Math.floor(Date.now() / 1000) + 7200 })],
    ['alg none', 'alg', async () => `${b64({ alg: 'none', typ: 'JWT', kid: 'es-1' })}.${b64({ iss: ISS, aud: `${BASE}/cds-services`, iat: 1, exp: 9999999999, jti: 'x' })}.`],
    ['HS256', 'alg', async () => new SignJWT({ iss: ISS, aud: `${BASE}/cds-services`, jti: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'es-1' }).setIssuedAt().setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'))],
    ['an unknown kid', 'kid', () => sign({ key: stranger, kid: 'unknown-kid' })],
    ['a signature from another key with a known kid', 'signature', () => sign({ key: stranger })],
    ['a jku that is not allowlisted', 'jku', () => sign({ key: rs, jku: `${jwksBase}/evil.json` })],
    ['an unknown iss', 'iss', () => sign({ iss: 'https://attacker.example' })],
    ['no kid', 'kid', () => sign({ kid: null })],
    ['typ other than JWT', 'typ', () => sign({ typ: 'at+jwt' })],
    ['no jti', 'claims', () => sign({ jti: null })],
    ['a tenant outside the issuer allowlist', 'tenant', () => sign({ key: rs, iss: INLINE_ISS, tenant: 'tenant-b' })],
  ];

  it.each(rejections)('answers 401 without detail for %s', async (_name, reason, make) => {
    const before = await rejectionCount(reason);
    const res = await discovery(await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(await res.json()).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'Unauthorized' }] });
    expect(await rejectionCount(reason)).toBe(before + 1);
  });

  it('rejects a replayed jti', async () => {
    const token = await sign();
    expect((await discovery(token)).status).toBe(200);
    const before = await rejectionCount('replay');
    expect((await discovery(token)).status).toBe(401);
    expect(await rejectionCount('replay')).toBe(before + 1);
  });

  it('lets health checks through without a token', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('the CDS Hooks 2.0 specification JWT example', () => {
  const issuers: IssuerConfig[] = [{
    iss: specJwt.payload.iss, jwks: specJwt.jwks as never, jku: [specJwt.header.jku], fhirServers: [],
  }];

  it('verifies against its published public key when the clock is pinned inside its validity', async () => {
    const { payload, protectedHeader } = await jwtVerify(specJwt.token, createLocalJWKSet(specJwt.jwks as never), {
      algorithms: ['ES384'],
      issuer: specJwt.payload.iss,
      audience: specJwt.payload.aud,
      currentDate: new Date((specJwt.payload.iat + 60) * 1000),
    });
    expect(protectedHeader).toEqual(specJwt.header);
    expect(payload).toEqual(specJwt.payload);
  });

  it('gets 401 from the service because it expired in 2015 (signature accepted, exp refused)', async () => {
    const verifier = createJwtVerifier({
      issuers, algorithms: ['ES384', 'RS384'], clockSkewS: 60, maxAgeS: 3600, replayCache: new MemoryReplayCache(),
      jwks: { timeoutMs: 500, cooldownS: 30, cacheMaxAgeS: 600 },
    });
    const app = await startTestApp({ auth: { kind: 'jwt', verifier, publicBaseUrl: 'https://cds.example.org' } });
    try {
      const before = await rejectionCount('expired');
      const res = await postJson(`${app.url}/cds-services/some-service`, {}, { authorization: `Bearer ${specJwt.token}` });
      expect(res.status).toBe(401);
      expect(res.body.resourceType).toBe('OperationOutcome');
      // 'expired' is only reached after the signature verified (jose checks claims after the signature).
      expect(await rejectionCount('expired')).toBe(before + 1);
    } finally {
      await app.close();
    }
  });
});

describe('authentication mode selection', () => {
  const logger = createLogger('silent');
  it('refuses to start without issuers when NODE_ENV=production', () => {
    expect(() => createAuthMode(testConfig({ NODE_ENV: 'production' }), logger, new MemoryReplayCache()))
      .toThrow(/refusing to start/);
  });
  it('starts in development mode without issuers otherwise', () => {
    expect(createAuthMode(testConfig({ DEV_FHIR_SERVERS: 'http://127.0.0.1:1/fhir' }), logger, new MemoryReplayCache()))
      .toEqual({ kind: 'development', fhirServers: ['http://127.0.0.1:1/fhir'] });
  });
  it('refuses HMAC or none in JWT_ALGORITHMS', () => {
    expect(() => createJwtVerifier({
      issuers: [], algorithms: ['ES384', 'HS256'], clockSkewS: 0, maxAgeS: 60, replayCache: new MemoryReplayCache(),
      jwks: { timeoutMs: 1, cooldownS: 1, cacheMaxAgeS: 1 },
    })).toThrow(/asymmetric/);
  });
});
