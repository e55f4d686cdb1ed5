import { buildFeatureSet } from './build-feature-set';
import { extractPatientFeatures } from './extract-patient-features';
import { condition, ICD10, LOINC, medRequest, obs, patient, RXNORM, SNOMED } from './testing/fixtures';

const AS_OF = new Date('2024-06-01T00:00:00Z');

function allergy(opts: { code?: { system: string; code: string; display: string }; text?: string; clinical?: string; verification?: string; manifestation?: string }): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resourceType: 'AllergyIntolerance', id: `a-${Math.random()}`,
    code: { ...(opts.code ? { coding: [opts.code] } : {}), ...(opts.text ? { text: opts.text } : {}) },
    recordedDate: '2020-03-01',
  };
  if (opts.clinical) r.clinicalStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: opts.clinical }] };
  if (opts.verification) r.verificationStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: opts.verification }] };
  if (opts.manifestation) r.reaction = [{ manifestation: [{ text: opts.manifestation }] }];
  return r;
}

function safety(record: unknown[]) {
  const v = buildFeatureSet('safety-context', extractPatientFeatures(record, AS_OF));
  const get = (n: string) => { const i = v.names.indexOf(n); return v.present[i] ? v.values[i] : undefined; };
  const items = (n: string) => v.provenance.find((p) => p.feature === n)!.items;
  return { get, items };
}

const lisinopril = { system: RXNORM, code: '29046', display: 'lisinopril' };

describe('AllergyIntolerance status handling', () => {
  it.each([
    ['active confirmed', { clinical: 'active', verification: 'confirmed' }, ['allergy:acei:lisinopril:angioedema']],
    ['no status at all', {}, ['allergy:acei:lisinopril:angioedema:unconfirmed']],
    ['unconfirmed', { clinical: 'active', verification: 'unconfirmed' }, ['allergy:acei:lisinopril:angioedema:unconfirmed']],
    ['refuted', { clinical: 'active', verification: 'refuted' }, []],
    ['entered in error', { verification: 'entered-in-error' }, []],
    ['resolved', { clinical: 'resolved', verification: 'confirmed' }, []],
  ])('%s', (_label, status, concepts) => {
    const s = safety([patient('male', '1960-01-01'), allergy({ code: lisinopril, manifestation: 'Angioedema of lips', ...status })]);
    expect(s.items('drug_allergy_count').map((i) => i.concept)).toEqual(concepts);
    expect(s.get('drug_allergy_count')).toBe(concepts.length);
  });

  it('matches a class written as text, and ignores substances it does not screen', () => {
    const s = safety([patient('male', '1960-01-01'), allergy({ text: 'ACE inhibitors' }), allergy({ text: 'Peanuts' })]);
    expect(s.items('drug_allergy_count').map((i) => i.concept)).toEqual(['allergy:acei:*:unconfirmed']);
  });
});

describe('pregnancy and lactation', () => {
  const status = (answer: string, date: string) => ({
    resourceType: 'Observation', id: `p-${answer}-${date}`, status: 'final',
    code: { coding: [{ system: LOINC, code: '82810-3', display: 'Pregnancy status' }] }, effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: SNOMED, code: answer }] },
  });
  it.each([
    ['no record: unknown', [], undefined],
    ['pregnant status (82810-3 = 77386006)', [status('77386006', '2024-05-01')], 1],
    ['not pregnant status', [status('60001007', '2024-05-01')], 0],
    ['the latest status wins', [status('77386006', '2024-01-01'), status('60001007', '2024-05-01')], 0],
    ['a status older than 42 weeks says nothing', [status('77386006', '2023-01-01')], undefined],
    ['an estimated delivery date ahead', [{ resourceType: 'Observation', id: 'edd', status: 'final', code: { coding: [{ system: LOINC, code: '11778-8' }] }, effectiveDateTime: '2024-03-01', valueDateTime: '2024-10-01' }], 1],
    ['an active pregnancy condition (ICD-10 Z34)', [condition('Z34.00', '2024-02-01', { system: ICD10 })], 1],
  ])('%s', (_label, extra, expected) => {
    expect(safety([patient('female', '1994-01-01'), ...extra]).get('pregnant')).toBe(expected);
  });
  it('a man is not pregnant', () => {
    expect(safety([patient('male', '1994-01-01')]).get('pregnant')).toBe(0);
  });
});

describe('contraindicating conditions and interacting drugs', () => {
  it.each([
    ['prosthetic_valve', condition('Z95.2', '2015-01-01', { system: ICD10 })],
    ['mitral_stenosis', condition('I05.0', '2015-01-01', { system: ICD10 })],
    ['angioedema_history', condition('T78.3XXA', '2015-01-01', { system: ICD10, clinical: 'resolved', abatement: '2015-02-01' })],
    ['ketoacidosis_history', condition('E10.10', '2019-01-01', { system: ICD10, clinical: 'resolved', abatement: '2019-01-10' })],
    ['type1_diabetes', condition('E10.9', '2001-01-01', { system: ICD10 })],
    ['active_bleeding', condition('K92.2', '2024-05-20', { system: ICD10 })],
  ])('%s: 1 with the condition, 0 without', (feature, cond) => {
    expect(safety([patient('male', '1960-01-01'), cond]).get(feature)).toBe(1);
    expect(safety([patient('male', '1960-01-01'), condition('I10', '2010-01-01', { system: ICD10 })]).get(feature)).toBe(0);
  });
  it('an old bleed is not active bleeding', () => {
    expect(safety([patient('male', '1960-01-01'), condition('K92.2', '2020-01-01', { system: ICD10 })]).get('active_bleeding')).toBe(0);
  });
  it('lists active ingredients, including interacting ones named only in text', () => {
    const s = safety([patient('male', '1960-01-01'), medRequest(undefined, 'Ketoconazole 200 MG Oral Tablet', '2024-05-01'), medRequest('1364445', 'apixaban 5 MG Oral Tablet', '2024-01-01')]);
    expect(s.items('active_ingredient_count').map((i) => i.concept).sort()).toEqual(['ingredient:apixaban', 'ingredient:ketoconazole']);
  });
  it('potassium: latest value and its age', () => {
    const s = safety([patient('male', '1960-01-01'), obs('2823-3', 5.8, 'mmol/L', '2024-05-02')]);
    expect(s.get('potassium_last')).toBeCloseTo(5.8, 5);
    expect(s.get('potassium_last_age_days')).toBeCloseTo(30, 5);
    expect(safety([patient('male', '1960-01-01')]).get('potassium_last')).toBeUndefined();
  });
});
