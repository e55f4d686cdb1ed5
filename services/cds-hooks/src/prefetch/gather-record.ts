/**
 * Gathers the patient record a service needs: prefetch first, the client's FHIR server for what is
 * missing (CDS Hooks 2.0 §Prefetch). Per key it tells apart:
 * - absent key            → fetch it;
 * - `null`                → no data (the client ran the query and found nothing); not fetched;
 * - an OperationOutcome   → the client's query failed; fetch it if a server is available;
 * - a Bundle with `next`  → a paged result; the remaining pages are fetched (same origin only);
 * - anything else         → used as given (an empty Bundle is "no data").
 * Queries run in parallel, each bounded by FHIR_QUERY_TIMEOUT_MS and the hook deadline. When a
 * required key cannot be had, the call fails with 412 and an OperationOutcome naming the keys.
 */
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { CdsServiceDescriptor } from '@prognos/contracts';
import { OperationOutcomeError } from '@prognos/contracts';
import { fhirQueries, fhirQueryNotNeeded, medicationReferenceFetches, stageDuration, strayResources } from '../metrics';
import { checkRecordPatient, type KeyResources } from './check-record-patient';
import { fhirGet, FhirQueryError, type FhirQueryFailure } from './fhir-client';
import { hasUnsafePath, isAllowedFhirServer, isUnderBase, normaliseBase, resolveUnderBase } from './fhir-server-policy';
import { MEDICATION_FETCH_CONCURRENCY, unresolvedMedicationReferences } from './referenced-medications';
import { renderTemplate, TemplateError } from './render-template';

/** How one prefetch key was satisfied. */
export type KeySource =
  | 'prefetch'        // supplied by the client, complete
  | 'prefetch-null'   // supplied as null: no data
  | 'prefetch-paged'  // supplied first page + fetched the rest
  | 'fetched'         // fetched from fhirServer
  | 'fetched-null'    // fetched: 404/410 on a read, i.e. no data
  | 'failed';         // could not be had

export interface KeyReport {
  source: KeySource;
  /** Resources contributed. */
  count: number;
  /** Why it failed: 'missing', 'outcome', 'paged', 'template', 'refused', 'timeout', ... (no data). */
  reason?: string;
}

export interface GatheredRecord {
  /** Every resource from every key, flattened out of Bundles, de-duplicated by type and id. */
  resources: Resource[];
  keys: Record<string, KeyReport>;
  /** Resources dropped because they belong to another patient, by resource type (issue 11). */
  strays?: Record<string, number>;
}

/** The parts of a validated hook request that gathering reads. */
export interface GatherRequest {
  context: Record<string, unknown>;
  prefetch?: Record<string, unknown>;
  fhirServer?: string;
  fhirAuthorization?: { access_token: string };
}

export interface GatherOptions {
  /** FHIR server base URLs the calling client allows (issuer config / DEV_FHIR_SERVERS). */
  allowedFhirServers: readonly string[];
  /** Per-key budget, ms (all pages of one key together). */
  queryTimeoutMs: number;
  /** Epoch ms by which everything must be done (the hook deadline). */
  deadline: number;
  maxPages: number;
  maxResponseBytes: number;
  maxResources: number;
}

class KeyFailure extends Error {
  constructor(readonly reason: string) { super(reason); }
}

export async function gatherRecord(
  descriptor: Pick<CdsServiceDescriptor, 'id' | 'prefetch' | 'requiredPrefetch'>,
  request: GatherRequest,
  options: GatherOptions,
): Promise<GatheredRecord> {
  const start = performance.now();
  const base = request.fhirServer && isAllowedFhirServer(request.fhirServer, options.allowedFhirServers)
    ? normaliseBase(request.fhirServer) : null;
  const serverRefused = Boolean(request.fhirServer) && !base;
  // A server that is not allowed counts as a refused query only when a query was needed: the CDS
  // Hooks sandbox (and many EHRs) always send fhirServer, even with a complete prefetch.
  let queryNeeded = false;
  const refuseQuery = (): void => { queryNeeded = true; fhirQueries.inc({ outcome: 'refused' }); };
  const token = request.fhirAuthorization?.access_token;
  /** Bundle fullUrl -> Patient id, so `urn:uuid:` subject references can be checked against the context patient. */
  const patientUrls = new Map<string, string>();

  const get = async (url: URL, signal: AbortSignal): Promise<Resource | null> => {
    const t0 = performance.now();
    try {
      const r = await fhirGet(url, { accessToken: token, signal, maxBytes: options.maxResponseBytes, deadline: options.deadline });
      fhirQueries.inc({ outcome: 'ok' });
      return r;
    } catch (e) {
      const outcome: FhirQueryFailure = e instanceof FhirQueryError ? e.outcome : 'http_error';
      fhirQueries.inc({ outcome });
      throw new KeyFailure(outcome);
    } finally {
      stageDuration.observe({ service: descriptor.id, stage: 'fhir_query' }, (performance.now() - t0) / 1000);
    }
  };

  /** Follows `next` links from `first`: same origin and base path only, no cycles, page cap. */
  const collectPages = async (first: Bundle, firstUrl: string | undefined, signal: () => AbortSignal): Promise<Resource[]> => {
    const visited = new Set<string>();
    const self = firstUrl ?? first.link?.find((l) => l.relation === 'self')?.url;
    if (self) visited.add(self);
    const out: Resource[] = [];
    let page: Bundle = first;
    let pages = 1;
    for (;;) {
      // A page's own self link counts as visited: a `next` back to it is a cycle.
      const pageSelf = page.link?.find((l) => l.relation === 'self')?.url;
      if (pageSelf && base) {
        try { visited.add(new URL(pageSelf, `${base.href}/`).href); } catch { /* ignore an unparsable self link */ }
      }
      for (const e of page.entry ?? []) {
        if (e.resource && e.resource.resourceType !== 'OperationOutcome' && e.search?.mode !== 'outcome') out.push(e.resource);
        if (e.resource?.resourceType === 'Patient' && typeof e.fullUrl === 'string' && typeof e.resource.id === 'string') patientUrls.set(e.fullUrl, e.resource.id);
      }
      if (out.length > options.maxResources) throw new KeyFailure('too_large');
      const next = page.link?.find((l) => l.relation === 'next')?.url;
      if (!next) return out;
      if (!base) {
        if (serverRefused) refuseQuery(); else queryNeeded = true;
        throw new KeyFailure('paged');
      }
      queryNeeded = true;
      let url: URL;
      try { url = new URL(next, `${base.href}/`); } catch { throw new KeyFailure('invalid'); }
      if (!isUnderBase(url, base) || hasUnsafePath(next)) { fhirQueries.inc({ outcome: 'refused' }); throw new KeyFailure('refused'); }
      if (visited.has(url.href)) throw new KeyFailure('cyclic');
      if (pages >= options.maxPages) throw new KeyFailure('page_limit');
      visited.add(url.href);
      const r = await get(url, signal());
      if (!r || r.resourceType !== 'Bundle') throw new KeyFailure('invalid');
      page = r as Bundle;
      pages += 1;
    }
  };

  // Not AbortSignal.timeout(): Node holds those signals weakly, so a GC while a body is being read
  // collects the signal and its timer never fires (a dripping server then held a hook for 27 s).
  // A timer that references its controller keeps the budget alive; every timer is cleared below.
  const timers: NodeJS.Timeout[] = [];
  const budget = (): AbortSignal => {
    const controller = new AbortController();
    const ms = Math.max(1, Math.min(options.queryTimeoutMs, options.deadline - Date.now()));
    timers.push(setTimeout(() => controller.abort(new DOMException('FHIR query budget exhausted', 'TimeoutError')), ms));
    return controller.signal;
  };
  /** One budget per key, started at its first query: a prefetch without `next` links never needs one. */
  const lazyBudget = (): (() => AbortSignal) => {
    let signal: AbortSignal | undefined;
    return () => (signal ??= budget());
  };

  const fetchKey = async (key: string): Promise<{ source: KeySource; resources: Resource[] }> => {
    queryNeeded = true;
    if (!base) {
      if (serverRefused) refuseQuery();
      throw new KeyFailure(serverRefused ? 'refused' : 'no_server');
    }
    let relative: string;
    try { relative = renderTemplate(descriptor.prefetch[key], request.context); } catch (e) {
      if (e instanceof TemplateError) throw new KeyFailure('template');
      throw e;
    }
    const url = resolveUnderBase(relative, base);
    if (!url) throw new KeyFailure('refused');
    const signal = budget();
    const r = await get(url, signal);
    if (r === null) return { source: 'fetched-null', resources: [] };
    if (r.resourceType === 'OperationOutcome') throw new KeyFailure('outcome');
    if (r.resourceType === 'Bundle') return { source: 'fetched', resources: await collectPages(r as Bundle, url.href, () => signal) };
    return { source: 'fetched', resources: [r] };
  };

  const resolveKey = async (key: string): Promise<{ source: KeySource; resources: Resource[] }> => {
    const supplied = request.prefetch && Object.hasOwn(request.prefetch, key) ? request.prefetch[key] : undefined;
    if (supplied === undefined) return fetchKey(key);
    if (supplied === null) return { source: 'prefetch-null', resources: [] };
    const resource = supplied as Resource;
    if (resource.resourceType === 'OperationOutcome') return fetchKey(key);
    if (resource.resourceType === 'Bundle') {
      const bundle = resource as Bundle;
      const paged = Boolean(bundle.link?.some((l) => l.relation === 'next'));
      return { source: paged ? 'prefetch-paged' : 'prefetch', resources: await collectPages(bundle, undefined, lazyBudget()) };
    }
    return { source: 'prefetch', resources: [resource] };
  };

  const keys = Object.keys(descriptor.prefetch);
  const settled = await Promise.allSettled(keys.map((k) => resolveKey(k)));
  const report: Record<string, KeyReport> = {};
  const gathered: KeyResources[] = [];
  settled.forEach((s, i) => {
    const key = keys[i];
    if (s.status === 'rejected') {
      report[key] = { source: 'failed', count: 0, reason: s.reason instanceof KeyFailure ? s.reason.reason : 'error' };
      return;
    }
    report[key] = { source: s.value.source, count: s.value.resources.length };
    gathered.push({ key, resources: s.value.resources });
  });
  const patientId = typeof request.context.patientId === 'string' ? request.context.patientId : undefined;
  let checked: ReturnType<typeof checkRecordPatient>;
  try {
    checked = checkRecordPatient(gathered, patientId, patientUrls);
  } catch (e) {
    for (const t of timers) clearTimeout(t);
    throw e;
  }
  for (const [type, n] of Object.entries(checked.dropped)) strayResources.inc({ service: descriptor.id, resource_type: type }, n);
  const byRef = new Map<string, Resource>();
  const anonymous: Resource[] = [];
  for (const k of checked.kept) {
    for (const r of k.resources) {
      if (r.id) byRef.set(`${r.resourceType}/${r.id}`, r);
      else anonymous.push(r);
    }
  }
  const missing = descriptor.requiredPrefetch.filter((k) => report[k]?.source === 'failed');
  if (base && missing.length === 0) await fetchReferencedMedications([...byRef.values(), ...anonymous], base, byRef, get, budget);
  for (const t of timers) clearTimeout(t);
  // A fhirServer the prefetch made unnecessary (the CDS Hooks sandbox always sends one) is not a refusal.
  if (request.fhirServer && !queryNeeded) fhirQueryNotNeeded.inc({ server: base ? 'allowed' : 'not_allowed' });
  stageDuration.observe({ service: descriptor.id, stage: 'gather' }, (performance.now() - start) / 1000);

  if (missing.length > 0) {
    const issue: OperationOutcomeIssue[] = missing.map((k) => ({
      severity: 'error',
      code: 'incomplete',
      diagnostics: `Required prefetch key '${k}' could not be obtained (${describe(report[k].reason)})`,
      expression: [`prefetch.${k}`],
    }));
    throw new OperationOutcomeError(412, { resourceType: 'OperationOutcome', issue });
  }
  const resources = [...byRef.values(), ...anonymous];
  const out: GatheredRecord = { resources, keys: report };
  if (Object.keys(checked.dropped).length > 0) out.strays = checked.dropped;
  return out;
}

/**
 * Reads from the FHIR server every Medication that a medicationReference names and the record lacks
 * (issue 11), in parallel within the hook budget; a failed or missing read leaves the reference
 * unresolved (the extractor then says the medicine is unknown).
 */
async function fetchReferencedMedications(
  resources: Resource[],
  base: URL,
  byRef: Map<string, Resource>,
  get: (url: URL, signal: AbortSignal) => Promise<Resource | null>,
  budget: () => AbortSignal,
): Promise<void> {
  const refs = unresolvedMedicationReferences(resources);
  if (refs.length === 0) return;
  const signal = budget();
  const queue = [...refs];
  // A few reads at a time: one hook must not open a hundred connections to the EHR.
  await Promise.all(Array.from({ length: Math.min(MEDICATION_FETCH_CONCURRENCY, queue.length) }, async () => {
    for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) await fetchOne(ref);
  }));

  async function fetchOne(ref: string): Promise<void> {
    let url: URL | null;
    try {
      // An absolute reference is read only when it is under the client's FHIR base (SSRF policy).
      url = /^https?:/i.test(ref) ? new URL(ref) : resolveUnderBase(ref, base);
    } catch { url = null; }
    // Same path policy as paging links (issue 14): no encoded separators or dot segments.
    if (!url || !isUnderBase(url, base) || hasUnsafePath(ref)) { medicationReferenceFetches.inc({ outcome: 'refused' }); return; }
    try {
      const r = await get(url, signal);
      if (r && r.resourceType === 'Medication' && r.id) {
        byRef.set(`Medication/${r.id}`, r);
        medicationReferenceFetches.inc({ outcome: 'ok' });
      } else {
        medicationReferenceFetches.inc({ outcome: 'missing' });
      }
    } catch {
      medicationReferenceFetches.inc({ outcome: 'failed' });
    }
  }
}

function describe(reason: string | undefined): string {
  switch (reason) {
    case 'no_server': return 'not prefetched and no fhirServer given';
    case 'refused': return 'the FHIR server is not allowed for this client';
    case 'timeout': return 'the FHIR server did not answer in time';
    case 'outcome': return 'the FHIR query returned an OperationOutcome';
    case 'paged': return 'paged prefetch and no FHIR server to fetch the remaining pages';
    case 'template': return 'the prefetch template cannot be rendered from this context';
    case 'cyclic': return 'the FHIR server returned a cyclic paging chain';
    case 'page_limit': return 'the result has more pages than allowed';
    case 'too_large': return 'the FHIR response is too large';
    case 'http_error': return 'the FHIR server answered with an error or is unreachable';
    case 'invalid': return 'the FHIR server answered with invalid content';
    default: return 'error';
  }
}
