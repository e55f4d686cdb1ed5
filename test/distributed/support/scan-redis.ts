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

/** Key of a job hash: a batch job (`b-` + 24 hex) or a single-input job (its uuid correlation id). */
export const JOB_KEY = /^bull:[^:]+:(?:b-[0-9a-f]{24}|[0-9a-f-]{36})$/;

/** The payloads of the jobs in a dump (as the worker reads them), by job id. */
export function jobPayloads(dump: Map<string, string>): Map<string, { name: string; data: any }> {
  const out = new Map<string, { name: string; data: any }>();
  for (const [key, value] of dump) {
    if (!JOB_KEY.test(key)) continue;
    const hash = JSON.parse(value) as { name?: string; data?: string };
    if (typeof hash.data !== 'string') continue;
    out.set(key.slice(key.lastIndexOf(':') + 1), { name: hash.name ?? '', data: JSON.parse(hash.data) });
  }
  return out;
}

/** Every scoring input found in the jobs of a dump (batch items and single-job inputs alike). */
export function queuedInputs(dump: Map<string, string>): any[] {
  return [...jobPayloads(dump).values()].flatMap(({ data }) => (Array.isArray(data.items) ? data.items.map((i: any) => i.input) : [data.input]));
}
