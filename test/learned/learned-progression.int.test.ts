/**
 * The learned progression model as an EHR meets it: patient-view on `ckd-progression` through the
 * HTTP service, the real in-process scorer with the committed model bundle, records as prefetch.
 * Done means (issue 13): it uses the trajectory (alike at the last visit, different histories,
 * different risks in the clinically right order), rises as eGFR falls and as albuminuria rises,
 * ranks broadly as KFRE does where histories are stable, and says it was trained on synthetic data.
 */
import { randomUUID } from 'node:crypto';
import { createInProcessScorer, learnedModelCards, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { postJson, startTestApp, type Running } from '../http/support/harness';
import { historyPrefetch, linear, type HistorySpec } from './support/ckd-history';

const AS_OF = new Date('2025-06-01T12:00:00Z');
const LEARNED = 'ckd-progression-gru';

interface Risks { learned2: number; learned5: number; kfre2: number; kfre5: number; card: any }

describe('learned progression model beside KFRE (HTTP, committed bundle)', () => {
  let scorer: InProcessScorer;
  let app: Running;

  beforeAll(async () => {
    const config = loadScorerConfig({ MODEL_CARD_BASE_URL: 'https://prognos.example.org/' });
    scorer = await createInProcessScorer(config);
    app = await startTestApp({
      engine: scorer, services: scorer.services(), models: () => scorer.models(), now: () => AS_OF, env: { HOOK_DEADLINE_MS: '20000' },
      modelCards: learnedModelCards(config.MODELS_DIR, undefined),
    });
  });
  afterAll(async () => {
    await app?.close();
    await scorer?.close();
  });

  async function risks(spec: Omit<HistorySpec, 'asOf'>): Promise<Risks> {
    const res = await postJson(`${app.url}/cds-services/ckd-progression`, {
      hookInstance: randomUUID(), hook: 'patient-view', context: { userId: 'Practitioner/1', patientId: 'p1' },
      prefetch: historyPrefetch({ ...spec, asOf: AS_OF }),
    });
    expect(res.status).toBe(200);
    const card = res.body.cards.find((c: any) => c.summary.startsWith('Trajectory model'));
    const kfreCard = res.body.cards.find((c: any) => c.summary.includes('(KFRE)'));
    expect(card).toBeDefined();
    expect(kfreCard).toBeDefined();
    const ra = (c: any) => c.suggestions[0].actions[0].resource;
    const p = (c: any, years: number) => ra(c).prediction.find((x: any) => x.whenRange.high.value === years).probabilityDecimal as number;
    return { learned2: p(card, 2), learned5: p(card, 5), kfre2: p(kfreCard, 2), kfre5: p(kfreCard, 5), card };
  }

  const base = { age: 68, sex: 'male' as const, acr: [[0.03, 300], [1, 280], [2, 250]] as [number, number][] };

  it('shows learned 2- and 5-year risks beside KFRE, says it is trained on synthetic data, files a RiskAssessment naming the model and version', async () => {
    const r = await risks({ ...base, egfr: linear(30, 30) });
    expect(r.card.detail).toContain('trained on synthetic data, not validated for clinical use');
    expect(r.card.source.label).toContain('trained on synthetic data, not validated for clinical use');
    expect(r.card.summary).toMatch(/5-year kidney failure risk [\d.]+%, 2-year [\d.]+% \(KFRE 5-year [\d.]+%\)/);
    const version = scorer.models().find((m) => m.id === LEARNED)!.version;
    const method = r.card.suggestions[0].actions[0].resource.method;
    // No RISK_METHOD_SYSTEM configured: no made-up coding system, the text names model and version.
    expect(method.coding).toBeUndefined();
    expect(method.text).toContain(`${LEARNED} v${version}`);
    expect(r.learned5).toBeGreaterThanOrEqual(r.learned2);
    // The card links the model card, which the service itself serves.
    expect(r.card.links).toEqual([{ label: expect.stringContaining('Model card'), url: `https://prognos.example.org/models/${LEARNED}/card`, type: 'absolute' }]);
    const page = await fetch(`${app.url}/models/${LEARNED}/card`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/markdown');
    const text = await page.text();
    expect(text).toContain('Trained on synthetic data, not validated for clinical use.');
    expect(text).toContain('| horizon | model | n | events | AUROC |');
    const missing = await fetch(`${app.url}/models/no-such-model/card`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });

  it('alike at the last visit (eGFR 30, ACR 300), a fall from 55 over three years gives a higher risk than three stable years', async () => {
    const stable = await risks({ ...base, egfr: linear(30, 30) });
    const falling = await risks({ ...base, egfr: linear(55, 30) });
    // KFRE sees only the last visit: the same for both.
    expect(falling.kfre5).toBeCloseTo(stable.kfre5, 6);
    expect(falling.learned5).toBeGreaterThan(stable.learned5 * 1.5);
    expect(falling.learned2).toBeGreaterThan(stable.learned2 * 1.5);
    process.stdout.write(`learned 5-year risk: stable 30 ${(stable.learned5 * 100).toFixed(1)}%, fall 55->30 ${(falling.learned5 * 100).toFixed(1)}%; KFRE ${(stable.kfre5 * 100).toFixed(1)}%\n`);
  });

  it('rises as eGFR falls (stable histories at 50, 40, 30, 20, 12)', async () => {
    const out: number[] = [];
    for (const e of [50, 40, 30, 20, 12]) out.push((await risks({ ...base, egfr: linear(e, e) })).learned5);
    for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
  });

  it('rises as albuminuria rises (urine ACR 10, 100, 500, 2000 mg/g at eGFR 35)', async () => {
    const out: number[] = [];
    for (const a of [10, 100, 500, 2000]) out.push((await risks({ ...base, egfr: linear(35, 35), acr: [[0.03, a], [1, a], [2, a]] })).learned5);
    for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThan(out[i - 1]!);
  });

  it('ranks stable-history patients broadly as KFRE does (Spearman rho >= 0.8 over 24 patients)', async () => {
    const pairs: [number, number][] = [];
    for (const e of [52, 42, 33, 25, 18, 13]) {
      for (const a of [20, 400]) {
        for (const age of [55, 78]) {
          const r = await risks({ age, sex: age > 60 ? 'female' : 'male', egfr: linear(e, e), acr: [[0.03, a], [1, a]] });
          pairs.push([r.learned5, r.kfre5]);
        }
      }
    }
    const rank = (v: number[]) => { const s = [...v].map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]); const r = new Array(v.length); s.forEach(([, i], k) => { r[i] = k; }); return r as number[]; };
    const a = rank(pairs.map((p) => p[0]));
    const b = rank(pairs.map((p) => p[1]));
    const n = a.length;
    const rho = 1 - (6 * a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0)) / (n * (n * n - 1));
    process.stdout.write(`Spearman rho learned vs KFRE (stable histories): ${rho.toFixed(3)}\n`);
    expect(rho).toBeGreaterThanOrEqual(0.8);
  });

  it('the dashboard drift API shows the learned model\'s prediction distribution, its input missingness and its model card', async () => {
    const res = await fetch(`${app.url}/api/dashboard/drift`);
    expect(res.status).toBe(200);
    const d = await res.json() as any;
    const p5 = d.predictions.find((p: any) => p.model === LEARNED && p.output === 'risk_5y');
    expect(p5.n).toBeGreaterThanOrEqual(30); // every call above
    expect(p5.deciles.reduce((a: number, b: number) => a + b, 0)).toBe(p5.n);
    expect(p5.bins.at(-1).n).toBe(p5.n);
    expect(d.predictions.some((p: any) => p.model === 'kfre-4var-na')).toBe(true);
    const miss = d.missingness.find((m: any) => m.model === LEARNED);
    // These histories carry creatinine and ACR only: HbA1c and blood pressure are always missing.
    expect(miss.inputs).toMatchObject({ egfr: 0, uacr: 0, hba1c: 1, sbp: 1, age: 0 });
    expect(d.missingness.find((m: any) => m.model === 'kfre-4var-na').inputs).toMatchObject({ egfr: 0, uacr_mg_g: 0 });
    expect(d.modelCards[LEARNED]).toBe(`/models/${LEARNED}/card`);
  });
});
