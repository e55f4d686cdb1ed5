/**
 * What crosses Redis carries no patient identity: after scoring real Synthea records through the
 * queue (inputs built by the HTTP pipeline's buildScoringInput), every key of the queue and every
 * worker heartbeat is dumped and searched for the patients' names, identifiers and FHIR ids. (Tokens
 * never reach buildScoringInput; the strict scoringInputSchema refuses any field outside the contract.)
 */
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { Redis } from 'ioredis';
import { buildScoringInput } from '../../services/cds-hooks/src/pipeline/build-scoring-input';
import type { QueueScorer } from '../../services/cds-hooks/src/queue';
import { describeWithSharedData, readJson, syntheaBundlePaths } from '../support/shared-data';
import { CKD_SERVICE_ID } from './support/scoring-fixture';
import { dumpKeys } from './support/scan-redis';
import { SHARED_REDIS_URL, catalog, startQueuePair } from './support/harness';

/** Strings that identify a patient: names, identifiers, telecom, address lines, resource ids, fullUrls. */
function identifyingStrings(bundle: Bundle): string[] {
  const out = new Set<string>();
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource as Resource & { identifier?: { value?: string }[] } | undefined;
    if (entry.fullUrl) out.add(entry.fullUrl);
    if (!r) continue;
    if (r.id) out.add(r.id);
    for (const i of r.identifier ?? []) if (i.value) out.add(i.value);
    if (r.resourceType === 'Patient') {
      const p = r as Patient;
      for (const n of p.name ?? []) { for (const g of n.given ?? []) out.add(g); if (n.family) out.add(n.family); }
      for (const t of p.telecom ?? []) if (t.value) out.add(t.value);
      for (const a of p.address ?? []) for (const l of a.line ?? []) out.add(l);
    }
  }
  // Short strings (e.g. a 3-letter given name) would match JSON noise; Synthea names carry digits.
  return [...out].filter((s) => s.length >= 5);
}

describeWithSharedData('patient data in Redis after distributed scoring', () => {
  let queueName: string;
  let scorer: QueueScorer;
  let pair: Awaited<ReturnType<typeof startQueuePair>> | undefined;

  beforeAll(async () => {
    pair = await startQueuePair();
    ({ queueName, scorer } = pair);
  });

  afterAll(async () => { await pair?.close(); });

  it('finds none of the fixture patients\' names, identifiers or ids in any queue key or heartbeat', async () => {
    const descriptor = catalog().services.find((s) => s.id === CKD_SERVICE_ID);
    expect(descriptor).toBeDefined();
    const bundles = syntheaBundlePaths().slice(0, 8).map((p) => readJson<Bundle>(p));
    const secrets = new Set<string>();
    let scored = 0;
    for (const bundle of bundles) {
      identifyingStrings(bundle).forEach((s) => secrets.add(s));
      const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);
      const input = buildScoringInput({ descriptor: descriptor!, resources, asOf: new Date('2025-10-01T00:00:00Z') });
      const out = await scorer.score(input, { deadline: Date.now() + 5000 });
      expect(out.correlationId).toBe(input.correlationId);
      scored += 1;
    }
    expect(scored).toBe(bundles.length);
    expect(secrets.size).toBeGreaterThan(100);

    const redis = new Redis(SHARED_REDIS_URL);
    const dump = await dumpKeys(redis, [`bull:${queueName}:*`, `prognos:worker*:${queueName}*`]);
    await redis.quit();
    // The dump holds the jobs (kept for the retention period), their results and the event stream.
    expect([...dump.keys()].some((k) => k.endsWith(':events'))).toBe(true);
    expect([...dump.keys()].filter((k) => /^bull:[^:]+:[0-9a-f-]{36}$/.test(k)).length).toBeGreaterThanOrEqual(bundles.length);
    const text = [...dump.entries()].map(([k, v]) => `${k} ${v}`).join('\n');
    expect(text).toContain('featureSets'); // the scan does read job payloads
    const leaked = [...secrets].filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
  });
});
