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
