import { describeInputs as describeCustomInputs } from './custom-service';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cardSchema } from '@prognos/contracts';
import pino from 'pino';
import { loadScorerConfig } from '../config';
import { createInProcessScorer, type InProcessScorer } from '../engine/in-process-scorer';
import { loadServiceCatalog } from '../engine/service-catalog';
import { OnnxGraphBuilder } from '../models/onnx-graph-builder';
import { featurePayload } from '../testing/feature-payload';

/**
 * A hospital's model: logistic regression on two kfre-4var features,
 *   p = 1 / (1 + exp(−(2 − 0.1·eGFR + 0.01·ACR)))
 * eGFR 30, ACR 300 → LP 2 → p 0.8808 (critical band ≥ 0.5); eGFR 50, ACR 40 → LP −2.6 → 0.0691 (no band).
 * eGFR 40, ACR 100 → LP −1 → 0.2689 (warning band ≥ 0.2).
 */
function tinyLogisticOnnx(): Uint8Array {
  const g = new OnnxGraphBuilder('hospital-logistic');
  const x = g.input('x', 2);
  const lp = g.add(g.op('MatMul', [x, g.constant([-0.1, 0.01], [2, 1])]), g.constant([2]));
  g.output('risk', g.op('Sigmoid', [lp]));
  return g.toBytes({ docString: 'test model', producerVersion: 'test' });
}

const manifest = {
  id: 'hospital-ckd-logistic', version: '0.3.0', title: 'St Elsewhere CKD model',
  featureSet: 'kfre-4var', featureSetVersion: '1.0.0',
  inputs: [
    { name: 'egfr', unit: 'mL/min/{1.73_m2}', min: 5, max: 90, description: 'eGFR' },
    { name: 'uacr_mg_g', unit: 'mg/g', min: 0, max: 5000, description: 'Urine ACR' },
  ],
  outputs: [{ name: 'risk', description: '3-year probability of CKD progression', horizonYears: 3 }],
  horizonYears: 3, citation: 'St Elsewhere internal validation report 2025', url: 'https://example.org/models/ckd',
  intendedUse: 'Adults with CKD G3-G4 at St Elsewhere',
};

const policy = {
  service: {
    id: 'hospital-ckd', hook: 'patient-view', title: 'St Elsewhere CKD progression',
    description: 'Local CKD progression model', prefetch: { patient: 'Patient/{{context.patientId}}' }, requiredPrefetch: ['patient'],
  },
  featureSet: 'kfre-4var',
  output: 'risk',
  thresholds: [
    { atLeast: 0.2, indicator: 'warning', suggest: false },
    { atLeast: 0.5, indicator: 'critical' },
  ],
  summary: '{{output|percent}} 3-year progression risk ({{model.title}})',
  suggestion: {
    label: 'Refer to nephrology',
    resource: { resourceType: 'ServiceRequest', code: { system: 'http://snomed.info/sct', code: '306944006', display: 'Referral to nephrology service' } },
  },
  overrideReasons: [{ system: 'https://example.org/override', code: 'already-followed', display: 'Already followed by nephrology' }],
};

let root: string;
let scorer: InProcessScorer;

function writeBundle(dir: string, files: { onnx?: Uint8Array; manifest?: unknown; policy?: unknown }): void {
  fs.mkdirSync(path.join(root, dir));
  if (files.onnx) fs.writeFileSync(path.join(root, dir, 'model.onnx'), files.onnx);
  if (files.manifest) fs.writeFileSync(path.join(root, dir, 'manifest.json'), JSON.stringify(files.manifest));
  if (files.policy) fs.writeFileSync(path.join(root, dir, 'card-policy.json'), JSON.stringify(files.policy));
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-custom-'));
  writeBundle('good', { onnx: tinyLogisticOnnx(), manifest, policy });
  writeBundle('bad-policy', {
    onnx: tinyLogisticOnnx(), manifest: { ...manifest, id: 'bad-one' },
    policy: { ...policy, service: { ...policy.service, id: 'bad' }, output: 'risk_10y', summary: '{{outptu|percent}}' },
  });
  writeBundle('bad-onnx', { onnx: Uint8Array.from([1, 2, 3]), manifest: { ...manifest, id: 'broken-onnx' }, policy: { ...policy, service: { ...policy.service, id: 'broken' } } });
  writeBundle('wrong-unit', { onnx: tinyLogisticOnnx(), manifest: { ...manifest, id: 'wrong-unit', inputs: [{ ...manifest.inputs[0], unit: 'mL/min' }, manifest.inputs[1]] }, policy });
  scorer = await createInProcessScorer(loadScorerConfig({ SCORER_DEVICE: 'cpu', CUSTOM_MODELS_DIR: root }), { services: [], logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await scorer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const score = (egfr: number, uacr: number) => scorer.score({
  correlationId: 'c', serviceId: 'hospital-ckd', asOf: '2026-02-01T00:00:00Z',
  featureSets: { 'kfre-4var': featurePayload('kfre-4var', { age_years: 66, sex_male: 1, egfr, uacr_mg_g: uacr }, { egfr: '2026-01-15', uacr_mg_g: '2026-01-10' }) },
}, { deadline: Date.now() + 5000 });

describe('custom model bundles', () => {
  it('are discovered at boot and served as CDS services', () => {
    const svc = scorer.services().find((s) => s.id === 'hospital-ckd');
    expect(svc).toEqual({
      id: 'hospital-ckd', hook: 'patient-view', title: 'St Elsewhere CKD progression', description: 'Local CKD progression model',
      prefetch: { patient: 'Patient/{{context.patientId}}' }, requiredPrefetch: ['patient'], featureSets: ['kfre-4var'],
      usesDraftOrders: false, models: ['hospital-ckd-logistic'], origin: 'custom',
    });
    expect(scorer.models().find((m) => m.id === 'hospital-ckd-logistic')).toMatchObject({ origin: 'custom', version: '0.3.0', horizonYears: 3 });
  });

  it('give a critical card with the suggestion when the risk reaches the top threshold', async () => {
    const out = await score(30, 300);
    expect(out.predictions).toEqual([{ modelId: 'hospital-ckd-logistic', modelVersion: '0.3.0', output: 'risk', value: expect.any(Number), horizonYears: 3 }]);
    expect(out.predictions[0]!.value).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(out.cards).toHaveLength(1);
    const card = out.cards[0]!;
    expect(card.indicator).toBe('critical');
    expect(card.summary).toBe('88% 3-year progression risk (St Elsewhere CKD model)');
    expect(card.source).toEqual({ label: 'St Elsewhere CKD model', url: 'https://example.org/models/ckd' });
    expect(card.detail).toContain('- eGFR: 30 mL/min/{1.73_m2} (2026-01-15)');
    expect(card.overrideReasons).toEqual(policy.overrideReasons);
    const referral = card.suggestions!.find((s) => s.label === 'Refer to nephrology')!;
    expect(referral.actions![0]!.resource).toMatchObject({
      resourceType: 'ServiceRequest', status: 'draft', intent: 'proposal', subject: { reference: 'urn:prognos:context:patient' },
      code: { coding: [policy.suggestion.resource.code] },
    });
    const ra = card.suggestions!.find((s) => s.actions![0]!.resource!.resourceType === 'RiskAssessment')!;
    expect(ra.actions![0]!.resource).toMatchObject({
      prediction: [{ probabilityDecimal: out.predictions[0]!.value, whenRange: { high: { value: 3, code: 'a' } } }],
      method: { text: 'St Elsewhere CKD model (hospital-ckd-logistic v0.3.0)' },
    });
    const { kind: _kind, ...wire } = card;
    expect(cardSchema.safeParse(wire).success).toBe(true);
  });

  it('give a warning card without the suggestion in the lower band', async () => {
    const out = await score(40, 100);
    expect(out.cards[0]!.indicator).toBe('warning');
    expect(out.cards[0]!.summary).toBe('27% 3-year progression risk (St Elsewhere CKD model)');
    expect(out.cards[0]!.suggestions!.map((s) => s.label)).toEqual(['File this risk assessment in the record']);
  });

  it('give no card below every threshold', async () => {
    expect((await score(50, 40)).cards).toEqual([]);
  });

  it('give no card and a recorded reason outside the manifest range', async () => {
    const out = await score(95, 40);
    expect(out.cards).toEqual([]);
    expect(out.predictions[0]!.notComputedReason).toContain('egfr 95');
  });

  it('skip broken bundles with readable reasons instead of failing the boot', () => {
    const skipped = Object.fromEntries(scorer.skippedBundles().map((s) => [path.basename(s.dir), s.error]));
    expect(Object.keys(skipped).sort()).toEqual(['bad-onnx', 'bad-policy', 'wrong-unit']);
    expect(skipped['bad-policy']).toContain("output 'risk_10y' is not a model output (risk)");
    expect(skipped['bad-policy']).toContain("unknown placeholder 'outptu'");
    expect(skipped['bad-onnx']).toContain('onnxruntime could not load the model');
    expect(skipped['wrong-unit']).toContain("input 'egfr' unit 'mL/min' differs from the feature's unit 'mL/min/{1.73_m2}'");
    expect(scorer.services().map((s) => s.id)).toEqual(['hospital-ckd']);
  });

  it('report skipped bundles in readiness without making the scorer unready', async () => {
    const r = await scorer.readiness();
    expect(r.ready).toBe(true);
    expect(r.checks['custom-bundles']).toMatchObject({ ok: false, detail: expect.stringContaining('1 loaded, 3 skipped') });
  });

  it('appear in the file-only service catalogue (no sessions), except the ones whose files are invalid', () => {
    const catalog = loadServiceCatalog(loadScorerConfig({ CUSTOM_MODELS_DIR: root }), []);
    // The unloadable ONNX file is only caught by onnxruntime, so the file-only catalogue still lists it.
    expect(catalog.services.map((s) => s.id).sort()).toEqual(['broken', 'hospital-ckd']);
    expect(catalog.models.filter((m) => m.origin === 'custom').map((m) => m.id).sort()).toEqual(['broken-onnx', 'hospital-ckd-logistic']);
    expect(catalog.models.filter((m) => m.origin === 'bundled')).toHaveLength(8); // 7 flat (incl. iwpc-warfarin) + the learned ckd-progression-gru
    expect(catalog.skipped.map((s) => path.basename(s.dir)).sort()).toEqual(['bad-policy', 'wrong-unit']);
  });
});

describe('custom card inputs', () => {
  it('shows age in completed years, like the built-in cards', () => {
    const text = describeCustomInputs(
      { inputs: [{ name: 'age_years', unit: 'a', description: 'Age' }, { name: 'egfr', unit: 'mL/min/{1.73_m2}', description: 'eGFR' }] } as never,
      featurePayload('kfre-4var', { age_years: 84.6, sex_male: 1, egfr: 37.25, uacr_mg_g: 20 }),
    );
    expect(text).toContain('- Age: 84 years');
    expect(text).toContain('- eGFR: 37.25 mL/min/{1.73_m2}');
  });
});
