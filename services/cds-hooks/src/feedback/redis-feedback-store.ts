/**
 * Distributed mode: each outcome is written by one Lua script that (1) replaces the card's previous
 * outcome in the running aggregates (a hash of counters, `<stream>:counts`), (2) remembers the
 * card's counters under `<stream>:outcome:<digest>` for as long as the card is attributable, and
 * (3) appends the record to a Redis stream (XADD, approximate MAXLEN) as the audit trail. So a
 * restart loses none, every replica's feedback lands in one place, and summary() reads one small
 * hash instead of the stream. While Redis is unreachable, items wait in a bounded in-memory buffer
 * and are retried with backoff; the HTTP answer never waits on Redis for more than `maxWaitMs`.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { feedbackBuffered } from '../metrics';
import { countFirstOutcome } from './count-outcome';
import {
  FeedbackCounts, countFields, outcomeKey, summaryFromCounts, type FeedbackRecord, type FeedbackStore, type FeedbackSummary,
} from './feedback-store';

/**
 * KEYS: outcome slot, counters hash, stream. ARGV: record JSON, slot TTL s, counter fields (JSON
 * array), stream MAXLEN, slot value (JSON `{"f": fields, "r": record}`: the card's counters and its
 * current outcome). Returns 1 when the card already had an outcome (replaced), else 0. A slot
 * written before the record was kept in it holds the bare fields array (still read).
 */
const RECORD_SCRIPT = `
local prev = redis.call('GET', KEYS[1])
if prev then
  local p = cjson.decode(prev)
  local fields = p['f'] or p
  for _, f in ipairs(fields) do redis.call('HINCRBY', KEYS[2], f, -1) end
end
for _, f in ipairs(cjson.decode(ARGV[3])) do redis.call('HINCRBY', KEYS[2], f, 1) end
redis.call('SET', KEYS[1], ARGV[5], 'EX', tonumber(ARGV[2]))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'data', ARGV[1])
if prev then return 1 end
return 0
`;

/** The Redis key of a card's outcome slot. */
function slotKey(streamKey: string, r: Pick<FeedbackRecord, 'issuer' | 'tenant' | 'cardUuid'>): string {
  return `${streamKey}:outcome:${createHash('sha256').update(outcomeKey(r)).digest('base64url')}`;
}

const MGET_CHUNK = 1000;

export interface RedisFeedbackStoreOptions {
  streamKey: string;
  /** Approximate stream cap (XADD MAXLEN ~). */
  maxLen: number;
  /** Most items buffered while Redis is down; beyond it the oldest are dropped (and logged). */
  bufferMax: number;
  logger: Logger;
  /** Longest a record() call waits for Redis before answering with the items buffered. @defaultValue 200 */
  maxWaitMs?: number;
  /** Retry backoff bounds, ms. @defaultValue 100 .. 5000 */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long a card's outcome slot is kept (a later outcome within it replaces the earlier), s. @defaultValue 604800 */
  cardTtlS?: number;
  /** Called once per card, with its first outcome, after it is written. @defaultValue countFirstOutcome (the feedback metrics) */
  onFirstOutcome?: (r: FeedbackRecord) => void;
  /** Most stream entries records() reads (newest first). @defaultValue 100000 */
  readLimit?: number;
}

const BATCH = 500;

export class RedisFeedbackStore implements FeedbackStore {
  /** Not yet sent to Redis. */
  private buffer: FeedbackRecord[] = [];
  /** Sent in the pipeline now in flight (back to the front of `buffer` if it fails). */
  private sending: FeedbackRecord[] = [];
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoff: number;
  private closed = false;

  constructor(private readonly redis: Redis, private readonly options: RedisFeedbackStoreOptions) {
    this.backoff = options.retryMinMs ?? 100;
  }

  /** Items not yet written to Redis. */
  get pending(): number { return this.buffer.length + this.sending.length; }

  /** Not yet known to be in Redis, oldest first (in flight, then unsent). */
  private unwritten(): FeedbackRecord[] {
    return this.sending.length === 0 ? this.buffer : [...this.sending, ...this.buffer];
  }

  async record(_serviceId: string, items: FeedbackRecord[]): Promise<void> {
    this.buffer.push(...items);
    if (this.buffer.length > this.options.bufferMax) {
      const dropped = this.buffer.length - this.options.bufferMax;
      this.buffer.splice(0, dropped);
      this.options.logger.error({ dropped }, 'feedback buffer full while Redis is unreachable: oldest items dropped');
    }
    feedbackBuffered.set(this.pending);
    const wait = this.options.maxWaitMs ?? 200;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((r) => { t = setTimeout(r, wait); })]);
    clearTimeout(t);
  }

  /** Writes everything buffered; single-flight. Resolves when done or when Redis failed (retry scheduled). */
  flush(): Promise<void> {
    this.inflight ??= this.drain().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      // Out of `buffer` while in flight: summary() counts what is still unsent, and reads the counts
      // after this pipeline on the same connection, so nothing is counted twice.
      const batch = this.buffer.splice(0, BATCH);
      this.sending = batch;
      const pipeline = this.redis.pipeline();
      const key = this.options.streamKey;
      const ttl = String(this.options.cardTtlS ?? 7 * 86400);
      for (const r of batch) {
        const record = JSON.stringify(r);
        const fields = JSON.stringify(countFields(r));
        pipeline.eval(RECORD_SCRIPT, 3, slotKey(key, r), `${key}:counts`, key, record, ttl, fields, String(this.options.maxLen),
          `{"f":${fields},"r":${record}}`);
      }
      let results: [Error | null, unknown][] | null;
      try {
        results = await pipeline.exec();
      } catch {
        results = null;
      }
      const failed = results ? batch.filter((_, i) => results?.[i]?.[0]) : batch;
      if (results) batch.forEach((r, i) => { if (!results?.[i]?.[0] && results?.[i]?.[1] === 0) (this.options.onFirstOutcome ?? countFirstOutcome)(r); });
      // Failures back in front (order kept).
      this.sending = [];
      if (failed.length > 0) this.buffer.unshift(...failed);
      feedbackBuffered.set(this.pending);
      if (failed.length > 0) {
        this.scheduleRetry();
        return;
      }
      this.backoff = this.options.retryMinMs ?? 100;
    }
  }

  private scheduleRetry(): void {
    if (this.timer || this.closed) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.options.retryMaxMs ?? 5000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /**
   * Running aggregates from Redis (one HGETALL of a small hash) plus what is still unsent. The
   * HGETALL is queued at once on the connection that writes the feedback, so a batch in flight is
   * counted by Redis (after it on that connection) and not again here; what is unsent at that moment
   * is counted here only. (A batch in flight that then fails is missing from this one answer, and
   * counted again once retried.)
   */
  async summary(): Promise<FeedbackSummary> {
    const counts = new FeedbackCounts();
    const unsent = this.buffer.slice();
    const inFlight = this.sending;
    const pending = this.pending;
    const read = this.redis.hgetall(`${this.options.streamKey}:counts`);
    for (const r of unsent) counts.add(r);
    try {
      const stored = await read;
      for (const [f, v] of Object.entries(stored)) counts.counts.set(f, (counts.counts.get(f) ?? 0) + Number(v));
    } catch {
      // Redis down: what is buffered, in flight included (it cannot have been written).
      for (const r of inFlight) counts.add(r);
    }
    const s = summaryFromCounts(counts.counts);
    s.pending = pending;
    return s;
  }

  /**
   * The current outcome of each card asked for (undefined: none), read from the cards' outcome slots
   * (MGET, no stream read): what the per-rule analytics join to the cards shown. A buffered record
   * not yet in Redis is newer than its slot and wins.
   */
  async outcomesOf(cards: readonly Pick<FeedbackRecord, 'issuer' | 'tenant' | 'cardUuid'>[]): Promise<(FeedbackRecord | undefined)[]> {
    const out: (FeedbackRecord | undefined)[] = new Array(cards.length).fill(undefined);
    const key = this.options.streamKey;
    try {
      for (let start = 0; start < cards.length; start += MGET_CHUNK) {
        const chunk = cards.slice(start, start + MGET_CHUNK);
        const values = await this.redis.mget(chunk.map((c) => slotKey(key, c)));
        values.forEach((v, i) => {
          if (!v) return;
          try {
            const r = (JSON.parse(v) as { r?: FeedbackRecord }).r;
            if (r && typeof r === 'object') out[start + i] = r;
          } catch { /* a malformed slot is skipped */ }
        });
      }
    } catch {
      // Redis down: what is buffered (below).
    }
    if (this.pending > 0) {
      const index = new Map(cards.map((c, i) => [outcomeKey(c), i]));
      for (const r of this.unwritten()) { const i = index.get(outcomeKey(r)); if (i !== undefined) out[i] = r; }
    }
    return out;
  }

  /**
   * The CURRENT outcome per card (issuer + tenant + card uuid), oldest first, for the per-rule
   * analytics: read from the audit stream (newest `readLimit` entries), where a replaced outcome is
   * followed by the one that replaced it, so only the latest entry per card is kept; then what is
   * still buffered (which replaces what it follows). Never returns a replaced outcome.
   */
  async records(): Promise<FeedbackRecord[]> {
    const latest = new Map<string, FeedbackRecord>();
    const keep = (r: FeedbackRecord): void => { const k = outcomeKey(r); latest.delete(k); latest.set(k, r); };
    try {
      const entries = await this.redis.xrevrange(this.options.streamKey, '+', '-', 'COUNT', this.options.readLimit ?? 100_000);
      for (let i = entries.length - 1; i >= 0; i--) {
        const fields = entries[i]![1];
        const at = fields.indexOf('data');
        if (at < 0) continue;
        try { keep(JSON.parse(fields[at + 1]!) as FeedbackRecord); } catch { /* a malformed entry is skipped */ }
      }
    } catch {
      // Redis down: what is buffered.
    }
    for (const r of this.unwritten()) keep(r);
    return [...latest.values()];
  }

  /** Last attempt to write the buffer (bounded by `timeoutMs`), then stop retrying. */
  async close(timeoutMs = 2000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
    clearTimeout(t);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pending > 0) this.options.logger.error({ pending: this.pending }, 'feedback not written to Redis at shutdown');
  }
}
