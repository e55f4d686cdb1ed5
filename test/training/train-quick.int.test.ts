/**
 * `npm run train -- --quick` end to end (simulator -> dataset -> KFRE -> PyTorch training,
 * calibration, ONNX export, evaluation -> onnxruntime-node parity -> bundle), then the bundle it
 * wrote is served from CUSTOM_MODELS_DIR with no code change (CKD_LEARNED_MODEL names it).
 * Needs the trainer's Python environment (.venv, see README): CI installs it; elsewhere the test
 * skips with a visible notice when it is absent.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInProcessScorer, loadScorerConfig } from '@prognos/scorer';

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const available = fs.existsSync(PYTHON);
if (!available && process.env.CI) throw new Error(`CI needs the trainer venv at ${PYTHON} (.ci/run creates it)`);
if (!available) process.stderr.write(`SKIPPED train-quick: no Python venv at ${PYTHON} (python3 -m venv .venv && .venv/bin/pip install --retries 0 -r training/requirements.txt)\n`);

(available ? describe : describe.skip)('npm run train -- --quick (end to end)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-train-'));
  const bundles = path.join(out, 'custom-models');
  const bundle = path.join(bundles, 'ckd-progression-quick');
  let log = '';
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('the trainer passes its own tests (padding invariance, ONNX export parity, metric hand values)', () => {
    const outText = execFileSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'training/tests'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore', PYTHONDONTWRITEBYTECODE: '1' } });
    expect(outText).toMatch(/\b3 passed\b/);
  }, 120_000);

  it('runs every stage within 2 minutes and writes a served bundle whose ONNX matches PyTorch within 1e-5', () => {
    const started = Date.now();
    log = execFileSync('npm', ['run', '--silent', 'train', '--', '--quick', '--out', path.join(out, 'run'), '--bundle', bundle, '--model-id', 'ckd-progression-quick'], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
    const seconds = (Date.now() - started) / 1000;
    for (const stage of ['simulate', 'dataset', 'python_train_export_evaluate']) expect(log).toContain(`[train] ${stage}:`);
    const pipeline = JSON.parse(fs.readFileSync(path.join(out, 'run', 'pipeline.json'), 'utf8'));
    process.stdout.write(`train --quick: pipeline ${pipeline.timings.total} s, command with tsc -b ${seconds.toFixed(1)} s\n`);
    // The pipeline's own clock (simulate .. bundle); tsc -b and npm start-up come on top.
    expect(pipeline.timings.total).toBeLessThan(120);
    expect(pipeline.parity).toBeLessThanOrEqual(1e-5);
    for (const f of ['model.onnx', 'manifest.json', 'MODEL_CARD.md', 'DATASET_CARD.md', 'reference.json', 'metrics.json']) expect(fs.existsSync(path.join(bundle, f))).toBe(true);
    const metrics = JSON.parse(fs.readFileSync(path.join(bundle, 'metrics.json'), 'utf8'));
    for (const h of ['2y', '5y']) {
      expect(metrics.horizons[h].model.n).toBeGreaterThan(50);
      expect(metrics.horizons[h].model.auroc).toBeGreaterThan(0.6); // it learned something, even in 4 epochs
    }
  }, 200_000);

  it('the bundle it wrote is served from CUSTOM_MODELS_DIR beside the committed one', async () => {
    const scorer = await createInProcessScorer(loadScorerConfig({ CUSTOM_MODELS_DIR: bundles, CKD_LEARNED_MODEL: 'ckd-progression-quick' }));
    try {
      expect(scorer.skippedBundles()).toEqual([]);
      const info = scorer.models().find((m) => m.id === 'ckd-progression-quick');
      expect(info).toMatchObject({ origin: 'custom', version: '0.0.0-quick' });
      expect(scorer.models().some((m) => m.id === 'ckd-progression-gru')).toBe(true);
    } finally {
      await scorer.close();
    }
  });
});
