/**
 * Minimal FHIR REST client for prefetch fallback: GET with the client's bearer token, a deadline
 * (AbortSignal), a response size cap, no redirects. The token is only placed in the request header;
 * it is never logged or kept.
 */
import type { Resource } from '@medplum/fhirtypes';

export type FhirQueryFailure = 'timeout' | 'http_error' | 'invalid' | 'refused' | 'too_large';

export class FhirQueryError extends Error {
  constructor(readonly outcome: FhirQueryFailure, message: string) {
    super(message);
    this.name = 'FhirQueryError';
  }
}

export interface FhirGetOptions {
  /** Bearer access token from fhirAuthorization (omitted when the client sent none). */
  accessToken?: string;
  signal: AbortSignal;
  maxBytes: number;
  /**
   * Epoch ms after which reading stops. The signal's timer cannot fire while a fast body keeps the
   * event loop busy (chunks resolve as microtasks), so the body reader also checks the clock.
   */
  deadline?: number;
}

/** GET one FHIR URL. Resolves with the resource, or null for 404/410 on a read; throws FhirQueryError. */
export async function fhirGet(url: URL, options: FhirGetOptions): Promise<Resource | null> {
  const headers: Record<string, string> = { accept: 'application/fhir+json, application/json;q=0.9' };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', headers, signal: options.signal, redirect: 'error' });
  } catch (e) {
    if (options.signal.aborted) throw new FhirQueryError('timeout', 'FHIR query timed out');
    throw new FhirQueryError('http_error', `FHIR server unreachable (${(e as Error).name})`);
  }
  const isSearch = url.search.length > 0 || !/\/[A-Za-z]+\/[^/]+$/.test(url.pathname);
  if ((res.status === 404 || res.status === 410) && !isSearch) {
    await res.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new FhirQueryError('http_error', `FHIR server answered ${res.status}`);
  }
  const text = await readCapped(res, options.maxBytes, options.signal, options.deadline ?? Infinity);
  let json: unknown;
  try { json = JSON.parse(text); } catch { throw new FhirQueryError('invalid', 'FHIR server answered with invalid JSON'); }
  if (typeof json !== 'object' || json === null || typeof (json as Resource).resourceType !== 'string') {
    throw new FhirQueryError('invalid', 'FHIR server answered with something that is not a resource');
  }
  return json as Resource;
}

async function readCapped(res: Response, maxBytes: number, signal: AbortSignal, deadline: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FhirQueryError('too_large', 'FHIR response exceeds the size limit');
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  // fetch() links its body to `signal` only through a WeakRef (undici): after a GC the abort no
  // longer reaches a body being read, and a server dripping bytes held the hook for 27 s. So every
  // read is raced against the signal here, and the body is cancelled on abort.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new FhirQueryError('timeout', 'FHIR query timed out'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      if (Date.now() >= deadline) throw new FhirQueryError('timeout', 'FHIR query timed out');
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FhirQueryError('too_large', 'FHIR response exceeds the size limit');
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof FhirQueryError) {
      if (e.outcome === 'timeout') await reader.cancel().catch(() => undefined);
      throw e;
    }
    if (signal.aborted) throw new FhirQueryError('timeout', 'FHIR query timed out');
    throw new FhirQueryError('http_error', 'FHIR response could not be read');
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).toString('utf8');
}
