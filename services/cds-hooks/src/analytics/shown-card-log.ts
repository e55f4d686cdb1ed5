/**
 * Which cards were shown, when, by which rule: the denominator of the per-rule feedback analytics
 * (a card that never gets feedback is "ignored", which feedback alone cannot tell). One record per
 * card: uuid, service, kind, indicator, time and the calling client's issuer/tenant. No patient
 * data. Additive to the feedback store: outcomes stay there.
 */
import type { Redis } from 'ioredis';

export interface ShownCard {
  uuid: string;
  serviceId: string;
  /** Card kind (rule id), e.g. 'ckd.refer-nephrology'. */
  kind: string;
  indicator: string;
  /** Epoch ms when the card left the service. */
  shownAt: number;
  /** Calling client (JWT `iss`, 'development' in development mode) and tenant when known. */
  issuer?: string;
  tenant?: string;
}

export interface ShownCardLog {
  record(cards: ShownCard[]): Promise<void>;
  /** Cards shown at or after `sinceMs`, oldest first (bounded by the log's capacity). */
  list(sinceMs?: number): Promise<ShownCard[]>;
}

/** Default of SHOWN_CARDS_MAX: cards kept by the in-memory log. */
export const DEFAULT_SHOWN_CARDS_MAX = 200_000;

/**
 * Embedded mode: the latest `max` cards in memory (a restart forgets them), in a ring, so that
 * dropping the oldest once full costs nothing. An array cut at its head copies every card it keeps:
 * that was 0.46 ms per recorded call at 200,000 cards (BENCHMARKS.md, fourth pass), paid by every
 * call with cards for the rest of the process's life once the log had filled.
 */
export class MemoryShownCardLog implements ShownCardLog {
  private readonly ring: ShownCard[] = [];
  /** Index of the oldest card once the ring is full (0 until then). */
  private oldest = 0;

  constructor(private readonly max = DEFAULT_SHOWN_CARDS_MAX) {
    if (!Number.isInteger(max) || max < 1) throw new Error('MemoryShownCardLog needs a capacity of at least 1');
  }

  async record(cards: ShownCard[]): Promise<void> {
    for (const card of cards) {
      if (this.ring.length < this.max) {
        this.ring.push(card);
      } else {
        this.ring[this.oldest] = card;
        this.oldest = this.oldest + 1 === this.max ? 0 : this.oldest + 1;
      }
    }
  }

  async list(sinceMs = -Infinity): Promise<ShownCard[]> {
    const out: ShownCard[] = [];
    const n = this.ring.length;
    for (let k = 0, i = this.oldest; k < n; k++, i = i + 1 === n ? 0 : i + 1) {
      const card = this.ring[i]!;
      if (card.shownAt >= sinceMs) out.push(card);
    }
    return out;
  }
}

const CLOCK_SKEW_MARGIN_MS = 5 * 60_000;

/** Distributed mode: a Redis stream (XADD MAXLEN ~) shared by every replica. */
export class RedisShownCardLog implements ShownCardLog {
  constructor(
    private readonly redis: Redis,
    private readonly options: { streamKey: string; maxLen: number; readLimit?: number },
  ) {}

  async record(cards: ShownCard[]): Promise<void> {
    if (cards.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const c of cards) {
      pipeline.xadd(this.options.streamKey, 'MAXLEN', '~', String(this.options.maxLen), '*', 'data', JSON.stringify(c));
    }
    await pipeline.exec();
  }

  async list(sinceMs = -Infinity): Promise<ShownCard[]> {
    // Stream ids start with Redis's epoch ms at XADD: read newest first down to `sinceMs` (less a
    // margin for clock skew between this host and Redis; `shownAt` then decides exactly).
    const start = Number.isFinite(sinceMs) ? String(Math.max(0, Math.floor(sinceMs - CLOCK_SKEW_MARGIN_MS))) : '-';
    const entries = await this.redis.xrevrange(this.options.streamKey, '+', start, 'COUNT', this.options.readLimit ?? 200_000);
    const out: ShownCard[] = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const fields = entries[i]![1];
      const at = fields.indexOf('data');
      if (at < 0) continue;
      try {
        const c = JSON.parse(fields[at + 1]!) as ShownCard;
        if (typeof c.uuid === 'string' && typeof c.kind === 'string' && c.shownAt >= sinceMs) out.push(c);
      } catch {
        // a malformed entry is skipped
      }
    }
    return out;
  }
}
