import type { CdsServiceDescriptor } from '@prognos/contracts';
import { dataQualityCorrections, dataQualityExclusions } from '../metrics';
import { buildScoringInput } from './build-scoring-input';

const descriptor: CdsServiceDescriptor = {
  id: 'ckd-progression', hook: 'patient-view', title: 't', description: 'd', prefetch: {}, requiredPrefetch: [],
  featureSets: ['egfr-trajectory'], usesDraftOrders: false, models: [], origin: 'bundled',
};

const egfr = (value: number, unit: string, date: string) => ({
  resourceType: 'Observation', status: 'final', effectiveDateTime: date,
  code: { coding: [{ system: 'http://loinc.org', code: '33914-3' }] },
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});

const counter = async (c: typeof dataQualityCorrections, reason: string) =>
  (await c.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

describe('buildScoringInput data-quality metrics', () => {
  it('counts values kept after a known correction and values excluded, by reason', async () => {
    const correctedBefore = await counter(dataQualityCorrections, 'egfr_unit_label_ml_min');
    const unknownBefore = await counter(dataQualityExclusions, 'unknown_unit');
    const resources = [
      { resourceType: 'Patient', gender: 'female', birthDate: '1960-01-01' },
      egfr(48, 'mL/min', '2024-01-10'), // Synthea's label defect: read as mL/min/{1.73_m2}
      egfr(45, 'furlongs', '2024-02-10'), // unknown unit: excluded
    ];
    const input = buildScoringInput({ descriptor, resources: resources as never, asOf: new Date('2024-06-01T00:00:00Z') });
    const set = input.featureSets['egfr-trajectory']!;
    expect(set.values[set.names.indexOf('egfr_last')]).toBe(48);
    expect(await counter(dataQualityCorrections, 'egfr_unit_label_ml_min')).toBe(correctedBefore + 1);
    expect(await counter(dataQualityExclusions, 'unknown_unit')).toBe(unknownBefore + 1);
  });
});
