/**
 * Corrections from the issue-10 clinical review, each tested from both sides.
 */
import { buildFeatureSet } from './build-feature-set';
import { lookupIcd10, SNOMED_CONDITIONS } from './codes/condition-concepts';
import { statinIntensity } from './codes/resolve-medication';
import { extractPatientFeatures } from './extract-patient-features';
import { condition, ICD10, obs, patient } from './testing/fixtures';

const AS_OF = new Date('2024-06-01T00:00:00Z');
const feature = (record: unknown[], set: 'clinical-context' | 'egfr-trajectory' | 'has-bled', name: string): number | undefined => {
  const v = buildFeatureSet(set, extractPatientFeatures(record, AS_OF));
  const i = v.names.indexOf(name);
  return v.present[i] ? Math.round(v.values[i] * 100) / 100 : undefined;
};

describe('eGFR: several reported values on one day', () => {
  // A lab reporting MDRD "among Blacks" (48643-1, race-adjusted) beside CKD-EPI 2021 (98979-8).
  it.each([
    ['race-adjusted higher, CKD-EPI 2021 lower: CKD-EPI 2021 wins', [['48643-1', 52], ['98979-8', 43]], 43],
    ['race-adjusted lower: CKD-EPI 2021 still wins', [['48643-1', 40], ['98979-8', 43]], 43],
    ['race-free unspecified (33914-3) beats the non-Black race-specific value (48642-3)', [['48642-3', 50], ['33914-3', 44]], 44],
    ['a race-adjusted value alone is never used', [['48643-1', 52]], undefined],
  ])('%s', (_label, values, expected) => {
    const record = [patient('female', '1960-01-01'), ...values.map(([code, v]) => obs(code as string, v as number, 'mL/min/{1.73_m2}', '2024-05-01T08:00:00Z'))];
    expect(feature(record, 'egfr-trajectory', 'egfr_last')).toBe(expected);
  });
  it('a recomputed CKD-EPI 2021 value (from creatinine) beats every reported value that day', () => {
    const record = [patient('female', '1960-01-01'), obs('2160-0', 1.5, 'mg/dL', '2024-05-01T08:00:00Z'), obs('98979-8', 60, 'mL/min/{1.73_m2}', '2024-05-01T08:00:00Z')];
    expect(feature(record, 'egfr-trajectory', 'egfr_from_creatinine')).toBe(1);
  });
});

describe('I69 sequelae and CKD 5T', () => {
  it.each([
    ['I69.1 (sequelae of intracerebral haemorrhage)', 'I69.10', 0],
    ['I69.0 (sequelae of subarachnoid haemorrhage)', 'I69.00', 0],
    ['I69.2 (other nontraumatic intracranial haemorrhage)', 'I69.20', 0],
    ['I69.3 (sequelae of cerebral infarction)', 'I69.30', 1],
  ])('%s counts as ASCVD: %p', (_label, code, ascvd) => {
    expect(feature([patient('male', '1960-01-01'), condition(code, '2015-01-01', { system: ICD10 })], 'clinical-context', 'ascvd')).toBe(ascvd);
  });
  it('haemorrhagic sequelae still count as stroke and bleeding history for HAS-BLED', () => {
    expect(lookupIcd10('I69.1')?.concepts).toEqual(['haemorrhagic_stroke', 'major_bleeding']);
    expect(feature([patient('male', '1960-01-01'), condition('I69.10', '2015-01-01', { system: ICD10 })], 'has-bled', 'stroke')).toBe(1);
  });
  it('714153000 (CKD 5T) is a kidney transplant, so KFRE-excluded; 433146000 (CKD 5) is not', () => {
    expect(SNOMED_CONDITIONS.get('714153000')?.concepts).toContain('kidney_transplant');
    expect(feature([patient('male', '1960-01-01'), condition('714153000', '2015-01-01')], 'clinical-context', 'dialysis_or_transplant')).toBe(1);
    expect(feature([patient('male', '1960-01-01'), condition('433146000', '2015-01-01')], 'clinical-context', 'dialysis_or_transplant')).toBe(0);
  });
});

describe('statin intensity (2018 AHA/ACC Table 3)', () => {
  it('pitavastatin 1-4 mg is moderate intensity', () => {
    expect([1, 2, 4].map((mg) => statinIntensity('pitavastatin', mg))).toEqual([2, 2, 2]);
    expect(statinIntensity('rosuvastatin', 20)).toBe(3);
    expect(statinIntensity('rosuvastatin', 10)).toBe(2);
  });
});
