import { ifccToNgsp, ngspToIfcc, toCanonical } from './normalize-unit';

const ok = (r: ReturnType<typeof toCanonical>): number => {
  if (!r.ok) throw new Error(`expected a conversion, got ${r.reason}`);
  return r.value;
};

describe('toCanonical', () => {
  it('converts creatinine umol/L to mg/dL with the 113.12 g/mol molar mass (106.08 umol/L = 1.2 mg/dL)', () => {
    // 106.08 umol/L x 113.12 ug/umol = 11999.8 ug/L = 1.19998 mg/dL
    expect(ok(toCanonical('creatinine', 106.08, 'umol/L'))).toBeCloseTo(1.19998, 4);
    expect(ok(toCanonical('creatinine', 1.2, 'mg/dL'))).toBe(1.2);
  });

  it('converts cholesterol mmol/L to mg/dL (x 38.665)', () => {
    expect(ok(toCanonical('total_chol', 5, 'mmol/L'))).toBeCloseTo(193.325, 3);
    expect(ok(toCanonical('hdl', 1.3, 'mmol/L'))).toBeCloseTo(50.2645, 3);
  });

  it('converts urine ACR mg/mmol to mg/g (x 8.84 = 1 / 0.11312)', () => {
    expect(ok(toCanonical('uacr', 30, 'mg/mmol'))).toBeCloseTo(265.205, 2);
    expect(ok(toCanonical('uacr', 30, 'mg/g'))).toBe(30);
  });

  it('converts HbA1c IFCC mmol/mol to NGSP % by the master equation, not by UCUM', () => {
    // 0.0915 x 53 + 2.15 = 6.9995
    expect(ok(toCanonical('hba1c', 53, 'mmol/mol'))).toBeCloseTo(6.9995, 6);
    expect(ifccToNgsp(ngspToIfcc(7))).toBeCloseTo(7, 2);
    expect(ok(toCanonical('hba1c', 7.1, '%'))).toBe(7.1);
  });

  it('converts calcium, phosphate and albumin from SI units', () => {
    expect(ok(toCanonical('calcium', 2.3, 'mmol/L'))).toBeCloseTo(9.2184, 4); // 2.3 x 40.08 / 10
    expect(ok(toCanonical('phosphate', 1.5, 'mmol/L'))).toBeCloseTo(4.6455, 4); // 1.5 x 30.97 / 10
    expect(ok(toCanonical('albumin', 38, 'g/L'))).toBeCloseTo(3.8, 10);
  });

  it('reads unambiguous non-UCUM spellings (mmHg, mEq/L, lb)', () => {
    expect(ok(toCanonical('sbp', 120, 'mmHg'))).toBe(120);
    expect(ok(toCanonical('potassium', 4.8, 'mEq/L'))).toBeCloseTo(4.8, 10);
    expect(ok(toCanonical('weight', 165, 'lb'))).toBeCloseTo(74.8427, 4); // 165 x 0.45359237
  });

  it('accepts eGFR labelled mL/min as mL/min/{1.73_m2} and flags the label defect', () => {
    const r = toCanonical('egfr_reported', 48, 'mL/min');
    expect(r).toEqual({ ok: true, value: 48, ucum: 'mL/min/{1.73_m2}', flag: 'egfr_unit_label_ml_min' });
  });

  it('refuses unknown and incompatible units instead of guessing', () => {
    expect(toCanonical('creatinine', 1, 'furlongs')).toEqual({ ok: false, reason: 'unknown_unit' });
    expect(toCanonical('creatinine', 1, undefined)).toEqual({ ok: false, reason: 'unknown_unit' });
    expect(toCanonical('potassium', 4, 'mg')).toEqual({ ok: false, reason: 'incompatible_unit' });
    expect(toCanonical('hba1c', 7, 'g/dL')).toEqual({ ok: false, reason: 'incompatible_unit' });
    expect(toCanonical('sbp', 120, 'kg')).toEqual({ ok: false, reason: 'incompatible_unit' });
  });
});
