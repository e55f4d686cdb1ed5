/**
 * A hospital bundle whose card policy suggests a medication: its descriptor asks for the safety
 * data, and its suggestion passes through the same screening stage as a built-in one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadScorerConfig } from '../config';
import { createInProcessScorer, type InProcessScorer } from '../engine/in-process-scorer';
import { OnnxGraphBuilder } from '../models/onnx-graph-builder';
import { CLEAR_SAFETY, safetyContext } from '../services/test-support';
import { featurePayload } from '../testing/feature-payload';

/** p = sigmoid(2 − 0.1·eGFR + 0.01·ACR): eGFR 30, ACR 300 → 0.88 (above the 0.5 band). */
function tinyLogisticOnnx(): Uint8Array {
  const g = new OnnxGraphBuilder('hospital-ras');
  const x = g.input('x', 2);
  g.output('risk', g.op('Sigmoid', [g.add(g.op('MatMul', [x, g.constant([-0.1, 0.01], [2, 1])]), g.constant([2]))]));
  return g.toBytes({ docString: 'test model', producerVersion: 'test' });
}

const manifest = {
  id: 'hospital-ras-model', version: '1.0.0', title: 'St Elsewhere albuminuria model', featureSet: 'kfre-4var', featureSetVersion: '1.0.0',
  inputs: [{ name: 'egfr', unit: 'mL/min/{1.73_m2}', min: 5, max: 90 }, { name: 'uacr_mg_g', unit: 'mg/g', min: 0, max: 5000 }],
  outputs: [{ name: 'risk', description: 'risk', horizonYears: 3 }], horizonYears: 3, citation: 'internal', intendedUse: 'adults with CKD',
};
const policy = {
  service: { id: 'hospital-ras', hook: 'patient-view', title: 'St Elsewhere ACE inhibitor', description: 'Suggests lisinopril', prefetch: { patient: 'Patient/{{context.patientId}}' }, requiredPrefetch: ['patient'] },
  featureSet: 'kfre-4var', output: 'risk', thresholds: [{ atLeast: 0.5, indicator: 'warning' }], summary: '{{output|percent}} risk: start an ACE inhibitor',
  suggestion: { label: 'Start lisinopril 10 mg', isRecommended: true, resource: { resourceType: 'MedicationRequest', medication: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314076', display: 'lisinopril 10 MG Oral Tablet' } } },
  riskAssessment: false,
};

let root: string;
let scorer: InProcessScorer;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-custom-safety-'));
  fs.mkdirSync(path.join(root, 'ras'));
  fs.writeFileSync(path.join(root, 'ras', 'model.onnx'), tinyLogisticOnnx());
  fs.writeFileSync(path.join(root, 'ras', 'manifest.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(root, 'ras', 'card-policy.json'), JSON.stringify(policy));
  scorer = await createInProcessScorer(loadScorerConfig({ SCORER_DEVICE: 'cpu', CUSTOM_MODELS_DIR: root }), { services: [], logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await scorer.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const score = (safety: Record<string, number> | undefined) => scorer.score({
  correlationId: 'c', serviceId: 'hospital-ras', asOf: '2026-02-01T00:00:00Z',
  featureSets: {
    'kfre-4var': featurePayload('kfre-4var', { age_years: 30, sex_male: 0, egfr: 30, uacr_mg_g: 300 }),
    ...(safety ? { 'safety-context': safetyContext({ features: safety }) } : {}),
  },
}, { deadline: Date.now() + 5000 });

describe('custom bundle medication suggestions are screened', () => {
  it('declare the safety feature set and prefetch keys (allergies, pregnancy/potassium observations)', () => {
    const svc = scorer.services().find((s) => s.id === 'hospital-ras')!;
    expect(svc.featureSets).toEqual(['kfre-4var', 'safety-context']);
    expect(svc.prefetch).toMatchObject({ patient: 'Patient/{{context.patientId}}', allergies: 'AllergyIntolerance?patient={{context.patientId}}' });
    expect(svc.prefetch.safetyObservations).toContain('82810-3');
    expect(svc.requiredPrefetch).toEqual(['patient']);
  });

  it('not pregnant: the lisinopril suggestion stays, pre-selected as the policy says', async () => {
    const card = (await score({ ...CLEAR_SAFETY, sex_female: 1, age_years: 30 })).cards[0]!;
    expect(card.suggestions!.map((s) => [s.label, s.isRecommended])).toEqual([['Start lisinopril 10 mg', true]]);
  });

  it('pregnant: the suggestion is removed and the card says what was not suggested and why', async () => {
    const card = (await score({ ...CLEAR_SAFETY, sex_female: 1, age_years: 30, pregnant: 1 })).cards[0]!;
    expect(card.suggestions).toBeUndefined();
    expect(card.selectionBehavior).toBeUndefined();
    expect(card.detail).toContain('Not suggested (clinical safety screening)');
    expect(card.detail).toContain('lisinopril 10 MG Oral Tablet: Pregnant');
    expect(card.summary.startsWith('Not offered (lisinopril: pregnant)')).toBe(true);
  });

  it('without the safety data: the suggestion stays but is not pre-selected, and says it was not screened', async () => {
    const s = (await score(undefined)).cards[0]!.suggestions![0]!;
    expect(s.isRecommended).toBe(false);
    expect(s.label).toContain('not safety-screened');
  });
});
