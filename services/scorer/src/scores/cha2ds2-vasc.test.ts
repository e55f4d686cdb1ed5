import { computeCha2ds2Vasc, type Cha2ds2VascInput } from './cha2ds2-vasc';

const none: Cha2ds2VascInput = {
  ageYears: 50, female: false, congestiveHeartFailure: false, hypertension: false, diabetes: false,
  strokeTiaThromboembolism: false, vascularDisease: false,
};

describe('CHA2DS2-VASc (Lip 2010, Chest 137:263)', () => {
  it('scores 0 for a man under 65 with no risk factor', () => {
    expect(computeCha2ds2Vasc(none)).toEqual({ score: 0, items: [] });
  });

  it('scores 1 for female sex alone', () => {
    expect(computeCha2ds2Vasc({ ...none, female: true }).score).toBe(1);
  });

  it('gives 0 points at age 64, 1 point at 65 and at 74, and 2 points at 75', () => {
    expect(computeCha2ds2Vasc({ ...none, ageYears: 64.99 }).score).toBe(0);
    expect(computeCha2ds2Vasc({ ...none, ageYears: 65 }).score).toBe(1);
    expect(computeCha2ds2Vasc({ ...none, ageYears: 74.99 }).score).toBe(1);
    expect(computeCha2ds2Vasc({ ...none, ageYears: 75 }).score).toBe(2);
  });

  it('gives 2 points for prior stroke/TIA/thromboembolism and 1 each for C, H, D, V', () => {
    expect(computeCha2ds2Vasc({ ...none, strokeTiaThromboembolism: true }).score).toBe(2);
    for (const key of ['congestiveHeartFailure', 'hypertension', 'diabetes', 'vascularDisease'] as const) {
      expect(computeCha2ds2Vasc({ ...none, [key]: true }).score).toBe(1);
    }
  });

  it('reaches the published maximum of 9 with every item present', () => {
    const all = computeCha2ds2Vasc({
      ageYears: 80, female: true, congestiveHeartFailure: true, hypertension: true, diabetes: true,
      strokeTiaThromboembolism: true, vascularDisease: true,
    });
    expect(all.score).toBe(9);
    expect(all.items.map((i) => i.item)).toEqual(['C', 'H', 'A2', 'D', 'S2', 'V', 'Sc']);
  });

  it('scores a 72-year-old woman with hypertension and diabetes as 4 (A 1 + Sc 1 + H 1 + D 1)', () => {
    expect(computeCha2ds2Vasc({ ...none, ageYears: 72, female: true, hypertension: true, diabetes: true }).score).toBe(4);
  });

  it('rejects a missing age instead of scoring it as young', () => {
    expect(() => computeCha2ds2Vasc({ ...none, ageYears: Number.NaN })).toThrow(RangeError);
  });
});
