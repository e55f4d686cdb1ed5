/**
 * Real FHIR servers on loopback that misbehave on purpose (node:http, so every byte and socket is
 * under control): slow or silent, 5xx, invalid JSON, OperationOutcome instead of a Bundle, `next`
 * links that loop, never end or leave the origin, redirects, huge or dripping bodies, connections
 * cut mid-answer, broken Bundles; and a well-behaved one serving a patient record, optionally
 * failing one query. Each counts the requests and the bytes it managed to send.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resource } from '@medplum/fhirtypes';
import { evaluatePrefetch } from '../../demo/evaluate-prefetch';

export type HostileMode =
  | 'silent' | 'slow' | 'drip' | 'error-500' | 'error-503' | 'invalid-json' | 'html' | 'outcome'
  | 'cyclic-next' | 'endless-next' | 'foreign-next' | 'redirect' | 'huge-stream' | 'huge-declared'
  | 'reset' | 'broken-bundles' | 'good' | 'good-but-optional-fails';

export interface FhirServer {
  mode: HostileMode;
  baseUrl: string;
  hits: number;
  /** Body bytes written (for huge and dripping answers). */
  bytesSent: number;
  /** Authorization headers seen. */
  authorizations: string[];
  close(): Promise<void>;
}

export interface FhirServerOptions {
  /** For 'good' modes: the record served. */
  resources?: Resource[];
  /** Where 'foreign-next' and 'redirect' point. */
  foreignUrl?: string;
  /** For 'good-but-optional-fails': a substring of the query that fails with 500. */
  failingQuery?: string;
}

const FHIR_JSON = 'application/fhir+json';

function page(base: string, n: number, next: string | undefined): string {
  return JSON.stringify({
    resourceType: 'Bundle', type: 'searchset',
    link: [{ relation: 'self', url: `${base}/Observation?page=${n}` }, ...(next ? [{ relation: 'next', url: next }] : [])],
    entry: [{ resource: { resourceType: 'Observation', id: `obs-${n}`, status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p' } } }],
  });
}

export async function startFhirServer(mode: HostileMode, options: FhirServerOptions = {}): Promise<FhirServer> {
  const state = { hits: 0, bytesSent: 0, authorizations: [] as string[] };
  const held = new Set<ServerResponse>();
  let base = '';
  const foreign = options.foreignUrl ?? 'http://127.0.0.2:9/fhir/R4';

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    state.hits += 1;
    if (req.headers.authorization) state.authorizations.push(req.headers.authorization);
    const url = new URL(req.url ?? '/', 'http://x');
    const relative = `${url.pathname.replace(/^\/fhir\/R4\/?/, '')}${url.search}`;
    const n = Number(url.searchParams.get('page') ?? 1);
    const send = (status: number, body: string, type = FHIR_JSON) => {
      state.bytesSent += Buffer.byteLength(body);
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    switch (mode) {
      case 'silent': held.add(res); return; // never answers
      case 'slow': setTimeout(() => { if (!res.destroyed) send(200, page(base, 1, undefined)); }, 5000).unref(); held.add(res); return;
      case 'drip': {
        res.writeHead(200, { 'content-type': FHIR_JSON });
        const text = page(base, 1, undefined);
        let i = 0;
        const t = setInterval(() => {
          if (res.destroyed || i >= text.length) { clearInterval(t); if (!res.destroyed) res.end(); return; }
          res.write(text[i]); state.bytesSent += 1; i += 1;
        }, 100);
        t.unref();
        res.on('close', () => clearInterval(t));
        held.add(res);
        return;
      }
      case 'error-500': send(500, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] })); return;
      case 'error-503': send(503, 'Service Unavailable', 'text/plain'); return;
      case 'invalid-json': send(200, '{"resourceType":"Bundle","type":"searchset","entry":[{"resource":'); return;
      case 'html': send(200, '<html><body>Login required</body></html>', 'text/html'); return;
      case 'outcome': send(200, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-costly', diagnostics: 'search too broad' }] })); return;
      case 'cyclic-next': send(200, page(base, n, `${base}/Observation?page=${n === 1 ? 2 : 1}`)); return;
      case 'endless-next': send(200, page(base, n, `${base}/Observation?page=${n + 1}`)); return;
      case 'foreign-next': send(200, page(base, n, `${foreign}/Observation?page=${n + 1}`)); return;
      case 'redirect': res.writeHead(302, { location: `${foreign}/${relative}` }).end(); return;
      case 'huge-stream': {
        // 50 MB of valid-looking JSON per answer, streamed without a content-length.
        res.writeHead(200, { 'content-type': FHIR_JSON });
        const chunk = Buffer.from('{"resource":{"resourceType":"Basic","code":{"text":"padding padding padding padding"}}},'.repeat(12_000));
        const total = 50 * 1024 * 1024;
        let sent = 0;
        const pump = () => {
          while (!res.destroyed && sent < total) {
            sent += chunk.length;
            state.bytesSent += chunk.length;
            if (!res.write(chunk)) { res.once('drain', pump); return; }
          }
          if (!res.destroyed) res.end('{}]}');
        };
        res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
        pump();
        return;
      }
      case 'huge-declared':
        res.writeHead(200, { 'content-type': FHIR_JSON, 'content-length': String(50 * 1024 * 1024) });
        res.write('{"resourceType":"Bundle"');
        held.add(res);
        return;
      case 'reset':
        res.writeHead(200, { 'content-type': FHIR_JSON });
        res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      case 'broken-bundles':
        send(200, JSON.stringify({
          resourceType: 'Bundle', type: 'searchset',
          entry: [null, 1, 'x', {}, { resource: null }, { resource: { resourceType: 42 } }, { resource: { resourceType: 'Patient' } },
            { resource: { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] }, effectiveDateTime: 'not a date', valueQuantity: { value: 'high', unit: 'furlongs' } } }],
        }));
        return;
      case 'good':
      case 'good-but-optional-fails': {
        if (mode === 'good-but-optional-fails' && options.failingQuery && decodeURIComponent(relative).includes(options.failingQuery)) {
          send(500, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }));
          return;
        }
        const result = evaluatePrefetch(decodeURIComponent(relative), options.resources ?? [], {});
        if (result === null) { send(404, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] })); return; }
        send(200, JSON.stringify(result));
        return;
      }
    }
  };

  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir/R4`;
  return {
    mode,
    baseUrl: base,
    get hits() { return state.hits; },
    get bytesSent() { return state.bytesSent; },
    get authorizations() { return state.authorizations; },
    close: () => new Promise<void>((resolve) => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  } as FhirServer;
}
