/** Every key matching some patterns, with its whole value as text (whatever the type). */
import type { Redis } from 'ioredis';

export async function dumpKeys(redis: Redis, patterns: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `<${type}>`;
        out.set(key, JSON.stringify(value));
      }
    } while (cursor !== '0');
  }
  return out;
}
