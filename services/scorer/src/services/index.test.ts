import { FEATURE_SETS } from '@prognos/contracts';
import { builtInServices } from './index';
import { TEST_CONFIG, scoringInput } from './test-support';

describe('built-in service descriptors', () => {
  const services = builtInServices();

  it('are the built-in services with the ids and hooks integrators use', () => {
    expect(services.map((s) => [s.descriptor.id, s.descriptor.hook])).toEqual([
      ['ckd-progression', 'patient-view'],
      ['cardiovascular-risk', 'patient-view'],
      ['af-stroke-prevention', 'patient-view'],
      ['medication-safety', 'order-sign'],
      ['pharmacogenomics', 'order-sign'],
      ['pharmacogenomics-select', 'order-select'],
    ]);
  });

  it.each(builtInServices().map((s) => [s.descriptor.id, s] as const))('%s: prefetch, required keys, feature sets and origin are consistent', (_id, s) => {
    const d = s.descriptor;
    expect(d.origin).toBe('bundled');
    expect(d.title.length).toBeGreaterThan(0);
    expect(d.description.length).toBeGreaterThan(0);
    for (const key of d.requiredPrefetch) expect(Object.keys(d.prefetch)).toContain(key);
    expect(d.requiredPrefetch).toContain('patient');
    for (const template of Object.values(d.prefetch)) {
      // CDS Hooks 2.0 tokens: only root-level context fields; relative URLs.
      expect(template.match(/\{\{[^}]*\}\}/g)?.every((t) => t === '{{context.patientId}}')).toBe(true);
      expect(template).toMatch(/^[A-Z][A-Za-z]+[/?]/);
    }
    for (const set of d.featureSets) expect(Object.keys(FEATURE_SETS)).toContain(set);
    expect(d.usesDraftOrders).toBe(d.hook === 'order-sign' || d.hook === 'order-select');
  });

  it('declare every model their runs can use', () => {
    const ckd = services[0]!;
    const input = scoringInput({
      serviceId: 'ckd-progression',
      sets: {
        'clinical-context': { dialysis_or_transplant: 0 },
        'egfr-trajectory': { egfr_last: 30, egfr_last_age_days: 1, uacr_last: 500, uacr_last_age_days: 1 },
        'kfre-8var': { age_years: 60, sex_male: 1, egfr: 30, uacr_mg_g: 500, albumin_g_dl: 4, phosphate_mg_dl: 4, bicarbonate_mmol_l: 24, calcium_mg_dl: 9 },
      },
    });
    for (const s of services) {
      for (const run of s.modelRuns(input, TEST_CONFIG)) {
        expect(s.descriptor.models).toContain(run.modelId);
        expect(s.descriptor.featureSets).toContain(run.featureSet);
      }
    }
    expect(ckd.modelRuns(input, TEST_CONFIG)).toHaveLength(2);
  });
});
