/**
 * Issue 14, limits: each attack a hostile or careless client tried, replayed against the HTTP
 * service, with the fixed behaviour asserted (4xx with an OperationOutcome, nothing leaked, other
 * clients unaffected).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createAuthMode } from '../../services/cds-hooks/src/auth/create-auth-mode';
import { createJwtVerifier } from '../../services/cds-hooks/src/auth/jwt-verifier';
import { MemoryReplayCache } from '../../services/cds-hooks/src/auth/replay-cache';
import { loadConfig } from '../../services/cds-hooks/src/config';
import { createLogger } from '../../services/cds-hooks/src/logger';
import net from 'node:net';
import { createApp } from '../../services/cds-hooks/src/app';
import { createHttpServer } from '../../services/cds-hooks/src/http/create-server';
import { OfflineEngine, TEST_SERVICES, postJson, startTestApp, testConfig } from '../http/support/harness';

const logger = createLogger('silent');

/** A JSON text nesting `depth` levels (built as text: JSON.stringify itself overflows on it). */
function nestedJson(depth: number): string {
  return `${'{"extension":['.repeat(depth)}{"leaf":true}${']}'.repeat(depth)}`;
}

async function postText(url: string, text: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  return { status: res.status, body: await res.json() };
}

describe('security hardening: limits', () => {
  it('answers a draft order nested 10,000 deep with 400 and an OperationOutcome, not a stack overflow', async () => {
    const app = await startTestApp({ env: { MAX_JSON_DEPTH: '64' } });
    try {
      const body = (depth: number) => `{"hook":"order-sign","hookInstance":"${randomUUID()}",`
        + '"context":{"patientId":"p1","userId":"Practitioner/1","draftOrders":{"resourceType":"Bundle","type":"collection",'
        + `"entry":[{"resource":{"resourceType":"MedicationRequest","id":"m1","status":"draft","intent":"order","subject":{"reference":"Patient/p1"},"extension":[${nestedJson(depth)}]}}]}},`
        + '"prefetch":{"patient":{"resourceType":"Patient","id":"p1"}}}';
      const res = await postText(`${app.url}/cds-services/test-order-sign`, body(10_000));
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/MAX_JSON_DEPTH/);
      // A reasonable depth still passes the gate (the offline engine then answers no cards).
      const ok = await postText(`${app.url}/cds-services/test-order-sign`, body(20));
      expect(ok.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('never starts unauthenticated unless NODE_ENV asks for development explicitly (any case)', () => {
    for (const env of ['Production', 'PRODUCTION', ' production ', 'staging']) {
      expect(() => createAuthMode(loadConfig({ NODE_ENV: env, LOG_LEVEL: 'silent' }), logger, new MemoryReplayCache()))
        .toThrow(/refusing to start unauthenticated/);
    }
    // Unset counts as production.
    expect(() => createAuthMode(loadConfig({ LOG_LEVEL: 'silent' }), logger, new MemoryReplayCache())).toThrow(/unauthenticated/);
    expect(loadConfig({ NODE_ENV: 'Production' }).NODE_ENV).toBe('production');
    expect(createAuthMode(loadConfig({ NODE_ENV: 'Development', LOG_LEVEL: 'silent' }), logger, new MemoryReplayCache()).kind).toBe('development');
  });

  it('applies CORS to /cds-services only, never to /metrics, /dashboard or /admin', async () => {
    const app = await startTestApp({ env: { CORS_ORIGINS: '*' } });
    try {
      const origin = { origin: 'https://evil.example' };
      const cds = await fetch(`${app.url}/cds-services`, { headers: origin });
      expect(cds.headers.get('access-control-allow-origin')).toBe('*');
      for (const path of ['/metrics', '/dashboard', '/api/dashboard/summary', '/admin/queues']) {
        const res = await fetch(`${app.url}${path}`, { headers: origin });
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        const pre = await fetch(`${app.url}${path}`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'GET' } });
        expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      }
    } finally {
      await app.close();
    }
  });

  it('refuses a same-origin next link with an encoded ..%2F or dot segments: the token never leaves the base', async () => {
    const token = `tok-${randomUUID()}`;
    const hits: { path: string; auth?: string }[] = [];
    const fhir = express();
    let baseUrl = '';
    const nexts = ['..%2F..%2Fadmin%2Fsecrets', '%2e%2e/%2e%2e/admin/secrets', 'Observation%5C..%5Csecret'];
    let n = 0;
    fhir.use((req, res) => {
      hits.push({ path: req.originalUrl, auth: req.headers.authorization });
      if (!req.path.startsWith('/fhir/')) { res.status(404).end(); return; }
      if (req.path.startsWith('/fhir/Patient/')) { res.json({ resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1950-01-01' }); return; }
      const next = `${baseUrl}/${nexts[n++ % nexts.length]}`;
      res.json({ resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: next }], entry: [] });
    });
    const server: Server = await new Promise((r) => { const s = fhir.listen(0, '127.0.0.1', () => r(s)); });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
    const app = await startTestApp({ env: { DEV_FHIR_SERVERS: baseUrl } });
    try {
      const res = await postJson(`${app.url}/cds-services/test-patient-view`, {
        hook: 'patient-view', hookInstance: randomUUID(), fhirServer: baseUrl,
        fhirAuthorization: { access_token: token, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'prognos' },
        context: { patientId: 'p1', userId: 'Practitioner/1' },
      });
      expect([200, 412]).toContain(res.status);
      expect(hits.length).toBeGreaterThan(0);
      // Every request stayed under /fhir/ and no encoded traversal was ever requested.
      for (const h of hits) {
        expect(h.path.startsWith('/fhir/')).toBe(true);
        expect(h.path).not.toMatch(/%2f|%5c|%2e/i);
      }
    } finally {
      await app.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('hashes jti values and bounds the replay cache per issuer: one flooding issuer cannot lock out another', async () => {
    const keys = async (kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> => {
      const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
      return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' } };
    };
    const a = await keys('a'); const b = await keys('b');
    const BASE = 'https://cds.example.org';
    const replayCache = new MemoryReplayCache(Date.now, 100);
    const verifier = createJwtVerifier({
      issuers: [
        { iss: 'https://flood.example', jwks: { keys: [a.jwk as never] }, jku: [], fhirServers: [] },
        { iss: 'https://quiet.example', jwks: { keys: [b.jwk as never] }, jku: [], fhirServers: [] },
      ],
      algorithms: ['ES384'], clockSkewS: 30, maxAgeS: 3600, replayCache,
      jwks: { timeoutMs: 2000, cooldownS: 0, cacheMaxAgeS: 600 },
    });
    const app = await startTestApp({ auth: { kind: 'jwt', verifier, publicBaseUrl: BASE } });
    const sign = (k: { privateKey: CryptoKey; jwk: JWK }, iss: string, jti: string) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss, aud: `${BASE}/cds-services`, iat: now, exp: now + 300, jti })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: k.jwk.kid! }).sign(k.privateKey);
    };
    const get = async (token: string) => (await fetch(`${app.url}/cds-services`, { headers: { authorization: `Bearer ${token}` } })).status;
    try {
      const before = process.memoryUsage().heapUsed;
      // 8 KB jti values (Node's 16 KB header limit caps a jti near 12 KB), enough of them to fill the flooding issuer's share.
      for (let i = 0; i < 100; i++) expect(await get(await sign(a, 'https://flood.example', `${i}-${'j'.repeat(8_000)}`))).toBe(200);
      expect(replayCache.size('https://flood.example')).toBe(100);
      expect(await get(await sign(a, 'https://flood.example', `over-${'j'.repeat(8_000)}`))).toBe(401);
      // The other issuer is not refused.
      expect(await get(await sign(b, 'https://quiet.example', randomUUID()))).toBe(200);
      expect(replayCache.size('https://flood.example')).toBe(100);
      // 100 x 8 KB of raw jti would be 0.8 MB; digests are a few KB (allow GC noise).
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(20_000_000);
    } finally {
      await app.close();
    }
  });
});

describe('security hardening: per-client limits and server timeouts', () => {
  it('answers 429 with an OperationOutcome and Retry-After beyond a client\'s rate, without slowing another client', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES384', use: 'sig' };
    const BASE = 'https://cds.example.org';
    const verifier = createJwtVerifier({
      issuers: ['https://busy.example', 'https://calm.example'].map((iss) => ({ iss, jwks: { keys: [jwk as never] }, jku: [], fhirServers: [] })),
      algorithms: ['ES384'], clockSkewS: 30, maxAgeS: 3600, replayCache: new MemoryReplayCache(),
      jwks: { timeoutMs: 2000, cooldownS: 0, cacheMaxAgeS: 600 },
    });
    const app = await startTestApp({ auth: { kind: 'jwt', verifier, publicBaseUrl: BASE }, env: { CLIENT_RATE_PER_S: '5', CLIENT_RATE_BURST: '10' } });
    const get = async (iss: string) => {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ iss, aud: `${BASE}/cds-services`, iat: now, exp: now + 300, jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'k' }).sign(privateKey);
      return fetch(`${app.url}/cds-services`, { headers: { authorization: `Bearer ${token}` } });
    };
    try {
      const statuses: number[] = [];
      let throttled: Response | undefined;
      for (let i = 0; i < 20; i++) {
        const res = await get('https://busy.example');
        statuses.push(res.status);
        if (res.status === 429 && !throttled) throttled = res; else await res.arrayBuffer();
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
      expect(throttled!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      const body = await throttled!.json() as { resourceType: string; issue: { code: string }[] };
      expect(body.resourceType).toBe('OperationOutcome');
      expect(body.issue[0].code).toBe('throttled');
      // The other client has its own budget.
      expect((await get('https://calm.example')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers 429 beyond a client\'s concurrent requests (a slow body holds its slot)', async () => {
    const app = await startTestApp({ env: { CLIENT_MAX_CONCURRENT: '2', CLIENT_RATE_PER_S: '0' } });
    const port = Number(new URL(app.url).port);
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = net.connect(port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        s.write('POST /cds-services/test-patient-view HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
        held.push(s);
      }
      await new Promise((r) => setTimeout(r, 100));
      const res = await postJson(`${app.url}/cds-services/test-patient-view`, { hook: 'patient-view' });
      expect(res.status).toBe(429);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.headers.get('retry-after')).toBe('1');
      for (const s of held) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      // Slots are released when the held connections go away.
      expect((await postJson(`${app.url}/cds-services/test-patient-view`, { hook: 'patient-view' })).status).toBe(400);
    } finally {
      for (const s of held) s.destroy();
      await app.close();
    }
  });

  it('drops a request whose body drips slower than HTTP_REQUEST_TIMEOUT_MS (408), instead of holding it for 300 s', async () => {
    const config = testConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '500' });
    const app = createApp({ config, logger, engine: new OfflineEngine(), services: TEST_SERVICES, auth: { kind: 'development', fhirServers: [] } });
    const server = createHttpServer(app, config);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const s = net.connect(port, '127.0.0.1');
      let answer = '';
      s.on('data', (d) => { answer += d.toString(); });
      const closed = new Promise<number>((r) => s.once('close', () => r(Date.now())));
      const t0 = Date.now();
      s.write('POST /cds-services/test-patient-view HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
      const drip = setInterval(() => { if (!s.destroyed) s.write(' '); }, 100);
      const at = await closed;
      clearInterval(drip);
      expect(at - t0).toBeLessThan(4000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
