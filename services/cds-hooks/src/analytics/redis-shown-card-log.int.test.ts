import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisShownCardLog, type ShownCard } from './shown-card-log';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisShownCardLog (real Redis)', () => {
  const streamKey = `test:cards-shown:${randomUUID()}`;
  let redis: Redis;
  beforeAll(() => { redis = new Redis(REDIS_URL); });
  afterAll(async () => { await redis.del(streamKey); redis.disconnect(); });

  it('keeps every card shown with no patient data, and lists those since a time, oldest first', async () => {
    const log = new RedisShownCardLog(redis, { streamKey, maxLen: 1000 });
    const card = (uuid: string, shownAt: number): ShownCard => ({ uuid, serviceId: 'ckd-progression', kind: 'ckd.sglt2i', indicator: 'warning', shownAt, issuer: 'development' });
    const t0 = Date.now();
    await log.record([card('a', t0), card('b', t0)]);
    await new Promise((r) => setTimeout(r, 20));
    const t1 = Date.now();
    await log.record([card('c', t1)]);
    await redis.xadd(streamKey, '*', 'data', 'not json');
    expect((await log.list()).map((c) => c.uuid)).toEqual(['a', 'b', 'c']);
    expect((await log.list(t1)).map((c) => c.uuid)).toEqual(['c']);
    const raw = JSON.stringify(await redis.xrange(streamKey, '-', '+'));
    expect(Object.keys(JSON.parse(raw.match(/\{\\"uuid[^}]*\}/)![0].replace(/\\"/g, '"')))).toEqual(['uuid', 'serviceId', 'kind', 'indicator', 'shownAt', 'issuer']);
  });
});
