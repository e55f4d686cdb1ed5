/**
 * order-select -> order-sign de-duplication on both card registries: in memory, and on the real
 * Redis at 127.0.0.1:6379 (unique key prefix per run, removed after), as replicas share it.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CardRegistry } from '../feedback/card-registry';
import { MemoryCardRegistry, RedisCardRegistry } from '../feedback/card-registry';
import type { CdsServiceDescriptor } from '@prognos/contracts';
import { dedupeAlerts } from './alert-dedup';
import type { FinalCard } from './finalize-cards';

const base: Omit<CdsServiceDescriptor, 'id' | 'hook'> = {
  title: 't', description: 'd', prefetch: {}, requiredPrefetch: [], featureSets: [], usesDraftOrders: true, models: [], origin: 'bundled', alertGroup: 'pgx',
};
const select: CdsServiceDescriptor = { ...base, id: 'pgx-select', hook: 'order-select' };
const sign: CdsServiceDescriptor = { ...base, id: 'pgx', hook: 'order-sign' };
const drafts = [{ resourceType: 'MedicationRequest', id: 'd1' }, { resourceType: 'MedicationRequest', id: 'd2' }];
const card = (kind: string, draftOrderIndex?: number): FinalCard => ({
  card: { uuid: randomUUID(), summary: kind, indicator: 'warning', source: { label: 's' } }, kind, ...(draftOrderIndex === undefined ? {} : { draftOrderIndex }),
});

function suite(name: string, make: () => Promise<{ registry: CardRegistry; close: () => Promise<void> }>) {
  describe(name, () => {
    let registry: CardRegistry;
    let close: () => Promise<void>;
    beforeAll(async () => { ({ registry, close } = await make()); });
    afterAll(async () => { await close(); });
    const ehr = { iss: 'https://ehr.example.org' };
    const ctx = (descriptor: CdsServiceDescriptor, now: number, patientId = 'p1', client = ehr) => ({ descriptor, patientId, draftOrders: drafts, registry, client, windowS: 600, now });

    it('hides at order-sign what order-select showed for the same draft, inside the window only', async () => {
      const t0 = 1_800_000_000_000;
      expect(await dedupeAlerts([card('pgx.a', 0)], ctx(select, t0))).toHaveLength(1);
      expect(await dedupeAlerts([card('pgx.a', 0)], ctx(sign, t0 + 600_000))).toHaveLength(0);
      expect(await dedupeAlerts([card('pgx.a', 0)], ctx(sign, t0 + 600_001))).toHaveLength(1);
    });
    it('shows it for another draft, another kind, another patient, and cards not tied to a draft', async () => {
      const t0 = 1_800_000_100_000;
      await dedupeAlerts([card('pgx.b', 0)], ctx(select, t0));
      const kept = await dedupeAlerts([card('pgx.b', 1), card('pgx.c', 0), card('pgx.b')], ctx(sign, t0 + 1000));
      expect(kept.map((c) => c.kind)).toEqual(['pgx.b', 'pgx.c', 'pgx.b']);
      expect(await dedupeAlerts([card('pgx.b', 0)], ctx(sign, t0 + 1000, 'p2'))).toHaveLength(1);
      // Another EHR never has its alerts hidden by what this one was shown.
      expect(await dedupeAlerts([card('pgx.b', 0)], ctx(sign, t0 + 1000, 'p1', { iss: 'https://other.example.org' }))).toHaveLength(1);
    });
    it('never hides with the window at 0, nor for services outside an alert group', async () => {
      const t0 = 1_800_000_200_000;
      await dedupeAlerts([card('pgx.d', 0)], ctx(select, t0));
      expect(await dedupeAlerts([card('pgx.d', 0)], { ...ctx(sign, t0 + 1), windowS: 0 })).toHaveLength(1);
      expect(await dedupeAlerts([card('pgx.d', 0)], ctx({ ...sign, alertGroup: undefined }, t0 + 1))).toHaveLength(1);
    });
  });
}

suite('alert de-duplication, in-memory card registry', async () => ({ registry: new MemoryCardRegistry(3600, 1000), close: async () => {} }));

suite('alert de-duplication, Redis card registry', async () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = `prognos:test:${randomUUID()}:card:`;
  return {
    registry: new RedisCardRegistry(redis, 3600, prefix),
    close: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
});
