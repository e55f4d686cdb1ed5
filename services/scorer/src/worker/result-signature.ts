/**
 * Scoring results signed by the worker and verified by the HTTP side (HMAC-SHA256 with the shared
 * secret SCORING_RESULT_SECRET, configured on both). Anyone who can write to Redis could otherwise
 * complete a waiting job with a forged result (a critical card with `javascript:` links and a
 * `systemActions` delete); without the secret they cannot produce a valid signature.
 *
 * What is signed: `prognos-result-v1`, the BullMQ job id, and the canonical JSON of the result
 * without its `signature` field (object keys sorted at every level, `undefined` members omitted as
 * JSON.stringify does). Binding the job id stops a genuine result being replayed onto another job.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const CONTEXT = 'prognos-result-v1';
const PREFIX = 'hmac-sha256:';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>).sort()
    .filter((k) => { const v = (value as Record<string, unknown>)[k]; return v !== undefined && typeof v !== 'function'; })
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

function mac(jobId: string, body: Record<string, unknown>, secret: string): string {
  const { signature: _ignored, ...rest } = body;
  return createHmac('sha256', secret).update(`${CONTEXT}\n${jobId}\n${canonicalJson(rest)}`).digest('base64url');
}

/** The result with a `signature` member added (worker side). */
export function signScoringResult<T extends object>(result: T, jobId: string, secret: string): T & { signature: string } {
  return { ...result, signature: `${PREFIX}${mac(jobId, result as Record<string, unknown>, secret)}` };
}

/** true when `result` carries a valid signature for `jobId` under `secret` (HTTP side). */
export function verifyScoringResult(result: unknown, jobId: string, secret: string): boolean {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return false;
  const sig = (result as { signature?: unknown }).signature;
  if (typeof sig !== 'string' || !sig.startsWith(PREFIX)) return false;
  const expected = Buffer.from(mac(jobId, result as Record<string, unknown>, secret));
  const given = Buffer.from(sig.slice(PREFIX.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
