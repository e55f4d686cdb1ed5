/**
 * card uuid → { serviceId, kind }: remembered when cards leave, read when feedback arrives, so an
 * outcome is attributed to the rule that produced the card. Bounded and short-lived; in memory for
 * one process, in Redis (one key per card with a TTL) so every replica can attribute feedback.
 */
import type { Redis } from 'ioredis';

export interface CardAttribution { serviceId: string; kind: string }

export interface CardRegistry {
  remember(serviceId: string, cards: { uuid: string; kind: string }[]): Promise<void>;
  lookup(uuid: string): Promise<CardAttribution | undefined>;
}

/** LRU with TTL: a Map in insertion order, refreshed on write; the oldest go first when full. */
export class MemoryCardRegistry implements CardRegistry {
  private readonly map = new Map<string, CardAttribution & { until: number }>();

  /** @param ttlS seconds a card stays attributable. @param max most cards kept. */
  constructor(private readonly ttlS: number, private readonly max: number, private readonly now: () => number = Date.now) {}

  async remember(serviceId: string, cards: { uuid: string; kind: string }[]): Promise<void> {
    const until = this.now() + this.ttlS * 1000;
    for (const c of cards) {
      this.map.delete(c.uuid);
      this.map.set(c.uuid, { serviceId, kind: c.kind, until });
      if (this.map.size > this.max) {
        const oldest = this.map.keys().next().value;
        if (oldest !== undefined) this.map.delete(oldest);
      }
    }
  }

  async lookup(uuid: string): Promise<CardAttribution | undefined> {
    const e = this.map.get(uuid);
    if (!e) return undefined;
    if (e.until <= this.now()) { this.map.delete(uuid); return undefined; }
    return { serviceId: e.serviceId, kind: e.kind };
  }

  get size(): number { return this.map.size; }
}

export class RedisCardRegistry implements CardRegistry {
  constructor(private readonly redis: Redis, private readonly ttlS: number, private readonly prefix = 'prognos:card:') {}

  async remember(serviceId: string, cards: { uuid: string; kind: string }[]): Promise<void> {
    const multi = this.redis.multi();
    for (const c of cards) multi.set(this.prefix + c.uuid, JSON.stringify({ serviceId, kind: c.kind }), 'EX', this.ttlS);
    await multi.exec();
  }

  async lookup(uuid: string): Promise<CardAttribution | undefined> {
    const raw = await this.redis.get(this.prefix + uuid);
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as CardAttribution;
      return typeof v.serviceId === 'string' && typeof v.kind === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  }
}
