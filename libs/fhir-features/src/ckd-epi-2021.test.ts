import { ckdEpi2021, creatinineForEgfr } from './ckd-epi-2021';

describe('ckdEpi2021', () => {
  // Worked values from clinical-reference.md §1.2 (reproduced from Inker 2021 constants).
  const table: [number, number, 'male' | 'female', number][] = [
    [0.9, 55, 'female', 75.5],
    [1.2, 55, 'male', 71.42],
    [1.0, 50, 'male', 91.69],
    [0.7, 40, 'female', 112.05],
    [2.0, 70, 'male', 35.24],
    [1.5, 65, 'female', 38.43],
    [3.0, 60, 'female', 17.26],
  ];
  it.each(table)('gives the published value for Scr %p mg/dL, age %p, %s', (scr, age, sex, expected) => {
    expect(Math.abs(ckdEpi2021(scr, age, sex) - expected)).toBeLessThan(0.006);
  });

  it('applies the female factor 1.012 and kappa 0.7 at the knee (Scr = kappa)', () => {
    // At Scr = kappa both min and max terms are 1: eGFR = 142 x 0.9938^age x 1.012.
    expect(ckdEpi2021(0.7, 0, 'female')).toBeCloseTo(142 * 1.012, 10);
    expect(ckdEpi2021(0.9, 0, 'male')).toBeCloseTo(142, 10);
  });

  it('returns NaN for non-positive or non-finite inputs instead of throwing', () => {
    expect(ckdEpi2021(0, 50, 'male')).toBeNaN();
    expect(ckdEpi2021(-1, 50, 'male')).toBeNaN();
    expect(ckdEpi2021(Number.NaN, 50, 'male')).toBeNaN();
    expect(ckdEpi2021(1, Number.POSITIVE_INFINITY, 'male')).toBeNaN();
  });

  it('is inverted exactly by creatinineForEgfr on both sides of the knee', () => {
    for (const [egfr, age, sex] of [[120, 30, 'female'], [95, 45, 'male'], [38, 70, 'male'], [12, 80, 'female']] as const) {
      const scr = creatinineForEgfr(egfr, age, sex);
      expect(ckdEpi2021(scr, age, sex)).toBeCloseTo(egfr, 8);
    }
  });
});
