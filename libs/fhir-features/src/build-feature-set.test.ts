import { FEATURE_SET_NAMES, FEATURE_SETS, type FeatureSetName } from '@prognos/contracts';
import { buildFeatureSet, resolvableFeatureNames, toFeaturePayload } from './build-feature-set';
import { extractPatientFeatures } from './extract-patient-features';
import { bp, bundle, condition, ICD10, medRequest, obs, patient, smoking } from './testing/fixtures';

/**
 * One hand-built patient; every expected number below is worked from the formulas by hand
 * (CKD-EPI 2021 constants, UCUM molar masses, IFCC master equation), not taken from our output.
 *
 * Female, born 1954-12-01, Black; asOf 2020-01-01.
 * Age at asOf = 23772 days / 365.2425 = 65.0855 years.
 * Creatinine 1.5 mg/dL on 2019-12-01 (age 65.0007): eGFR 38.43 (clinical-reference §1.2 table).
 * Creatinine 106.08 umol/L (x 113.12 / 10000 = 1.199977 mg/dL) on 2018-12-01 (age 64.0013):
 *   142 x (1.199977/0.7)^-1.2 x 0.9938^64.0013 x 1.012 = 50.5488.
 */
const AS_OF = new Date('2020-01-01T00:00:00Z');
const AGE = 23772 / 365.2425;
const EGFR_LAST = 38.43348;
const EGFR_PREV = 50.54882;

function record(): unknown {
  return bundle([
    patient('female', '1954-12-01', {
      extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'ombCategory', valueCoding: { code: '2054-5' } }] }],
    }),
    obs('2160-0', 1.5, 'mg/dL', '2019-12-01'),
    obs('14682-9', 106.08, 'umol/L', '2018-12-01'),
    // Reported eGFR the same day as a creatinine: ignored in favour of the recomputed value.
    obs('33914-3', 45, 'mL/min', '2019-12-01'),
    obs('9318-7', 30, 'mg/mmol', '2019-11-01'), // 265.205 mg/g
    obs('59261-8', 53, 'mmol/mol', '2019-11-01'), // 6.9995 %
    obs('14647-2', 5, 'mmol/L', '2019-10-01'), // 193.325 mg/dL
    obs('14646-4', 1.3, 'mmol/L', '2019-10-01'), // 50.2645 mg/dL
    obs('13457-7', 130, 'mg/dL', '2019-10-01'),
    bp(150, 90, '2019-12-15'),
    obs('39156-5', 27.5, 'kg/m2', '2019-12-15'),
    obs('29463-7', 165, '[lb_av]', '2019-12-15'), // 74.8427 kg
    obs('2823-3', 4.8, 'meq/L', '2019-12-01'),
    obs('1751-7', 38, 'g/L', '2019-12-01'), // 3.8 g/dL
    obs('14879-1', 1.5, 'mmol/L', '2019-12-01'), // 4.6455 mg/dL
    obs('2028-9', 22, 'mmol/L', '2019-12-01'),
    obs('2000-8', 2.3, 'mmol/L', '2019-12-01'), // 9.2184 mg/dL
    smoking('266919005', '2017-01-01'),
    smoking('449868002', '2019-05-01'),
    condition('44054006', '2010-01-01'),
    condition('I10', '2008-01-01', { system: ICD10 }),
    condition('700378005', '2016-01-01', { clinical: 'resolved', abatement: '2018-05-01' }), // CKD 3a, superseded
    condition('N18.32', '2018-05-01', { system: ICD10 }), // CKD 3b
    condition('49436004', '2019-01-01'),
    condition('88805009', '2019-02-01'),
    condition('230690007', '2015-03-01', { clinical: 'resolved', abatement: '2015-04-01' }), // past stroke
    condition('22298006', '2012-03-01', { clinical: 'resolved', abatement: '2012-04-01' }), // past MI
    condition('271737000', '2019-06-01'), // anaemia
    condition('19943007', '2019-06-01', { verification: 'refuted' }), // refuted cirrhosis
    medRequest('979492', 'losartan potassium 100 MG Oral Tablet', '2018-01-01'),
    medRequest('1545658', 'empagliflozin 10 MG Oral Tablet', '2019-06-01'),
    medRequest('259255', 'Atorvastatin 80 MG Oral Tablet', '2017-01-01'),
    medRequest(undefined, 'Eliquis 5 MG Oral Tablet', '2019-01-15'),
    medRequest('243670', 'Aspirin 81 MG Oral Tablet', '2015-01-01', { status: 'stopped' }),
    medRequest('310965', 'Ibuprofen 200 MG Oral Tablet', '2019-12-20', { status: 'completed', validityEnd: '2020-01-10' }),
  ]);
}

const EXPECTED: Record<FeatureSetName, (number | null)[]> = {
  'kfre-4var': [AGE, 0, EGFR_LAST, 265.205],
  'kfre-8var': [AGE, 0, EGFR_LAST, 265.205, 3.8, 4.6455, 22, 9.2184],
  pce: [AGE, 0, 1, 193.325, 50.2645, 150, 1, 1, 1],
  prevent: [AGE, 0, 193.325, 50.2645, 150, 1, 1, 1, 1, EGFR_LAST, 27.5],
  'cha2ds2-vasc': [AGE, 1, 1, 1, 1, 1, 1],
  // renal_abnormal 0: creatinine 1.5 < 2.26 mg/dL; liver 0: the cirrhosis is refuted.
  'has-bled': [AGE, 150, 1, 0, 0, 1, 1, 0, 1, 0],
  'egfr-trajectory': [
    EGFR_LAST, 31, 2, EGFR_LAST, EGFR_PREV, (EGFR_LAST + EGFR_PREV) / 2, null,
    ((EGFR_LAST - EGFR_PREV) / EGFR_PREV) * 100, 1, 265.205, 61, 1.5, 31,
  ],
  'clinical-context': [
    AGE, 0, 1, 1, 1, 3.2, 0, 1, 1, 1, 130, 6.9995, 4.8, 74.8427,
    1, 3, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
  ],
  // No genomic results on file: every pharmacogenomic feature is missing, never assumed normal.
  pharmacogenomics: [...Array<null>(18).fill(null), 1, 0], // acs_or_pci 1: the past MI (2012)
  // No height; IWPC "unknown" terms for VKORC1 and CYP2C9; Black race (OMB 2054-5); no inducer/amiodarone.
  'warfarin-iwpc': [AGE, null, 74.8427, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0],
  // Female 65 with no pregnancy or breastfeeding record: both unknown (missing), never assumed 0.
  // No AllergyIntolerance: count 0 (with a note). Potassium 4.8 mmol/L 31 days before asOf. Active
  // ingredients: losartan, empagliflozin, atorvastatin, apixaban, ibuprofen (the aspirin is stopped).
  'safety-context': [AGE, 1, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4.8, 31, 5],
};

describe('buildFeatureSet on a hand-built record', () => {
  const pf = extractPatientFeatures(record(), AS_OF);

  it.each(FEATURE_SET_NAMES)('gives the hand-worked vector for %s', (name) => {
    const v = buildFeatureSet(name, pf);
    expect(v.names).toEqual(FEATURE_SETS[name].features.map((f) => f.name));
    expect(v.values).toBeInstanceOf(Float32Array);
    const expected = EXPECTED[name];
    expect(v.values.length).toBe(expected.length);
    expected.forEach((e, i) => {
      const label = `${name}.${v.names[i]}`;
      if (e === null) {
        expect({ label, present: v.present[i] }).toEqual({ label, present: 0 });
      } else {
        expect({ label, present: v.present[i] }).toEqual({ label, present: 1 });
        // Float32 storage: ~7 significant digits.
        expect({ label, diff: Math.abs(v.values[i] - e) < Math.max(1e-3, Math.abs(e) * 1e-5) }).toEqual({ label, diff: true });
      }
    });
  });

  it('explains why a missing feature is missing', () => {
    const v = buildFeatureSet('egfr-trajectory', pf);
    const slope = v.provenance.find((p) => p.feature === 'egfr_slope_per_year');
    expect(slope?.note).toMatch(/>= 3 eGFR values/);
  });

  it('records the creatinine behind a recomputed eGFR, with the original SI value and unit', () => {
    const v = buildFeatureSet('egfr-trajectory', pf);
    const items = v.provenance.find((p) => p.feature === 'egfr_min')!.items;
    expect(items.map((i) => i.derivation)).toEqual(['computed', 'computed']);
    const kfre = buildFeatureSet('kfre-4var', pf);
    const egfr = kfre.provenance.find((p) => p.feature === 'egfr')!.items;
    expect(egfr[0]).toMatchObject({ concept: 'egfr', derivation: 'computed', unit: 'mL/min/{1.73_m2}', date: '2019-12-01' }); // the date as recorded
    expect(egfr[1]).toMatchObject({ concept: 'creatinine', value: 1.5, unit: 'mg/dL', derivation: 'measured' });
    const uacr = kfre.provenance.find((p) => p.feature === 'uacr_mg_g')!.items[0];
    expect(uacr).toMatchObject({ originalValue: 30, originalUnit: 'mg/mmol', unit: 'mg/g' });
  });

  it('counts the eGFR unit-label defect and keeps the same-day reported eGFR out of the series', () => {
    expect(pf.dataQuality.corrected).toEqual({ egfr_unit_label_ml_min: 1 });
    expect(pf.egfr.every((p) => p.derivation === 'computed')).toBe(true);
  });

  it('produces a JSON-safe payload without resource ids or names', () => {
    const payload = toFeaturePayload(buildFeatureSet('clinical-context', pf));
    const json = JSON.stringify(payload);
    expect(json).not.toMatch(/fixture-\d+/);
    expect(json).not.toMatch(/Fixture|Hand/);
    expect(JSON.parse(json)).toEqual(payload);
    expect(payload.values.every((x) => Number.isFinite(x))).toBe(true);
  });

  it('has a resolver for every feature of every set', () => {
    const known = new Set(resolvableFeatureNames());
    for (const set of FEATURE_SET_NAMES) for (const f of FEATURE_SETS[set].features) expect(known.has(f.name) ? f.name : `missing ${f.name}`).toBe(f.name);
  });

  it('marks everything missing (or 0 with a note) for an empty record', () => {
    const empty = extractPatientFeatures(null, AS_OF);
    const v = buildFeatureSet('kfre-4var', empty);
    expect(Array.from(v.present)).toEqual([0, 0, 0, 0]);
    const p = toFeaturePayload(buildFeatureSet('cha2ds2-vasc', empty));
    expect(p.values.every((x) => x === 0)).toBe(true);
    expect(p.provenance.find((x) => x.feature === 'chf')?.note).toMatch(/no Condition resources/);
  });

  it('counts an intracerebral haemorrhage (I61) as stroke and bleeding for the AF scores but not as clinical ASCVD', () => {
    const rec = extractPatientFeatures(bundle([patient('male', '1950-01-01'), condition('I61.9', '2015-01-01', { system: ICD10, clinical: 'resolved', abatement: '2015-02-01' })]), AS_OF);
    const flag = (set: FeatureSetName, name: string) => {
      const v = buildFeatureSet(set, rec);
      return v.values[FEATURE_SETS[set].features.findIndex((f) => f.name === name)];
    };
    expect(flag('cha2ds2-vasc', 'stroke_tia_te')).toBe(1);
    expect(flag('has-bled', 'stroke')).toBe(1);
    expect(flag('has-bled', 'bleeding_history')).toBe(1);
    // Statin secondary prevention is for atherosclerotic disease; a haemorrhagic stroke alone is not ASCVD.
    expect(flag('clinical-context', 'ascvd')).toBe(0);
  });

  it('rejects an unknown feature set name with a clear error', () => {
    expect(() => buildFeatureSet('nope' as FeatureSetName, pf)).toThrow("unknown feature set 'nope'");
  });
});
