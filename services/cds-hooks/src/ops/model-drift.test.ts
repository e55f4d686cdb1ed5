import type { ModelInfo, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { DRIFT_BIN_MS, ModelDrift } from './model-drift';

const info = (id: string, inputs: { name: string; unit: string }[]): ModelInfo => ({ id, version: '1', title: id, citation: 'c', inputs, outputs: ['risk'], intendedUse: 'x', origin: 'bundled' });

function io(value: number | undefined, uacrPresent: 0 | 1): { input: ScoringInput; output: ScoringOutput } {
  return {
    input: {
      correlationId: 'c', serviceId: 's', asOf: '2025-01-01T00:00:00Z',
      featureSets: { k: { set: 'k', version: '1', names: ['egfr', 'uacr_mg_g'], values: [30, uacrPresent ? 300 : 0], present: [1, uacrPresent], provenance: [] } },
    },
    output: {
      correlationId: 'c', serviceId: 's', cards: [], executionProvider: 'cpu', inferenceMs: 1,
      predictions: [value === undefined ? { modelId: 'm', modelVersion: '1', output: 'risk', notComputedReason: 'missing input' } : { modelId: 'm', modelVersion: '1', output: 'risk', value }],
    },
  };
}

describe('ModelDrift', () => {
  it('bins predictions into tenths per hour and counts missing inputs per model request', () => {
    const drift = new ModelDrift(() => [info('m', [{ name: 'egfr', unit: 'x' }, { name: 'uacr_mg_g', unit: 'mg/g' }])]);
    const t0 = 10 * DRIFT_BIN_MS;
    for (const [v, u] of [[0.05, 1], [0.15, 1], [0.95, 1], [1, 1]] as const) { const x = io(v, u); drift.record(x.input, x.output, t0 + 1000); }
    const later = io(0.5, 1);
    drift.record(later.input, later.output, t0 + DRIFT_BIN_MS + 5);
    const missing = io(undefined, 0); // not computed: counted for missingness, not in the distribution
    drift.record(missing.input, missing.output, t0 + DRIFT_BIN_MS + 6);
    const s = drift.snapshot();
    expect(s.predictions).toHaveLength(1);
    const p = s.predictions[0]!;
    expect(p.n).toBe(5);
    expect(p.deciles).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0, 2]); // 1.0 falls in the top bin
    expect(p.bins.map((b) => b.n)).toEqual([4, 1]);
    expect(p.mean).toBeCloseTo((0.05 + 0.15 + 0.95 + 1 + 0.5) / 5, 4);
    expect(s.missingness).toEqual([{ model: 'm', requests: 6, inputs: { egfr: 0, uacr_mg_g: 0.1667 } }]);
  });
});

describe('ModelDrift counts merged across processes (takeDelta → absorb)', () => {
  const models = () => [info('m', [{ name: 'egfr', unit: 'x' }, { name: 'uacr_mg_g', unit: 'mg/g' }])];
  const calls: [number | undefined, 0 | 1, number][] = [
    [0.05, 1, 5], [0.15, 0, 10], [0.95, 1, DRIFT_BIN_MS + 1], [undefined, 0, DRIFT_BIN_MS + 2], [0.5, 1, 3 * DRIFT_BIN_MS], [1, 0, 3 * DRIFT_BIN_MS + 9],
  ];

  it('gives the same panel as one process that saw every call, whichever process saw which', () => {
    const one = new ModelDrift(models);
    const a = new ModelDrift(models);
    const b = new ModelDrift(models);
    const primary = new ModelDrift();
    calls.forEach(([v, u, t], i) => {
      const x = io(v, u);
      one.record(x.input, x.output, t);
      (i % 2 === 0 ? a : b).record(x.input, x.output, t);
      // Hand-overs at different moments: after the 2nd and 5th call from a, after the 4th from b.
      if (i === 1 || i === 4) primary.absorb(JSON.parse(JSON.stringify(a.takeDelta())));
      if (i === 3) primary.absorb(JSON.parse(JSON.stringify(b.takeDelta())));
    });
    primary.absorb(a.takeDelta());
    primary.absorb(b.takeDelta());
    expect(primary.snapshot()).toEqual(one.snapshot());
    expect(primary.snapshot().predictions[0]!.n).toBe(5);
    expect(primary.snapshot().missingness[0]!.requests).toBe(6);
  });

  it('takeDelta empties the recorder; absorbing nothing changes nothing', () => {
    const a = new ModelDrift(models);
    expect(a.empty).toBe(true);
    const x = io(0.3, 1);
    a.record(x.input, x.output, 0);
    expect(a.empty).toBe(false);
    const d = a.takeDelta();
    expect(a.empty).toBe(true);
    expect(a.snapshot()).toEqual({ binMs: DRIFT_BIN_MS, predictions: [], missingness: [] });
    const primary = new ModelDrift();
    primary.absorb(d);
    const before = primary.snapshot();
    primary.absorb(a.takeDelta());
    expect(primary.snapshot()).toEqual(before);
  });

  it('keeps the 48 newest hours when merged bins go past them', () => {
    const a = new ModelDrift(models);
    const primary = new ModelDrift();
    for (let h = 0; h < 50; h++) {
      const x = io(0.2, 1);
      a.record(x.input, x.output, h * DRIFT_BIN_MS);
      if (h % 7 === 0) primary.absorb(a.takeDelta());
    }
    primary.absorb(a.takeDelta());
    const p = primary.snapshot().predictions[0]!;
    expect(p.n).toBe(50);
    expect(p.bins).toHaveLength(48);
    expect(p.bins[0]!.start).toBe(new Date(2 * DRIFT_BIN_MS).toISOString());
    expect(p.bins[47]!.start).toBe(new Date(49 * DRIFT_BIN_MS).toISOString());
  });
});
