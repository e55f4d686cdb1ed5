import { OperationOutcomeError, type CardDraft, type ScoringInput } from '@prognos/contracts';
import pino from 'pino';
import type { ClinicalService } from '../clinical-service';
import { loadScorerConfig, type ScorerConfig } from '../config';
import * as metrics from '../metrics';
import { kfreReference } from '../models/kfre-reference';
import { pceReference } from '../models/pce-reference';
import { missingCudaLibraries } from '../runtime/execution-provider';
import { featurePayload } from '../testing/feature-payload';
import { createInProcessScorer, type InProcessScorer } from './in-process-scorer';

/** A minimal service on real models: KFRE (region from config) and PCE, one info card listing the predictions. */
const testService: ClinicalService = {
  descriptor: {
    id: 'engine-test', hook: 'patient-view', title: 'Engine test', description: 'KFRE + PCE', prefetch: {},
    requiredPrefetch: [], featureSets: ['kfre-4var', 'pce'], usesDraftOrders: false, models: ['kfre-4var-na', 'kfre-4var-other', 'pce'], origin: 'bundled',
  },
  modelRuns: (_input, config) => [
    { modelId: config.KFRE_REGION === 'other' ? 'kfre-4var-other' : 'kfre-4var-na', featureSet: 'kfre-4var' },
    { modelId: 'pce', featureSet: 'pce' },
  ],
  buildCards: ({ predictions }) => ({
    cards: [{
      uuid: '00000000-0000-4000-8000-000000000000', kind: 'engine-test', indicator: 'info', source: { label: 'test' },
      summary: predictions.map((p) => `${p.modelId}:${p.output}=${p.value ?? p.notComputedReason}`).join(' ').slice(0, 139),
    } satisfies CardDraft],
  }),
};

const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (s: string) => { logLines.push(s); } });
let config: ScorerConfig;
let scorer: InProcessScorer;

beforeAll(async () => {
  config = loadScorerConfig({ SCORER_DEVICE: 'auto', SCORER_MAX_BATCH: '16', SCORER_MAX_WAIT_US: '2000', KFRE_REGION: 'other' });
  scorer = await createInProcessScorer(config, { services: [testService], logger });
});
afterAll(async () => { await scorer.close(); });

const kfre = { age_years: 57.28, sex_male: 0, egfr: 15, uacr_mg_g: 1762.00184 };
const pce = { age_years: 55, sex_male: 1, race_black: 1, total_chol_mg_dl: 213, hdl_mg_dl: 50, sbp_mmhg: 120, bp_treated: 0, smoker: 0, diabetes: 0 };

function input(overrides: { kfre?: Record<string, number | undefined>; pce?: Record<string, number | undefined>; serviceId?: string } = {}): ScoringInput {
  return {
    correlationId: 'c-1', serviceId: overrides.serviceId ?? 'engine-test', asOf: '2026-01-01T00:00:00Z',
    featureSets: { 'kfre-4var': featurePayload('kfre-4var', overrides.kfre ?? kfre), pce: featurePayload('pce', overrides.pce ?? pce) },
  };
}

async function counter(metric: { get(): Promise<{ values: { value: number; labels: Record<string, string | number> }[] }> }, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((s, v) => s + v.value, 0);
}

describe('createInProcessScorer', () => {
  it('loads and warms the eight bundled models (seven flat, one learned) on the provider it reports, and logs it', async () => {
    expect(scorer.executionProvider).toBe('cpu');
    const models = scorer.models();
    expect(models.map((m) => m.id).sort()).toEqual(['ckd-progression-gru', 'iwpc-warfarin', 'kfre-4var-na', 'kfre-4var-other', 'kfre-8var-na', 'kfre-8var-other', 'pce', 'prevent-base-10y']);
    for (const m of models) {
      expect(m.origin).toBe('bundled');
      expect(m.loadMs).toBeGreaterThan(0);
    }
    const ready = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'scorer ready');
    expect(ready).toMatchObject({ provider: 'cpu', device: 'auto', intraOpThreads: 1, interOpThreads: 1, maxBatch: 16, maxWaitUs: 2000 });
    const readiness = await scorer.readiness();
    expect(readiness.ready).toBe(true);
    expect(readiness.checks['model:pce']).toEqual({ ok: true, detail: expect.stringContaining('cpu, warmed in') });
  });

  it('runs the service\'s models with the configured KFRE region and hands the predictions to its card policy', async () => {
    const out = await scorer.score(input(), { deadline: Date.now() + 5000 });
    expect(out).toMatchObject({ correlationId: 'c-1', serviceId: 'engine-test', executionProvider: 'cpu' });
    expect(out.inferenceMs).toBeGreaterThan(0);
    const byOutput = Object.fromEntries(out.predictions.map((p) => [`${p.modelId}:${p.output}`, p]));
    // KFRE_REGION=other → the published oracle 44.66 % / 89.89 %.
    expect(byOutput['kfre-4var-other:risk_2y']).toMatchObject({ modelVersion: '1.0.0', horizonYears: 2 });
    expect(byOutput['kfre-4var-other:risk_2y']!.value).toBeCloseTo(kfreReference('4var', 'other', { ageYears: 57.28, male: false, egfr: 15, uacrMgG: 1762.00184 }).risk2y, 5);
    expect(byOutput['kfre-4var-other:risk_5y']!.value).toBeCloseTo(0.8989, 4);
    expect(byOutput['pce:ascvd_10y']!.value).toBeCloseTo(pceReference({
      ageYears: 55, male: true, black: true, totalCholMgDl: 213, hdlMgDl: 50, sbpMmHg: 120, bpTreated: false, smoker: false, diabetes: false,
    }), 5);
    expect(out.cards).toHaveLength(1);
    expect(out.cards[0]!.summary).toContain('kfre-4var-other:risk_5y=0.89');
  });

  it('gives no prediction outside the validated range, records why, and counts it', async () => {
    const before = await counter(metrics.predictionsNotComputed, { model: 'pce', reason: 'out_of_range' });
    const out = await scorer.score(input({ pce: { ...pce, age_years: 82 } }), { deadline: Date.now() + 5000 });
    const p = out.predictions.find((x) => x.modelId === 'pce')!;
    expect(p.value).toBeUndefined();
    expect(p.notComputedReason).toBe('outside the validated range: age_years 82 a (validated 40–79)');
    expect(await counter(metrics.predictionsNotComputed, { model: 'pce', reason: 'out_of_range' })).toBe(before + 1);
    // KFRE still ran.
    expect(out.predictions.find((x) => x.modelId === 'kfre-4var-other')!.value).toBeGreaterThan(0);
  });

  it('gives no prediction when an input is missing, naming it', async () => {
    const out = await scorer.score(input({ kfre: { ...kfre, uacr_mg_g: undefined } }), { deadline: Date.now() + 5000 });
    const ps = out.predictions.filter((x) => x.modelId === 'kfre-4var-other');
    expect(ps.map((p) => p.output)).toEqual(['risk_2y', 'risk_5y']);
    for (const p of ps) expect(p).toMatchObject({ notComputedReason: 'missing input: uacr_mg_g', horizonYears: expect.any(Number) });
  });

  it('reports provider none and no inference time when no model could run', async () => {
    const out = await scorer.score(input({ kfre: { age_years: 50 }, pce: { age_years: 20 } }), { deadline: Date.now() + 5000 });
    expect(out.executionProvider).toBe('none');
    expect(out.inferenceMs).toBe(0);
  });

  it('batches concurrent requests: fewer runs than rows, all recorded in metrics and batch stats', async () => {
    const rowsBefore = await counter(metrics.inferenceRows, { model: 'pce', provider: 'cpu' });
    const runsBefore = await counter(metrics.inferenceRuns, { model: 'pce', provider: 'cpu' });
    const statsBefore = scorer.batchStats().pce ?? { rows: 0, runs: 0 };
    const outs = await Promise.all(Array.from({ length: 40 }, (_, i) => scorer.score(
      input({ pce: { ...pce, age_years: 40 + i } }), { deadline: Date.now() + 5000 })));
    outs.forEach((o, i) => expect(o.predictions.find((p) => p.modelId === 'pce')!.value).toBeCloseTo(pceReference({
      ageYears: 40 + i, male: true, black: true, totalCholMgDl: 213, hdlMgDl: 50, sbpMmHg: 120, bpTreated: false, smoker: false, diabetes: false,
    }), 5));
    const rows = (await counter(metrics.inferenceRows, { model: 'pce', provider: 'cpu' })) - rowsBefore;
    const runs = (await counter(metrics.inferenceRuns, { model: 'pce', provider: 'cpu' })) - runsBefore;
    expect(rows).toBe(40);
    expect(runs).toBeGreaterThanOrEqual(3); // at most 16 rows a run
    expect(runs).toBeLessThan(40);
    const stats = scorer.batchStats().pce!;
    expect(stats.rows - statsBefore.rows).toBe(40);
    expect(stats.runs - statsBefore.runs).toBe(runs);
  });

  it('rejects an unknown service with a 404 OperationOutcome naming it', async () => {
    const err = await scorer.score(input({ serviceId: 'no-such-service' }), { deadline: Date.now() + 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationOutcomeError);
    expect((err as OperationOutcomeError).status).toBe(404);
    expect((err as Error).message).toContain("unknown CDS service 'no-such-service'");
  });

  it('rejects an invalid scoring input with a 400 OperationOutcome', async () => {
    const bad = { ...input(), featureSets: { pce: { set: 'pce' } } } as unknown as ScoringInput;
    const err = await scorer.score(bad, { deadline: Date.now() + 5000 }).catch((e: unknown) => e);
    expect((err as OperationOutcomeError).status).toBe(400);
    expect((err as Error).message).toContain('invalid scoring input');
  });

  it('rejects a request whose deadline has already passed', async () => {
    await expect(scorer.score(input(), { deadline: Date.now() - 1 })).rejects.toThrow('deadline passed');
  });

  it('never logs feature values or predictions', () => {
    const all = logLines.join('\n');
    expect(all).not.toContain('1762');
    expect(all).not.toContain('57.28');
  });
});

(missingCudaLibraries().length > 0 ? describe : describe.skip)('createInProcessScorer with SCORER_DEVICE=cuda on a host without CUDA', () => {
  it('fails at boot with a clear error', async () => {
    const cfg = loadScorerConfig({ SCORER_DEVICE: 'cuda' });
    await expect(createInProcessScorer(cfg, { services: [], logger: pino({ level: 'silent' }) }))
      .rejects.toThrow('SCORER_DEVICE=cuda but the CUDA execution provider could not be loaded');
  });
});
