/**
 * Guards serving without Python: the committed learned bundle still parses against the sequence
 * contract, its ONNX reproduces the outputs PyTorch gave at export (reference.json) within 1e-5 in
 * onnxruntime-node, padding extra steps changes nothing, and its model card carries the synthetic
 * statement and the numbers of the run that produced it (metrics.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_MODELS_DIR } from '../models/bundled-model-runner';
import { readLearnedBundle } from './read-learned-bundles';
import { SYNTHETIC_STATEMENT } from './learned-manifest';
import { maxReferenceError, readReference, runReference, type LearnedReference } from './reference-check';

const DIR = path.join(BUNDLED_MODELS_DIR, 'ckd-progression-gru');

describe('committed learned bundle ckd-progression-gru', () => {
  const bundle = readLearnedBundle(DIR, 'bundled');
  const ref = readReference(path.join(DIR, 'reference.json'));

  it('is a learned bundle for the current sequence contract, trained on synthetic data and saying so', () => {
    expect(bundle.manifest.kind).toBe('learned');
    expect(bundle.manifest.trainedOn).toBe('synthetic');
    expect(bundle.manifest.statement.toLowerCase()).toContain(SYNTHETIC_STATEMENT);
    expect(fs.readFileSync(bundle.modelCardPath, 'utf8')).toContain('Trained on synthetic data, not validated for clinical use.');
  });

  it('reproduces the PyTorch reference outputs in onnxruntime-node within 1e-5', async () => {
    expect(ref.shape.batch).toBeGreaterThanOrEqual(8);
    expect(await maxReferenceError(bundle.modelPath, ref)).toBeLessThanOrEqual(1e-5);
  });

  it('gives the same risks when every sequence is padded with 7 more masked steps', async () => {
    const { batch, steps, channels } = ref.shape;
    const padded: LearnedReference = JSON.parse(JSON.stringify(ref));
    const seq: number[] = [];
    const mask: number[] = [];
    for (let b = 0; b < batch; b++) {
      seq.push(...ref.inputs.seq.slice(b * steps * channels, (b + 1) * steps * channels), ...new Array(7 * channels).fill(3));
      mask.push(...ref.inputs.mask.slice(b * steps, (b + 1) * steps), ...new Array(7).fill(0));
    }
    padded.shape.steps = steps + 7;
    padded.inputs.seq = seq;
    padded.inputs.mask = mask;
    const a = await runReference(bundle.modelPath, ref);
    const b = await runReference(bundle.modelPath, padded);
    for (const k of ['risk_2y', 'risk_5y']) {
      for (let i = 0; i < batch; i++) expect(Math.abs(a[k]![i]! - b[k]![i]!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('its model card quotes the AUROCs of metrics.json (numbers from the committed pipeline run)', () => {
    const metrics = JSON.parse(fs.readFileSync(path.join(DIR, 'metrics.json'), 'utf8'));
    const card = fs.readFileSync(bundle.modelCardPath, 'utf8');
    for (const h of ['2y', '5y']) {
      expect(card).toContain(metrics.horizons[h].model.auroc.toFixed(3));
      expect(card).toContain(metrics.horizons[h].kfre.auroc.toFixed(3));
    }
    expect(bundle.manifest.metrics).toEqual(metrics.headline);
  });
});
