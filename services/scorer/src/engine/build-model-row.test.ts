import { kfreManifest } from '../models/kfre';
import { featurePayload } from '../testing/feature-payload';
import { buildModelRow, describeRange } from './build-model-row';

const m = kfreManifest('4var', 'na');
const ok = { age_years: 70, sex_male: 1, egfr: 35, uacr_mg_g: 300 };

describe('buildModelRow', () => {
  it('builds the row in manifest order from features looked up by name', () => {
    const payload = featurePayload('kfre-4var', ok);
    // Reverse the payload's order: the row must still come out in manifest order.
    const reversed = { ...payload, names: [...payload.names].reverse(), values: [...payload.values].reverse(), present: [...payload.present].reverse() };
    const r = buildModelRow(m, reversed);
    expect(r).toEqual({ ok: true, row: Float32Array.from([70, 1, 35, 300]) });
  });

  it('says the feature set was not provided', () => {
    expect(buildModelRow(m, undefined)).toMatchObject({ ok: false, code: 'feature_set_missing' });
  });

  it('refuses a feature set of another version', () => {
    const r = buildModelRow(m, { ...featurePayload('kfre-4var', ok), version: '2.0.0' });
    expect(r).toMatchObject({ ok: false, code: 'feature_set_mismatch' });
    if (!r.ok) expect(r.reason).toContain('kfre-4var@2.0.0');
  });

  it('names every missing input', () => {
    const r = buildModelRow(m, featurePayload('kfre-4var', { age_years: 70, sex_male: 1 }));
    expect(r).toEqual({ ok: false, code: 'missing_input', reason: 'missing input: egfr, uacr_mg_g' });
  });

  it('accepts eGFR at the validated bounds 10 and 60 and refuses 9.9 and 60.1', () => {
    for (const egfr of [10, 60]) expect(buildModelRow(m, featurePayload('kfre-4var', { ...ok, egfr })).ok).toBe(true);
    for (const egfr of [9.9, 60.1]) {
      const r = buildModelRow(m, featurePayload('kfre-4var', { ...ok, egfr }));
      expect(r).toMatchObject({ ok: false, code: 'out_of_range' });
      if (!r.ok) expect(r.reason).toBe(`outside the validated range: egfr ${egfr} mL/min/{1.73_m2} (validated 10–60)`);
    }
  });

  it('refuses an ACR of 0 (the equation takes its logarithm) but accepts 0.5', () => {
    expect(buildModelRow(m, featurePayload('kfre-4var', { ...ok, uacr_mg_g: 0 }))).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(buildModelRow(m, featurePayload('kfre-4var', { ...ok, uacr_mg_g: 0.5 })).ok).toBe(true);
    expect(describeRange(m.inputs[3]!)).toBe('> 0');
  });

  it('treats a non-finite value as missing', () => {
    const p = featurePayload('kfre-4var', ok);
    p.values[2] = Number.NaN;
    expect(buildModelRow(m, p)).toMatchObject({ ok: false, code: 'missing_input', reason: 'missing input: egfr' });
  });
});
