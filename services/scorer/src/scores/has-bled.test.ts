import { computeHasBled, type HasBledInput } from './has-bled';

const none: HasBledInput = {
  ageYears: 50, systolicBpMmHg: 120, abnormalRenalFunction: false, abnormalLiverFunction: false, stroke: false,
  bleedingHistory: false, labileInr: false, antiplateletOrNsaid: false, alcoholExcess: false,
};

describe('HAS-BLED (Pisters 2010, Chest 138:1093)', () => {
  it('scores 0 with no risk factor', () => {
    expect(computeHasBled(none)).toEqual({ score: 0, items: [], modifiable: [] });
  });

  it('scores "elderly" only above 65 completed years', () => {
    expect(computeHasBled({ ...none, ageYears: 65 }).score).toBe(0);
    // 65 years and 11 months is still "65": no point until the 66th birthday.
    expect(computeHasBled({ ...none, ageYears: 65.92 }).score).toBe(0);
    expect(computeHasBled({ ...none, ageYears: 66 }).score).toBe(1);
  });

  it('scores uncontrolled hypertension only above 160 mmHg systolic', () => {
    expect(computeHasBled({ ...none, systolicBpMmHg: 160 }).score).toBe(0);
    expect(computeHasBled({ ...none, systolicBpMmHg: 161 }).score).toBe(1);
    expect(computeHasBled({ ...none, systolicBpMmHg: undefined }).score).toBe(0);
  });

  it('reaches the published maximum of 9 with every item present', () => {
    const all = computeHasBled({
      ageYears: 70, systolicBpMmHg: 170, abnormalRenalFunction: true, abnormalLiverFunction: true, stroke: true,
      bleedingHistory: true, labileInr: true, antiplateletOrNsaid: true, alcoholExcess: true,
    });
    expect(all.score).toBe(9);
  });

  it('lists as modifiable only uncontrolled BP, labile INR, drugs and alcohol', () => {
    const s = computeHasBled({
      ...none, ageYears: 70, systolicBpMmHg: 165, stroke: true, antiplateletOrNsaid: true, alcoholExcess: true, labileInr: true,
    });
    expect(s.score).toBe(6);
    expect(s.modifiable.map((i) => i.item)).toEqual(['H', 'L', 'D1', 'D2']);
  });

  it('reaches the high-risk level of 3 for age 70 with prior stroke and NSAID use', () => {
    expect(computeHasBled({ ...none, ageYears: 70, stroke: true, antiplateletOrNsaid: true }).score).toBe(3);
  });
});
