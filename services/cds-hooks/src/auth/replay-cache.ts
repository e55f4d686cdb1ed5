/**
 * jti replay protection: a token id may be used once while the token could still be valid.
 * In memory for one process; in Redis (SET NX EX) so every replica shares it.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

export interface ReplayCache {
  /**
   * Records `key`; resolves true the first time, false when it was already seen within `ttlSeconds`
   * (or, in memory, when `scope`'s share of the cache is full of live entries).
   * @param scope the issuer: bounds are per issuer, so one client cannot lock out the others.
   */
  markSeen(key: string, ttlSeconds: number, scope?: string): Promise<boolean>;
}

/** Keys are stored as SHA-256 digests: a `jti` may be kilobytes long, its digest is 43 characters. */
export function replayKeyDigest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/**
 * One process. Bounded per issuer (`maxPerScope` live entries): an issuer that fills its share has
 * its own new tokens refused until entries expire (forgetting a live jti would allow a replay), and
 * every other issuer is unaffected. Keys are digests, so memory per entry is fixed.
 */
export class MemoryReplayCache implements ReplayCache {
  private readonly scopes = new Map<string, Map<string, number>>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now, private readonly maxPerScope = 200_000) {}

  async markSeen(key: string, ttlSeconds: number, scope = ''): Promise<boolean> {
    const t = this.now();
    this.sweep(t, (this.scopes.get(scope)?.size ?? 0) >= this.maxPerScope);
    let seen = this.scopes.get(scope);
    if (!seen) { seen = new Map(); this.scopes.set(scope, seen); }
    const digest = replayKeyDigest(key);
    const until = seen.get(digest);
    if (until !== undefined && until > t) return false;
    if (seen.size >= this.maxPerScope) return false;
    seen.set(digest, t + ttlSeconds * 1000);
    return true;
  }

  /** Live entries of one issuer (tests, metrics). */
  size(scope = ''): number { return this.scopes.get(scope)?.size ?? 0; }

  private sweep(t: number, force: boolean): void {
    if (!force && t - this.lastSweep < 10_000) return;
    this.lastSweep = t;
    for (const [scope, seen] of this.scopes) {
      for (const [k, until] of seen) if (until <= t) seen.delete(k);
      if (seen.size === 0) this.scopes.delete(scope);
    }
  }
}

/**
 * Shared across replicas. When Redis does not answer within `timeoutMs`, falls back to a local
 * MemoryReplayCache (replay protection per replica) rather than rejecting every caller.
 */
export class RedisReplayCache implements ReplayCache {
  private readonly fallback: MemoryReplayCache;

  constructor(private readonly redis: Redis, private readonly logger: Logger,
    private readonly prefix = 'prognos:jti:', private readonly timeoutMs = 250, maxPerScope?: number) {
    this.fallback = new MemoryReplayCache(Date.now, maxPerScope);
  }

  async markSeen(key: string, ttlSeconds: number, scope = ''): Promise<boolean> {
    const k = this.prefix + replayKeyDigest(key);
    try {
      const res = await withTimeout(this.redis.set(k, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX'), this.timeoutMs);
      // Mirror locally so a later Redis outage still remembers recent ids.
      void this.fallback.markSeen(key, ttlSeconds, scope);
      return res === 'OK';
    } catch {
      this.logger.warn('jti replay cache: Redis unavailable, using the local cache');
      return this.fallback.markSeen(key, ttlSeconds, scope);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
