/**
 * The CDS body reader on the hot path: the body is read once as bytes (Buffers collected, joined
 * in a reused buffer), parsed by `JSON.parse` in pieces that stay under V8's large-object size
 * (parse-json-bytes.ts), and its nesting bounded at MAX_JSON_DEPTH. It answers exactly as body-parser's `express.json` did (same error `type`s, so
 * the one error handler maps them to the same 400 / 413 / 415 OperationOutcomes): empty body `{}`,
 * first character must open an object or array, a UTF-8 BOM is dropped, invalid UTF-8 becomes U+FFFD,
 * over the limit → 413 after the rest of the request is drained (the connection stays usable), a body
 * shorter or longer than its Content-Length → 400.
 *
 * Only the common case takes this path (POST, no Content-Encoding, charset absent or UTF-8); a
 * compressed body or another charset goes to `fallback` (express.json), which inflates and decodes.
 * body-parser's extra cost was decoding through iconv-lite into a string chunk by chunk (a rope that
 * JSON.parse then flattens) and a second full walk of the parsed tree for the depth check.
 */
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { badRequest } from '@prognos/contracts';
import type { HookAdmission } from './hook-admission';
import { isWs, parseJsonBytes, type ParsedJsonBytes } from './parse-json-bytes';
import { markShedUnread } from './request-arrival';

/** An error shaped like body-parser's (`type` read by the error handler). */
function bodyError(type: string, status: number, message: string): Error & { type: string; status: number; expose: boolean } {
  return Object.assign(new Error(message), { type, status, expose: true });
}

/** UTF-8 (or no charset given, which JSON defines as UTF-8). */
function isUtf8ContentType(ct: string | undefined): boolean {
  if (!ct) return true;
  const i = ct.toLowerCase().indexOf('charset=');
  if (i < 0) return true;
  const cs = ct.slice(i + 8).split(';')[0]!.trim().replace(/^"|"$/g, '').toLowerCase();
  return cs === 'utf-8' || cs === 'utf8';
}

/** As type-is' hasBody: chunked, or any numeric Content-Length (0 included: the empty body parses as `{}`). */
function hasBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (cl !== undefined && !Number.isNaN(Number(cl)));
}

/** A size such as BODY_LIMIT ('5mb', '64kb', '1048576'), in bytes (1 kb = 1024 b, as body-parser reads it). */
export function parseByteSize(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(v);
  if (!m) throw new Error(`invalid size ${JSON.stringify(v)}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

/**
 * Parses the body bytes as body-parser's strict JSON parser does (empty → `{}`, a UTF-8 BOM dropped,
 * the first non-whitespace character must open an object or an array), through parseJsonBytes (no
 * string over V8's large-object threshold). 'too-deep' when nesting passes `maxDepth`.
 */
export function parseJsonBody(buf: Buffer, maxDepth: number): ParsedJsonBytes {
  const end = buf.length;
  const start = end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (start === end) return { kind: 'value', value: {} };
  let i = start;
  while (i < end && isWs(buf[i])) i++;
  if (buf[i] !== 0x7b && buf[i] !== 0x5b) throw bodyError('entity.parse.failed', 400, 'Request body is not a JSON object or array');
  try {
    return parseJsonBytes(buf, start, end, maxDepth);
  } catch (e) {
    throw bodyError('entity.parse.failed', 400, (e as Error).message);
  }
}

/**
 * Bodies in several chunks are joined in one buffer kept by the process and reused (parsing is
 * synchronous and copies what it keeps), so a large body does not map and fault in fresh memory on
 * every call; it is zeroed after each use (a body carries patient data and may carry an access token).
 */
const SCRATCH_MAX_BYTES = 8 * 1024 * 1024;
let scratch = Buffer.alloc(0);

function withJoinedBody<T>(chunks: Buffer[], length: number, use: (buf: Buffer) => T): T {
  if (chunks.length === 1) return use(chunks[0]!);
  if (length > SCRATCH_MAX_BYTES) return use(Buffer.concat(chunks, length));
  if (scratch.length < length) scratch = Buffer.alloc(Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(length))));
  let at = 0;
  for (const c of chunks) at += c.copy(scratch, at);
  try {
    return use(scratch.subarray(0, length));
  } finally {
    scratch.fill(0, 0, length);
  }
}

export interface ReadJsonBodyOptions {
  /** Largest body in bytes (413 beyond). */
  limitBytes: number;
  /** Largest nesting depth (400 beyond). */
  maxDepth: number;
  /** For what this reader does not handle itself (compressed bodies, other charsets, other methods). */
  fallback: RequestHandler;
  /** Bounds the calls holding a parsed body at once (hook-admission.ts); absent = no bound. */
  admission?: HookAdmission;
  /**
   * Whether a call that waited for admission is too late to be worth reading when its turn comes.
   * Such a call is passed on unparsed (`req.body` undefined), marked by {@link markShedUnread}, for
   * its route to answer without reading it.
   */
  shedWhenLate?: (req: Request, res: Response) => boolean;
}

const ignore = () => undefined;

export function readJsonBody(options: ReadJsonBodyOptions): RequestHandler {
  const { limitBytes, maxDepth, fallback, admission, shedWhenLate } = options;
  return (req, res, next) => {
    const enc = req.headers['content-encoding'];
    if (req.method !== 'POST' || (enc !== undefined && enc.toLowerCase() !== 'identity') || !isUtf8ContentType(req.headers['content-type'])
      || req.readableEnded) {
      fallback(req, res, next);
      return;
    }
    if (!('body' in req)) (req as { body?: unknown }).body = undefined;
    if (!hasBody(req)) { next(); return; }
    const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
    let failure: Error | undefined;
    if (declared !== undefined && declared > limitBytes) failure = bodyError('entity.too.large', 413, 'request entity too large');
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      if (failure) return; // drained, not kept
      received += chunk.length;
      if (received > limitBytes) { failure = bodyError('entity.too.large', 413, 'request entity too large'); chunks.length = 0; return; }
      chunks.push(chunk);
    };
    const cleanup = () => { req.off('data', onData); req.off('end', onEnd); req.off('error', onError); req.off('aborted', onAborted); };
    // A late socket error on this request must not become an uncaught exception.
    req.on('error', ignore);
    const onEnd = () => {
      cleanup();
      if (failure) { next(failure); return; }
      if (declared !== undefined && received !== declared) { next(bodyError('request.size.invalid', 400, 'request size did not match content length')); return; }
      const proceed = () => {
        let parsed: ParsedJsonBytes;
        try {
          parsed = withJoinedBody(chunks, received, (buf) => parseJsonBody(buf, maxDepth));
        } catch (e) {
          next(e);
          return;
        }
        chunks.length = 0;
        if (parsed.kind === 'too-deep') {
          next(badRequest(`Request body nests deeper than ${maxDepth} levels (MAX_JSON_DEPTH)`));
          return;
        }
        (req as { body?: unknown }).body = parsed.value;
        next();
      };
      if (!admission) { proceed(); return; }
      admission.admit(res, proceed, shedWhenLate && {
        late: () => shedWhenLate(req, res),
        answer: () => { chunks.length = 0; markShedUnread(res); next(); },
      });
    };
    const onError = (e: Error) => { cleanup(); next(bodyError('request.aborted', 400, e.message)); };
    const onAborted = () => { cleanup(); next(bodyError('request.aborted', 400, 'request aborted')); };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  };
}
