/**
 * What crosses Redis carries no patient identity: after scoring real Synthea records through the
 * queue (inputs built by the HTTP pipeline's buildScoringInput), every key of the queue and every
 * worker heartbeat is dumped and searched for the patients' names, identifiers and FHIR ids. (Tokens
 * never reach buildScoringInput; the strict scoringInputSchema refuses any field outside the contract.)
 * The calls are made at once behind one job in flight, so that most inputs travel in batch jobs.
 */
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { Redis } from 'ioredis';
import { buildScoringInput } from '../../services/cds-hooks/src/pipeline/build-scoring-input';
import type { QueueScorer } from '../../services/cds-hooks/src/queue';
import { describeWithSharedData, readJson, syntheaBundlePaths } from '../support/shared-data';
import { CKD_SERVICE_ID } from './support/scoring-fixture';
import { dumpKeys, jobPayloads, queuedInputs } from './support/scan-redis';
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
    // One job out at a time: the calls made meanwhile leave together as batch jobs.
    pair = await startQueuePair({ http: { QUEUE_MAX_JOBS_IN_FLIGHT: '1' } });
    ({ queueName, scorer } = pair);
  });

  afterAll(async () => { await pair?.close(); });

  it('finds none of the fixture patients\' names, identifiers or ids in any queue key or heartbeat', async () => {
    const descriptor = catalog().services.find((s) => s.id === CKD_SERVICE_ID);
    expect(descriptor).toBeDefined();
    const bundles = syntheaBundlePaths().slice(0, 8).map((p) => readJson<Bundle>(p));
    const secrets = new Set<string>();
    const inputs = bundles.map((bundle) => {
      identifyingStrings(bundle).forEach((s) => secrets.add(s));
      const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);
      return buildScoringInput({ descriptor: descriptor!, resources, asOf: new Date('2025-10-01T00:00:00Z') });
    });
    const outputs = await Promise.all(inputs.map((input) => scorer.score(input, { deadline: Date.now() + 10_000 })));
    outputs.forEach((out, i) => expect(out.correlationId).toBe(inputs[i]!.correlationId));
    expect(outputs).toHaveLength(bundles.length);
    expect(scorer.stats().jobs).toBeLessThan(bundles.length);
    expect(secrets.size).toBeGreaterThan(100);

    const redis = new Redis(SHARED_REDIS_URL);
    const dump = await dumpKeys(redis, [`bull:${queueName}:*`, `prognos:worker*:${queueName}*`]);
    await redis.quit();
    // The dump holds the jobs (kept for the retention period), their results and the event stream;
    // batch jobs of several inputs among them.
    expect([...dump.keys()].some((k) => k.endsWith(':events'))).toBe(true);
    expect(queuedInputs(dump).map((i) => i.correlationId).sort()).toEqual(inputs.map((i) => i.correlationId).sort());
    expect([...jobPayloads(dump).values()].some((j) => j.name === 'score-batch' && j.data.items.length > 1)).toBe(true);
    const text = [...dump.entries()].map(([k, v]) => `${k} ${v}`).join('\n');
    expect(text).toContain('featureSets'); // the scan does read job payloads
    const leaked = [...secrets].filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
  });
});
