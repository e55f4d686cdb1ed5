import { SEQUENCE_SETS, sequenceChannelNames } from '@prognos/contracts';
import { creatinineForEgfr } from '../ckd-epi-2021';
import { extractPatientFeatures } from '../extract-patient-features';
import { sampleAsOf } from '../dataset/build-dataset';
import { buildSequence } from './build-sequence';
import { progressionEligibility } from './progression-eligibility';

const YEAR = 365.2425 * 86_400_000;
const DEF = SEQUENCE_SETS['ckd-progression-seq'];
const INDEX = new Date('2020-06-01T23:59:59Z');
const C = sequenceChannelNames(DEF).length;

function obs(id: string, iso: string, code: string, value: number, unit: string): Record<string, unknown> {
  return {
    resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/x' },
    code: { coding: [{ system: 'http://loinc.org', code }] }, effectiveDateTime: iso,
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  };
}
const scr = (egfr: number, iso: string): number => Math.round(creatinineForEgfr(egfr, (Date.parse(iso) - Date.parse('1952-01-01')) / YEAR, 'male') * 1000) / 1000;

function record(extra: Record<string, unknown>[] = []): Record<string, unknown>[] {
  return [
    { resourceType: 'Patient', id: 'x', gender: 'male', birthDate: '1952-01-01' },
    obs('c1', '2017-06-01T10:00:00Z', '2160-0', scr(50, '2017-06-01'), 'mg/dL'),
    obs('c2', '2018-06-01T10:00:00Z', '2160-0', scr(42, '2018-06-01'), 'mg/dL'),
    obs('a2', '2018-06-01T11:00:00Z', '9318-7', 200, 'mg/g'),
    obs('c3', '2020-05-01T10:00:00Z', '2160-0', scr(35, '2020-05-01'), 'mg/dL'),
    obs('a3', '2020-05-01T10:00:00Z', '9318-7', 400, 'mg/g'),
    obs('s3', '2020-05-01T10:00:00Z', '8480-6', 150, 'mm[Hg]'),
    ...extra,
  ];
}

describe('buildSequence (ckd-progression-seq)', () => {
  it('has one step per visit day, oldest first, with times before the index, gaps, normalised values and masks', () => {
    const s = buildSequence('ckd-progression-seq', extractPatientFeatures(record(), INDEX));
    expect(s.length).toBe(3);
    expect(s.channels).toBe(C);
    expect(s.steps).toHaveLength(3 * C);
    const step = (i: number) => s.steps.slice(i * C, (i + 1) * C);
    // step 1: 2018-06-01 creatinine and ACR on one day (merged); sbp/hba1c missing (0 with mask 0)
    const [yb, gap, egfr, em, uacr, um, sbp, sm, a1c, am] = step(1);
    expect(yb).toBeCloseTo(731 / 365.2425, 12); // whole calendar days 2018-06-01 -> 2020-06-01
    expect(gap).toBeCloseTo(365 / 365.2425, 6);
    expect(egfr! * 20 + 45).toBeCloseTo(42, 0);
    expect(em).toBe(1);
    expect(uacr).toBeCloseTo((Math.log1p(200) - 5) / 2, 6);
    expect(um).toBe(1);
    expect([sbp, sm, a1c, am]).toEqual([0, 0, 0, 0]);
    expect(step(0)[1]).toBe(0); // first step has no gap
    expect(step(2)[6]).toBeCloseTo((150 - 135) / 20, 6);
    // statics: age, sex, flags, last eGFR/ACR all present
    expect(s.staticPresent.every((p) => p === 1)).toBe(true);
    expect(s.statics[DEF.statics.findIndex((x) => x.name === 'sex_male')]).toBe(1);
    expect(s.statics[DEF.statics.findIndex((x) => x.name === 'uacr_last')]).toBeCloseTo((Math.log1p(400) - 5) / 2, 5);
  });

  it('is minimised: whole calendar days (not the hook time of day) and the age in whole years', () => {
    // Born 1952-01-01: 68.42 years at the index; the static carries 68.
    const morning = buildSequence('ckd-progression-seq', extractPatientFeatures(record(), new Date('2020-06-01T00:00:01Z')));
    const evening = buildSequence('ckd-progression-seq', extractPatientFeatures(record(), INDEX));
    expect(morning).toEqual(evening);
    for (let i = 0; i < evening.length; i++) {
      for (const ch of [0, 1]) {
        const days = evening.steps[i * C + ch]! * 365.2425;
        expect(Math.abs(days - Math.round(days))).toBeLessThan(1e-9);
      }
    }
    const age = DEF.statics.findIndex((x) => x.name === 'age');
    expect(evening.statics[age]! * DEF.statics[age]!.scale + DEF.statics[age]!.center).toBeCloseTo(68, 9);
    // ...and the day does matter (the test can fail): one day later, every step is one day older.
    const nextDay = buildSequence('ckd-progression-seq', extractPatientFeatures(record(), new Date('2020-06-02T08:00:00Z')));
    expect(nextDay.steps[0]! * 365.2425).toBeCloseTo(evening.steps[0]! * 365.2425 + 1, 9);
  });

  it('keeps only the window and the most recent maxSteps days', () => {
    const many = Array.from({ length: 70 }, (_, i) => obs(`m${i}`, new Date(INDEX.getTime() - (i + 1) * 20 * 86_400_000).toISOString(), '2160-0', 1.5, 'mg/dL'));
    const old = obs('old', '2010-01-01T00:00:00Z', '2160-0', 1.2, 'mg/dL');
    const s = buildSequence('ckd-progression-seq', extractPatientFeatures([{ resourceType: 'Patient', id: 'x', gender: 'male', birthDate: '1952-01-01' }, old, ...many], INDEX));
    expect(s.length).toBe(DEF.maxSteps);
    expect(s.steps[(DEF.maxSteps - 1) * C]).toBeCloseTo(20 / 365.2425, 12); // newest step: 20 whole days before the index day
    expect(s.steps[0]).toBeLessThan(DEF.windowDays / 365.2425);
  });

  it('no leakage: anything recorded after the index changes neither the sequence nor the statics', () => {
    const later = [
      obs('late1', '2020-06-02T08:00:00Z', '2160-0', 9.5, 'mg/dL'),
      obs('late2', '2021-01-01T08:00:00Z', '9318-7', 4000, 'mg/g'),
      { resourceType: 'Procedure', id: 'dx', status: 'completed', subject: { reference: 'Patient/x' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '265764009' }] }, performedDateTime: '2020-09-01' },
      { resourceType: 'MedicationRequest', id: 'sg', status: 'active', intent: 'order', subject: { reference: 'Patient/x' }, authoredOn: '2020-07-01', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1545658' }] } },
    ];
    const without = sampleAsOf(record(), INDEX, DEF, 365);
    const withLater = sampleAsOf(record(later), INDEX, DEF, 365);
    expect(without.ok && withLater.ok).toBe(true);
    expect(withLater).toEqual(without);
    // ...while the same data before the index does change it (the test can fail).
    const early = sampleAsOf(record([obs('e1', '2020-05-20T08:00:00Z', '2160-0', 3.5, 'mg/dL')]), INDEX, DEF, 365);
    expect(early).not.toEqual(without);
  });

  it('eligibility: the KFRE population (eGFR 10-60 and ACR within a year, not on KRT)', () => {
    expect(progressionEligibility(extractPatientFeatures(record(), INDEX))).toEqual({ eligible: true });
    expect(progressionEligibility(extractPatientFeatures(record(), new Date('2021-06-02T00:00:00Z')))).toEqual({ eligible: false, reason: 'no_recent_egfr' });
    const dialysis = { resourceType: 'Procedure', id: 'd', status: 'completed', subject: { reference: 'Patient/x' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '265764009' }] }, performedDateTime: '2020-05-15' };
    expect(progressionEligibility(extractPatientFeatures(record([dialysis]), INDEX))).toEqual({ eligible: false, reason: 'krt' });
  });
});
