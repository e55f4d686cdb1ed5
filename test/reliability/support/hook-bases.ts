/**
 * Valid starting points for the reliability suite, built against a running service's discovery:
 * patient-view with full prefetch from a generated patient, order-sign with draft orders, and a
 * feedback report; plus small HTTP helpers that send raw bytes and read any answer.
 */
import { randomUUID } from 'node:crypto';
import { generatedRecords, orderSignCall, patientViewCall, type BenchService, type PatientRecord } from '../../bench/bench-requests';
import type { FuzzBase } from './fuzz-mutator';

export async function discover(baseUrl: string): Promise<BenchService[]> {
  const res = await fetch(`${baseUrl}/cds-services`);
  const body = (await res.json()) as { services: BenchService[] };
  return body.services;
}

export function feedbackBody(cardUuid: string = randomUUID(), outcome: 'accepted' | 'overridden' = 'overridden'): unknown {
  const item: Record<string, unknown> = { card: cardUuid, outcome, outcomeTimestamp: new Date().toISOString() };
  if (outcome === 'overridden') item.overrideReason = { reason: { system: 'http://example.org/override', code: 'patient-declined', display: 'Patient declined' } };
  else item.acceptedSuggestions = [{ id: randomUUID() }];
  return { feedback: [item] };
}

/** Valid requests of every kind the service accepts, from small generated records. */
export function validBases(services: readonly BenchService[], records: PatientRecord[] = generatedRecords(100, new Date(), 2)): FuzzBase[] {
  const bases: FuzzBase[] = [];
  for (const record of records) {
    for (const s of services) {
      const call = s.hook === 'order-sign' ? orderSignCall(s, record) : s.hook === 'patient-view' ? patientViewCall(s, record) : undefined;
      if (call) bases.push({ path: call.path, body: JSON.parse(call.body) });
    }
  }
  bases.push({ path: `/cds-services/${services[0]!.id}/feedback`, body: feedbackBody(randomUUID(), 'accepted') });
  bases.push({ path: `/cds-services/${services[0]!.id}/feedback`, body: feedbackBody(randomUUID(), 'overridden') });
  return bases;
}

export interface RawAnswer {
  status: number;
  text: string;
  json: unknown;
  contentType: string;
  elapsedMs: number;
  /** Set when no HTTP answer came (connection reset, timeout). */
  transportError?: string;
}

/** Sends exactly these bytes; never throws (a transport failure is reported in the answer). */
export async function sendRaw(url: string, method: string, body: Buffer | undefined, contentType: string | undefined, timeoutMs = 30_000): Promise<RawAnswer> {
  const t0 = performance.now();
  try {
    const headers: Record<string, string> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    const res = await fetch(url, { method, headers, body: body ? new Uint8Array(body) : undefined, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, text, json, contentType: res.headers.get('content-type') ?? '', elapsedMs: performance.now() - t0 };
  } catch (e) {
    return { status: 0, text: '', json: undefined, contentType: '', elapsedMs: performance.now() - t0, transportError: `${(e as Error).name}: ${(e as Error).message}${(e as { cause?: { code?: string; message?: string } }).cause ? ` (${(e as { cause: { code?: string; message?: string } }).cause.code ?? (e as { cause: { message?: string } }).cause.message})` : ""}` };
  }
}

/** true when `json` is a FHIR OperationOutcome with at least one issue. */
export function isOperationOutcome(json: unknown): boolean {
  const o = json as { resourceType?: unknown; issue?: unknown } | undefined;
  return Boolean(o && o.resourceType === 'OperationOutcome' && Array.isArray(o.issue) && o.issue.length > 0);
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await task(items[i]!, i);
    }
  }));
  return out;
}
