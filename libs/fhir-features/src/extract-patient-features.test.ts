import { buildFeatureSet } from './build-feature-set';
import { extractPatientFeatures } from './extract-patient-features';
import { bp, bundle, condition, ICD10, medRequest, obs, patient, RXNORM, smoking } from './testing/fixtures';

const AS_OF = new Date('2020-01-01T00:00:00Z');
const feature = (set: Parameters<typeof buildFeatureSet>[0], name: string, rec: unknown, asOf = AS_OF): number | null => {
  const v = buildFeatureSet(set, extractPatientFeatures(rec, asOf));
  const i = v.names.indexOf(name);
  return v.present[i] ? v.values[i] : null;
};

describe('observations', () => {
  it('uses only final, amended or corrected results and counts the rest', () => {
    const pf = extractPatientFeatures([
      patient('male', '1960-01-01'),
      obs('2823-3', 4.1, 'mmol/L', '2019-01-01', { status: 'amended' }),
      obs('2823-3', 4.2, 'mmol/L', '2019-02-01', { status: 'corrected' }),
      obs('2823-3', 6.5, 'mmol/L', '2019-03-01', { status: 'preliminary' }),
      obs('2823-3', 6.6, 'mmol/L', '2019-04-01', { status: 'entered-in-error' }),
    ], AS_OF);
    expect(pf.series.potassium.map((p) => p.value)).toEqual([4.1, 4.2]);
    expect(pf.dataQuality.excluded.not_final).toBe(2);
  });

  it('ignores results after asOf, and takes issued when effective[x] is absent', () => {
    const noEffective = obs('2823-3', 4.4, 'mmol/L', '', { issued: '2019-06-01T10:00:00Z' });
    delete noEffective.effectiveDateTime;
    const pf = extractPatientFeatures(bundle([noEffective, obs('2823-3', 5.0, 'mmol/L', '2020-01-02')]), AS_OF);
    expect(pf.series.potassium.map((p) => [p.value, p.date])).toEqual([[4.4, '2019-06-01T10:00:00Z']]);
    expect(pf.dataQuality.excluded.after_as_of).toBe(1);
  });

  it('uses the end of an effectivePeriod', () => {
    const o = obs('9318-7', 40, 'mg/g', '');
    delete o.effectiveDateTime;
    o.effectivePeriod = { start: '2019-05-01T08:00:00Z', end: '2019-05-02T08:00:00Z' };
    expect(extractPatientFeatures(o, AS_OF).series.uacr[0].date).toBe('2019-05-02T08:00:00Z');
  });

  it('removes exact duplicates and implausible values, counting each reason', () => {
    const pf = extractPatientFeatures([
      obs('4548-4', 7.2, '%', '2019-01-01'),
      obs('4548-4', 7.2, '%', '2019-01-01'),
      obs('4548-4', 2.6, '%', '2019-02-01'), // Synthea's impossible HbA1c
      obs('2160-0', 1.1, 'furlong', '2019-02-01'),
      obs('2160-0', 1.1, 'g', '2019-02-01'),
    ], AS_OF);
    expect(pf.series.hba1c.map((p) => p.value)).toEqual([7.2]);
    expect(pf.dataQuality.excluded).toMatchObject({ duplicate: 1, implausible_value: 1, unknown_unit: 1, incompatible_unit: 1 });
  });

  it('reads systolic and diastolic pressure from both BP panel codes', () => {
    const pf = extractPatientFeatures([bp(150, 90, '2019-01-01', '55284-4'), bp(135, 85, '2019-06-01', '85354-9')], AS_OF);
    expect(pf.series.sbp.map((p) => p.value)).toEqual([150, 135]);
    expect(pf.series.dbp.map((p) => p.value)).toEqual([90, 85]);
  });

  it('recomputes eGFR from each creatinine and uses a reported eGFR only on days without creatinine', () => {
    const pf = extractPatientFeatures([
      patient('male', '1964-06-01'),
      obs('38483-4', 1.2, 'mg/dL', '2019-06-01T09:00:00Z'), // age 55.0: 71.42 (clinical-reference §1.2)
      obs('33914-3', 99, 'mL/min/{1.73_m2}', '2019-06-01T09:00:00Z'), // same day: ignored
      obs('98979-8', 64, 'mL/min/{1.73_m2}', '2019-09-01'), // no creatinine that day: used as reported
    ], AS_OF);
    expect(pf.egfr.map((p) => p.derivation)).toEqual(['computed', 'reported']);
    expect(pf.egfr[0].value).toBeCloseTo(71.42, 1);
    expect(pf.egfr[1].value).toBe(64);
    // The latest eGFR is the reported one, so the flag says 0.
    expect(feature('egfr-trajectory', 'egfr_from_creatinine', [
      patient('male', '1964-06-01'), obs('38483-4', 1.2, 'mg/dL', '2019-06-01'), obs('98979-8', 64, 'mL/min/{1.73_m2}', '2019-09-01'),
    ])).toBe(0);
  });

  it('does not compute eGFR without sex or birth date, and says so', () => {
    const pf = extractPatientFeatures([patient('unknown', '1964-06-01'), obs('2160-0', 1.2, 'mg/dL', '2019-06-01')], AS_OF);
    expect(pf.egfr).toEqual([]);
    expect(pf.dataQuality.excluded.egfr_not_computable).toBe(1);
  });

  it('falls back to US Core birth sex when gender is not male or female', () => {
    const p = patient('unknown', '1964-06-01', { extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'F' }] });
    expect(extractPatientFeatures(p, AS_OF).patient.sex).toBe('female');
  });

  it('takes the latest known smoking status', () => {
    expect(feature('pce', 'smoker', [smoking('449868002', '2015-01-01'), smoking('8517006', '2019-01-01'), smoking('266927001', '2019-06-01')])).toBe(0);
    expect(feature('pce', 'smoker', [smoking('266919005', '2015-01-01'), smoking('449868002', '2019-01-01')])).toBe(1);
    expect(feature('pce', 'smoker', [patient('male', '1960-01-01')])).toBeNull();
  });

  it('leaves latest values older than the look-back limit out of the vector but in provenance', () => {
    const v = buildFeatureSet('kfre-4var', extractPatientFeatures([obs('9318-7', 40, 'mg/g', '2015-01-01')], AS_OF));
    expect(v.present[3]).toBe(0);
    expect(v.provenance[3].note).toBe('too old: last value 2015-01-01, 1826 days old, older than the 365-day window (LAB_MAX_AGE_DAYS)');
    expect(v.provenance[3].items[0].value).toBe(40);
  });
});

describe('conditions', () => {
  it('counts active conditions and ignores resolved, refuted and future ones', () => {
    const rec = [
      condition('59621000', '2010-01-01', { clinical: 'resolved', abatement: '2015-01-01' }),
      condition('49436004', '2019-01-01', { verification: 'entered-in-error' }),
      condition('88805009', '2020-06-01'),
    ];
    expect(feature('cha2ds2-vasc', 'hypertension', rec)).toBe(0);
    expect(feature('cha2ds2-vasc', 'chf', rec)).toBe(0);
    expect(feature('clinical-context', 'atrial_fibrillation', rec)).toBe(0);
  });

  it('treats a condition resolved after asOf as active at asOf', () => {
    expect(feature('cha2ds2-vasc', 'hypertension', [condition('38341003', '2010-01-01', { clinical: 'resolved', abatement: '2021-01-01' })])).toBe(1);
  });

  it('keeps history concepts (stroke, MI) after they resolve', () => {
    const rec = [condition('230690007', '2012-01-01', { clinical: 'resolved', abatement: '2012-02-01' })];
    expect(feature('cha2ds2-vasc', 'stroke_tia_te', rec)).toBe(1);
    expect(feature('clinical-context', 'ascvd', rec)).toBe(1);
  });

  it('maps ICD-10-CM by longest prefix and takes the most recently coded CKD stage', () => {
    expect(feature('clinical-context', 'ckd_stage', [condition('N18.31', '2018-01-01', { system: ICD10 })])).toBeCloseTo(3.1, 5);
    expect(feature('clinical-context', 'ckd_stage', [
      condition('N18.4', '2019-01-01', { system: ICD10 }), condition('431856006', '2015-01-01'),
    ])).toBe(4);
    expect(feature('clinical-context', 'ckd_stage', [condition('N18.9', '2018-01-01', { system: ICD10 })])).toBeNull();
    expect(feature('clinical-context', 'type2_diabetes', [condition('E11.22', '2018-01-01', { system: ICD10 })])).toBe(1);
    expect(feature('clinical-context', 'ckd', [condition('E11.22', '2018-01-01', { system: ICD10 })])).toBe(1);
  });

  it('flags dialysis from a recent dialysis procedure and renal abnormality from creatinine >= 2.26 mg/dL', () => {
    const proc = { resourceType: 'Procedure', status: 'completed', code: { coding: [{ system: 'http://snomed.info/sct', code: '265764009' }] }, performedDateTime: '2019-12-20' };
    expect(feature('clinical-context', 'dialysis_or_transplant', [proc])).toBe(1);
    expect(feature('has-bled', 'renal_abnormal', [proc])).toBe(1);
    expect(feature('has-bled', 'renal_abnormal', [obs('14682-9', 200, 'umol/L', '2019-12-01')])).toBe(1); // 2.2624 mg/dL
    expect(feature('has-bled', 'renal_abnormal', [obs('14682-9', 199, 'umol/L', '2019-12-01')])).toBe(0); // 2.2511 mg/dL
  });
});

describe('medications', () => {
  it('maps Synthea product codes, including the misspelt simvastatin, to class and intensity', () => {
    const rec = [medRequest('316672', 'Simvistatin 10 MG', '2019-01-01')];
    expect(feature('clinical-context', 'on_statin', rec)).toBe(1);
    expect(feature('clinical-context', 'statin_intensity', rec)).toBe(1); // simvastatin 10 mg: low (ACC/AHA 2018)
  });

  it('derives statin intensity from strength x frequency', () => {
    const dosage = [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 1 } }] }];
    // atorvastatin 10 mg twice daily = 20 mg/day: moderate
    expect(feature('clinical-context', 'statin_intensity', [medRequest('617312', 'atorvastatin 10 MG Oral Tablet', '2019-01-01', { dosage })])).toBe(2);
    expect(feature('clinical-context', 'statin_intensity', [medRequest('617311', 'atorvastatin 40 MG Oral Tablet', '2019-01-01')])).toBe(3);
    expect(feature('clinical-context', 'statin_intensity', [medRequest(undefined, 'some atorvastatin', '2019-01-01')])).toBeNull();
  });

  it('resolves contained and bundle-referenced Medication resources', () => {
    const contained = medRequest(undefined, '', '2019-01-01', {
      extra: { contained: [{ resourceType: 'Medication', id: 'm1', code: { coding: [{ system: RXNORM, code: '1545658' }] } }], medicationReference: { reference: '#m1' } },
    });
    delete contained.medicationCodeableConcept;
    const referencing = medRequest(undefined, '', '2019-01-01', { extra: { medicationReference: { reference: 'Medication/abc' } } });
    delete referencing.medicationCodeableConcept;
    const med = { resourceType: 'Medication', id: 'abc', code: { text: 'apixaban 5 MG Oral Tablet' } };
    const pf = extractPatientFeatures(bundle([contained, referencing, med]), AS_OF);
    expect(pf.medications.map((m) => m.classes.includes('sglt2i') || m.classes.includes('doac'))).toEqual([true, true]);
  });

  it('lets the text overrule an unverified code that names another drug', () => {
    // 29046 is in the table as the lisinopril ingredient (unverified); the display says empagliflozin.
    const pf = extractPatientFeatures([medRequest('29046', 'empagliflozin 10 MG Oral Tablet', '2019-01-01')], AS_OF);
    expect(pf.medications[0].ingredients).toEqual(['empagliflozin']);
    expect(pf.medications[0].classes).toContain('sglt2i');
  });

  it('classifies sacubitril/valsartan as ARNI, not ARB', () => {
    const rec = [medRequest(undefined, 'Entresto 49 MG / 51 MG Oral Tablet', '2019-01-01')];
    expect(feature('clinical-context', 'on_arni', rec)).toBe(1);
    expect(feature('clinical-context', 'on_arb', rec)).toBe(0);
  });

  it('applies status, authoredOn and validity period as of asOf', () => {
    expect(feature('clinical-context', 'on_doac', [medRequest('1364445', 'apixaban 5 MG Oral Tablet', '2019-01-01', { status: 'stopped' })])).toBe(0);
    expect(feature('clinical-context', 'on_doac', [medRequest('1364445', 'apixaban 5 MG Oral Tablet', '2020-02-01')])).toBe(0);
    expect(feature('clinical-context', 'on_doac', [medRequest('1364445', 'apixaban 5 MG Oral Tablet', '2019-01-01', { validityEnd: '2019-06-01' })])).toBe(0);
    expect(feature('clinical-context', 'on_doac', [medRequest('1364445', 'apixaban 5 MG Oral Tablet', '2019-01-01', { status: 'completed', validityEnd: '2020-02-01' })])).toBe(1);
  });

  it('reads MedicationStatement effective periods', () => {
    const st = (end?: string): Record<string, unknown> => ({
      resourceType: 'MedicationStatement', status: end ? 'completed' : 'active',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '6809' }] }, effectivePeriod: end ? { start: '2018-01-01', end } : { start: '2018-01-01' },
    });
    expect(feature('clinical-context', 'on_metformin', [st()])).toBe(1);
    expect(feature('clinical-context', 'on_metformin', [st('2019-01-01')])).toBe(0);
    expect(feature('clinical-context', 'on_metformin', [st('2020-03-01')])).toBe(1);
  });
});

describe('robust input handling', () => {
  it('walks a CDS Hooks prefetch object with nulls, OperationOutcomes and the same resource twice', () => {
    const p = patient('female', '1950-01-01');
    const creat = obs('2160-0', 0.9, 'mg/dL', '2019-12-01');
    const prefetch = {
      patient: p,
      labs: bundle([creat]),
      labsAgain: bundle([creat]),
      conditions: null,
      meds: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] },
    };
    const pf = extractPatientFeatures(prefetch, AS_OF);
    expect(pf.series.creatinine).toHaveLength(1);
    expect(pf.dataQuality.excluded.duplicate_resource).toBe(1);
    expect(pf.dataQuality.resourcesSeen).toBe(3);
  });

  it('survives __proto__ and constructor keys from JSON without touching prototypes', () => {
    const rec = JSON.parse('{"__proto__": {"resourceType": "Patient", "gender": "male", "birthDate": "1950-01-01"}, "constructor": {"prototype": 1}, "x": {"resourceType": "Observation", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]}, "effectiveDateTime": "2019-01-01", "valueQuantity": {"value": 4, "unit": "constructor"}}}');
    const pf = extractPatientFeatures(rec, AS_OF);
    expect(pf.patient.sex).toBe('male');
    expect(pf.dataQuality.excluded.unknown_unit).toBe(1);
    expect(({} as Record<string, unknown>).resourceType).toBeUndefined();
  });

  it('counts malformed resources and never throws on garbage', () => {
    const garbage = [
      42, 'text', { resourceType: 7 }, { resourceType: 'Observation', code: 'nope' },
      { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] }, effectiveDateTime: '2019-01-01', valueQuantity: { value: 'x' } },
      { resourceType: 'Bundle', entry: 'not an array' }, { resourceType: 'Bundle', entry: [null, { resource: 5 }] },
      { resourceType: 'Condition', code: { coding: 'x' } }, { resourceType: 'MedicationRequest', medicationCodeableConcept: 7 },
      { resourceType: 'Patient', birthDate: 12, gender: ['male'] },
    ];
    const pf = extractPatientFeatures(garbage, AS_OF);
    expect(pf.dataQuality.excluded.malformed_resource).toBeGreaterThanOrEqual(6);
    expect(pf.dataQuality.excluded.no_value).toBe(1);
    for (const set of ['kfre-4var', 'clinical-context'] as const) expect(() => buildFeatureSet(set, pf)).not.toThrow();
  });

  it('handles very deep nesting and huge arrays without recursion', () => {
    let deep: unknown = obs('2823-3', 4, 'mmol/L', '2019-01-01');
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const pf = extractPatientFeatures(deep, AS_OF);
    expect(pf.series.potassium).toHaveLength(0);
    expect(pf.dataQuality.excluded.nesting_too_deep).toBe(1);
    const huge = new Array(300_000).fill(null);
    huge.push(obs('2823-3', 4, 'mmol/L', '2019-01-01'));
    expect(extractPatientFeatures(huge, AS_OF).series.potassium).toHaveLength(1);
  });

  it('uses nothing when asOf is an invalid date', () => {
    const pf = extractPatientFeatures([obs('2823-3', 4, 'mmol/L', '2019-01-01')], new Date('garbage'));
    expect(pf.series.potassium).toHaveLength(0);
  });
});
