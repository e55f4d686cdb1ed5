/**
 * A FHIR server that misbehaves on purpose, for SSRF and loop tests: its searchset pages point
 * `next` at another origin, or at themselves (a cycle). Counts what it is asked.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export type HostileMode = 'foreign-next' | 'cyclic-next' | 'endless-next' | 'redirect' | 'huge' | 'not-json';

export interface HostileFhirServer {
  baseUrl: string;
  mode: HostileMode;
  /** Foreign origin used by 'foreign-next' and 'redirect'. */
  foreignUrl: string;
  hits: number;
  close(): Promise<void>;
}

export async function startHostileFhirServer(mode: HostileMode, foreignUrl = 'http://127.0.0.2:9/fhir/R4'): Promise<HostileFhirServer> {
  const state = { hits: 0 };
  const app = express();
  let baseUrl = '';
  const page = (n: number, next: string | undefined) => ({
    resourceType: 'Bundle', type: 'searchset', total: 1000,
    link: [{ relation: 'self', url: `${baseUrl}/Observation?page=${n}` }, ...(next ? [{ relation: 'next', url: next }] : [])],
    entry: [{ resource: { resourceType: 'Observation', id: `obs-${n}`, status: 'final', code: { text: 'x' } } }],
  });
  app.use('/fhir/R4', (req, res) => {
    state.hits += 1;
    const n = Number(new URL(req.url, 'http://x').searchParams.get('page') ?? 1);
    const send = (b: unknown) => res.status(200).type('application/fhir+json').send(JSON.stringify(b));
    switch (mode) {
      case 'foreign-next': send(page(n, `${foreignUrl}/Observation?page=${n + 1}`)); return;
      case 'cyclic-next': send(page(n, `${baseUrl}/Observation?page=${n === 1 ? 2 : 1}`)); return;
      case 'endless-next': send(page(n, `${baseUrl}/Observation?page=${n + 1}`)); return;
      case 'redirect': res.redirect(302, `${foreignUrl}/Patient/x`); return;
      case 'huge': res.status(200).type('application/fhir+json').send(`{"resourceType":"Bundle","type":"searchset","entry":[${'{"resource":{"resourceType":"Basic","code":{"text":"x"}}},'.repeat(60000)}{}]}`); return;
      case 'not-json': res.status(200).type('application/fhir+json').send('<html>hello</html>'); return;
    }
  });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir/R4`;
  return {
    baseUrl, mode, foreignUrl,
    get hits() { return state.hits; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  } as HostileFhirServer;
}
