/**
 * Per-rule feedback analytics in distributed mode (issue 15 on top of issue 14's feedback
 * semantics): the real HTTP app with the Redis feedback store and the Redis shown-card log on the
 * shared Redis, real hook calls answered by the in-process scorer. A card overridden and then
 * accepted counts once, as accepted; feedback on a card never issued is refused (404) and counted
 * nowhere; the analytics read the cards' outcome slots, not the feedback stream.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createApp } from '../../services/cds-hooks/src/app';
import { RedisShownCardLog } from '../../services/cds-hooks/src/analytics/shown-card-log';
import { RedisFeedbackStore } from '../../services/cds-hooks/src/feedback/redis-feedback-store';
import { createLogger } from '../../services/cds-hooks/src/logger';
import { SHARED_REDIS_URL, httpConfig, realScorer } from '../distributed/support/harness';
import { listen, type Running } from '../http/support/harness';
import { callHook, discover, patientViewWithPrefetch, resolvePrefetch, sendFeedback, syntheticPatients, type Card } from './support/prognos-app';

interface Rule { kind: string; shown: number; accepted: number; overridden: number; ignored: number; pending: number }

describe('per-rule feedback analytics over Redis count one outcome per card', () => {
  const run = randomUUID();
  const feedbackKey = `test:feedback:${run}`;
  const shownKey = `test:shown:${run}`;
  const redis = new Redis(SHARED_REDIS_URL, { lazyConnect: false });
  let running: Running | undefined;
  let url: string;
  let store: RedisFeedbackStore;

  beforeAll(async () => {
    const config = httpConfig({ NODE_ENV: 'development' });
    const logger = createLogger('silent');
    const scorer = await realScorer();
    store = new RedisFeedbackStore(redis, { streamKey: feedbackKey, maxLen: 10_000, bufferMax: 100, logger, onFirstOutcome: () => undefined });
    const app = createApp({
      config, logger, engine: scorer, services: scorer.services(), auth: { kind: 'development', fhirServers: [] },
      feedbackStore: store, shownCards: new RedisShownCardLog(redis, { streamKey: shownKey, maxLen: 10_000 }),
    });
    running = await listen(app);
    url = running.url;
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await store?.close();
    const keys = await redis.keys(`test:*:${run}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('an override replaced by an accept counts once, as accepted; an unknown card is refused and not counted', async () => {
    const service = (await discover(url)).find((s) => s.id === 'ckd-progression')!;
    const [p] = syntheticPatients(['ckd-g4-a3'], 3);
    const res = await callHook(url, service.id, patientViewWithPrefetch(p!.id, resolvePrefetch(service, p!.id, p!.resources)));
    expect(res.status).toBe(200);
    const card = res.cards.find((c) => (c.suggestions?.length ?? 0) > 0) as Card | undefined;
    expect(card).toBeDefined();
    expect(await sendFeedback(url, service.id, card!, 'overridden')).toBe(200);
    expect(await sendFeedback(url, service.id, card!, 'accepted')).toBe(200);
    expect(await sendFeedback(url, service.id, { ...card!, uuid: randomUUID() }, 'accepted')).toBe(404);
    await store.flush();

    const xrevrange = jest.spyOn(redis, 'xrevrange');
    const rules = ((await (await fetch(`${url}/api/feedback/rules`)).json()) as { rules: Rule[] }).rules;
    // The shown-card stream is read; the feedback audit stream is not (outcome slots instead).
    expect(xrevrange.mock.calls.map((c) => c[0])).not.toContain(feedbackKey);
    xrevrange.mockRestore();

    const total = (k: keyof Omit<Rule, 'kind'>) => rules.reduce((n, r) => n + r[k], 0);
    expect(total('shown')).toBe(res.cards.length);
    expect(total('accepted')).toBe(1);
    expect(total('overridden')).toBe(0);
    expect(total('pending')).toBe(res.cards.length - 1);
    // The audit trail keeps both outcomes; the summary counts the card once.
    expect(await redis.xlen(feedbackKey)).toBe(2);
    expect(await store.summary()).toMatchObject({ total: 1, accepted: 1, overridden: 0 });
  }, 60_000);
});
