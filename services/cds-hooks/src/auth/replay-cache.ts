/**
 * jti replay protection: a token id may be used once while the token could still be valid.
 * In memory for one process; in Redis (SET NX EX) so every replica shares it.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

export interface ReplayCache {
  /** Records `key`; resolves true the first time, false when it was already seen within `ttlSeconds`. */
  markSeen(key: string, ttlSeconds: number): Promise<boolean>;
}

export class MemoryReplayCache implements ReplayCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now, private readonly maxEntries = 1_000_000) {}

  async markSeen(key: string, ttlSeconds: number): Promise<boolean> {
    const t = this.now();
    this.sweep(t);
    const until = this.seen.get(key);
    if (until !== undefined && until > t) return false;
    if (this.seen.size >= this.maxEntries) {
      // Full of live entries: refusing is safer than forgetting a jti that could be replayed.
      return false;
    }
    this.seen.set(key, t + ttlSeconds * 1000);
    return true;
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < 10_000 && this.seen.size < this.maxEntries) return;
    this.lastSweep = t;
    for (const [k, until] of this.seen) if (until <= t) this.seen.delete(k);
  }
}

/**
 * Shared across replicas. When Redis does not answer within `timeoutMs`, falls back to a local
 * MemoryReplayCache (replay protection per replica) rather than rejecting every caller.
 */
export class RedisReplayCache implements ReplayCache {
  private readonly fallback = new MemoryReplayCache();

  constructor(private readonly redis: Redis, private readonly logger: Logger,
    private readonly prefix = 'prognos:jti:', private readonly timeoutMs = 250) {}

  async markSeen(key: string, ttlSeconds: number): Promise<boolean> {
    const k = this.prefix + createHash('sha256').update(key).digest('base64url');
    try {
      const res = await withTimeout(this.redis.set(k, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX'), this.timeoutMs);
      // Mirror locally so a later Redis outage still remembers recent ids.
      void this.fallback.markSeen(key, ttlSeconds);
      return res === 'OK';
    } catch {
      this.logger.warn('jti replay cache: Redis unavailable, using the local cache');
      return this.fallback.markSeen(key, ttlSeconds);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
