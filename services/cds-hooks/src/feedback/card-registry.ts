/**
 * card uuid → { serviceId, kind, override reasons offered }, remembered per CLIENT (issuer + tenant)
 * when cards leave and read when that client's feedback arrives, so an outcome is attributed to the
 * rule that produced the card and only the client the card was issued to can give feedback on it.
 *
 * Bounded per client: one client sending large order-sign batches forgets its own oldest cards,
 * never another client's. In memory for one process; in Redis (one key per card with a TTL, and a
 * per-client index trimmed to the bound) so every replica can attribute feedback.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Who a card was issued to: the calling client's JWT `iss` and `tenant` ('development' in development mode). */
export interface ClientIdentity { iss: string; tenant?: string }

export interface CardAttribution {
  serviceId: string;
  kind: string;
  /** `system|code` of each override reason the card offered (the only reasons counted by name). */
  overrideReasons?: string[];
}

export interface IssuedCard { uuid: string; kind: string; overrideReasons?: string[] }

export interface CardRegistry {
  /** Remembers cards issued to `client` by `serviceId`. */
  remember(client: ClientIdentity, serviceId: string, cards: IssuedCard[]): Promise<void>;
  /** The card as issued to `client`; undefined when never issued to it, forgotten, or expired. */
  lookup(client: ClientIdentity, uuid: string): Promise<CardAttribution | undefined>;
}

/** A stable, fixed-length key for a client (issuer + tenant). */
export function clientKey(client: ClientIdentity): string {
  const id = `${client.iss}\u0000${client.tenant ?? ''}`;
  let key = clientKeys.get(id);
  if (key === undefined) {
    key = createHash('sha256').update(id).digest('base64url').slice(0, 22);
    // A handful of clients call all day: remember their keys (bounded) instead of hashing per card.
    if (clientKeys.size >= 1024) clientKeys.clear();
    clientKeys.set(id, key);
  }
  return key;
}
const clientKeys = new Map<string, string>();

type Entry = CardAttribution & { until: number };

/**
 * LRU with TTL per client: a Map per client in insertion order, refreshed on write; a client's
 * oldest go first when it exceeds `maxPerClient`. `max` bounds all clients together: beyond it the
 * oldest card of the client holding the most is forgotten (the heavy user pays, not the others).
 */
export class MemoryCardRegistry implements CardRegistry {
  private readonly clients = new Map<string, Map<string, Entry>>();
  private total = 0;

  /**
   * @param ttlS seconds a card stays attributable. @param max most cards kept, all clients.
   * @param maxPerClient most cards kept per client. @defaultValue max
   */
  constructor(private readonly ttlS: number, private readonly max: number, private readonly now: () => number = Date.now,
    private readonly maxPerClient: number = max) {}

  async remember(client: ClientIdentity, serviceId: string, cards: IssuedCard[]): Promise<void> {
    const key = clientKey(client);
    let map = this.clients.get(key);
    if (!map) { map = new Map(); this.clients.set(key, map); }
    const until = this.now() + this.ttlS * 1000;
    for (const c of cards) {
      if (map.delete(c.uuid)) this.total -= 1;
      map.set(c.uuid, { serviceId, kind: c.kind, overrideReasons: c.overrideReasons, until });
      this.total += 1;
      if (map.size > this.maxPerClient) this.evictOldest(map);
      if (this.total > this.max) this.evictOldest(this.largest());
    }
  }

  async lookup(client: ClientIdentity, uuid: string): Promise<CardAttribution | undefined> {
    const map = this.clients.get(clientKey(client));
    const e = map?.get(uuid);
    if (!map || !e) return undefined;
    if (e.until <= this.now()) { map.delete(uuid); this.total -= 1; return undefined; }
    return { serviceId: e.serviceId, kind: e.kind, overrideReasons: e.overrideReasons };
  }

  /** Cards remembered, all clients. */
  get size(): number { return this.total; }

  /** Cards remembered for one client. */
  sizeOf(client: ClientIdentity): number { return this.clients.get(clientKey(client))?.size ?? 0; }

  private largest(): Map<string, Entry> {
    let best: Map<string, Entry> | undefined;
    for (const m of this.clients.values()) if (!best || m.size > best.size) best = m;
    return best!;
  }

  private evictOldest(map: Map<string, Entry>): void {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) { map.delete(oldest); this.total -= 1; }
  }
}

/**
 * Remembers cards and trims the client's index to its bound in one round trip.
 * KEYS[1] = the client's index (sorted set uuid → expiry ms). ARGV: prefix, ttlS, nowMs, maxPerClient,
 * then uuid/value pairs.
 */
const REMEMBER_SCRIPT = `
local prefix, ttl, now, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 5, #ARGV, 2 do
  redis.call('SET', prefix .. ARGV[i], ARGV[i + 1], 'EX', ttl)
  redis.call('ZADD', KEYS[1], now + ttl * 1000, ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n > max then
  local old = redis.call('ZRANGE', KEYS[1], 0, n - max - 1)
  for _, u in ipairs(old) do redis.call('DEL', prefix .. u) end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1)
end
redis.call('PEXPIRE', KEYS[1], ttl * 1000)
return n
`;

/**
 * Shared through Redis, with a local mirror of the cards this replica issued (same per-client
 * bound): while Redis is unreachable, or for cards issued during an outage, feedback on them is still
 * attributed (and still only for the client they were issued to).
 */
export class RedisCardRegistry implements CardRegistry {
  private readonly local: MemoryCardRegistry;

  constructor(private readonly redis: Redis, private readonly ttlS: number, private readonly prefix = 'prognos:card:',
    private readonly maxPerClient = 20_000, private readonly now: () => number = Date.now) {
    this.local = new MemoryCardRegistry(ttlS, maxPerClient * 4, now, maxPerClient);
  }

  async remember(client: ClientIdentity, serviceId: string, cards: IssuedCard[]): Promise<void> {
    if (cards.length === 0) return;
    await this.local.remember(client, serviceId, cards);
    const ck = clientKey(client);
    const args: string[] = [`${this.prefix}${ck}:`, String(this.ttlS), String(this.now()), String(this.maxPerClient)];
    for (const c of cards) args.push(c.uuid, JSON.stringify({ serviceId, kind: c.kind, overrideReasons: c.overrideReasons }));
    await this.redis.eval(REMEMBER_SCRIPT, 1, `${this.prefix}${ck}`, ...args);
  }

  async lookup(client: ClientIdentity, uuid: string): Promise<CardAttribution | undefined> {
    const raw = await this.redis.get(`${this.prefix}${clientKey(client)}:${uuid}`).catch(() => null);
    if (!raw) return this.local.lookup(client, uuid);
    try {
      const v = JSON.parse(raw) as CardAttribution;
      if (typeof v.serviceId !== 'string' || typeof v.kind !== 'string') return undefined;
      return { serviceId: v.serviceId, kind: v.kind, overrideReasons: Array.isArray(v.overrideReasons) ? v.overrideReasons : undefined };
    } catch {
      return undefined;
    }
  }
}
