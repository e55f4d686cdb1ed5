/**
 * The learned model in distributed mode: the hook's record becomes a sequence on the HTTP side
 * (buildScoringInput), crosses Redis inside the job as features only (numbers relative to the hook
 * time: no dates, ids or names), and the worker's learned model gives exactly the risks the
 * in-process scorer gives for the same input. Minimised like the feature sets (issue 14): step
 * times are whole days before the hook and the age is whole years.
 */
import type { Resource } from '@medplum/fhirtypes';
import { Redis } from 'ioredis';
import { SEQUENCE_SETS } from '@prognos/contracts';
import { buildScoringInput } from '../../services/cds-hooks/src/pipeline/build-scoring-input';
import { unminimisedField } from '../../services/cds-hooks/src/pipeline/minimise-scoring-input';
import { historyPrefetch, linear } from '../learned/support/ckd-history';
import { SHARED_REDIS_URL, catalog, startQueuePair } from './support/harness';
import { dumpKeys, queuedInputs } from './support/scan-redis';

const AS_OF = new Date('2025-06-01T12:00:00Z');

describe('learned sequence model through the queue', () => {
  let pair: Awaited<ReturnType<typeof startQueuePair>> | undefined;
  beforeAll(async () => { pair = await startQueuePair(); });
  afterAll(async () => { await pair?.close(); });

  it('sends the sequence without dates or ids and gets the in-process risks back', async () => {
    const descriptor = catalog().services.find((s) => s.id === 'ckd-progression')!;
    const prefetch = historyPrefetch({ asOf: AS_OF, age: 70, sex: 'female', egfr: linear(50, 28), acr: [[0.03, 600], [1, 400]] }, 'patient-7f3a9c');
    const resources = Object.values(prefetch).flatMap((v: any) => (v.resourceType === 'Bundle' ? v.entry.map((e: any) => e.resource) : [v])) as Resource[];
    const input = buildScoringInput({ descriptor, resources, asOf: AS_OF });
    expect(input.sequences?.['ckd-progression-seq']?.length).toBeGreaterThan(10);
    const viaQueue = await pair!.scorer.score(input, { deadline: Date.now() + 10_000 });
    const inProcess = await pair!.engine.score(input, { deadline: Date.now() + 10_000 });
    const learned = (o: typeof viaQueue) => o.predictions.filter((p) => p.modelId === 'ckd-progression-gru').map((p) => [p.output, p.value]);
    expect(learned(viaQueue)).toHaveLength(2);
    expect(learned(viaQueue).every(([, v]) => typeof v === 'number')).toBe(true);
    expect(learned(viaQueue)).toEqual(learned(inProcess));

    const redis = new Redis(SHARED_REDIS_URL);
    const dump = await dumpKeys(redis, [`bull:${pair!.queueName}:*`]);
    await redis.quit();
    const sent = queuedInputs(dump).find((i) => i.correlationId === input.correlationId);
    expect(sent).toBeDefined();
    const job = { input: sent };
    const seqText = JSON.stringify(job.input.sequences);
    expect(Object.keys(job.input.sequences['ckd-progression-seq']).sort()).toEqual(['channels', 'length', 'set', 'staticPresent', 'statics', 'steps', 'version']);
    expect(seqText).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no dates: times are years before the hook
    expect(seqText).not.toContain('patient-7f3a9c');
    // Minimised: whole days before the hook (no hook time of day), whole-year age; the HTTP side's check agrees.
    const seq = job.input.sequences['ckd-progression-seq'];
    for (let i = 0; i < seq.length; i++) {
      const days = seq.steps[i * seq.channels] * 365.2425;
      expect(Math.abs(days - Math.round(days))).toBeLessThan(1e-6);
    }
    const def = SEQUENCE_SETS['ckd-progression-seq'];
    const age = def.statics.findIndex((x) => x.source === 'age_years');
    const years = seq.statics[age] * def.statics[age]!.scale + def.statics[age]!.center;
    expect(Math.abs(years - Math.round(years))).toBeLessThan(1e-6);
    expect(unminimisedField(job.input)).toBeUndefined();
    expect([...dump.values()].join('\n')).not.toContain('patient-7f3a9c');
  });
});
