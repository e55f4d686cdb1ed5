import type { CardDraft, PredictionRecord, ScoringInput } from '@prognos/contracts';
import { PATIENT_REFERENCE } from '@prognos/contracts';
import { cardiovascularRiskService as svc, riskBand } from './cardiovascular-risk';
import { TEST_CONFIG, createdResources, expectValidCard, notComputed, prediction, scoringInput, suggestedCodes, type FeatureSpec } from './test-support';

const ASOF = '2025-06-01T00:00:00Z';

function input(ctx: Record<string, FeatureSpec> = {}, pce: Record<string, FeatureSpec> = {}): ScoringInput {
  return scoringInput({
    serviceId: 'cardiovascular-risk', asOf: ASOF,
    sets: {
      'clinical-context': { age_years: 55, sex_male: 1, type2_diabetes: 0, ascvd: 0, ldl_mg_dl: { value: 130, date: '2025-04-01' }, on_statin: 0, statin_intensity: 0, ...ctx },
      pce: { age_years: 55, sex_male: 1, race_black: 0, total_chol_mg_dl: 213, hdl_mg_dl: 50, sbp_mmhg: 120, bp_treated: 0, smoker: 0, diabetes: 0, ...pce },
      prevent: { age_years: 55, sex_male: 1, total_chol_mg_dl: 213, hdl_mg_dl: 50, sbp_mmhg: 120, bp_treated: 0, statin: 0, diabetes: 0, smoker: 0, egfr: 90, bmi_kg_m2: 27 },
    },
  });
}

const pce = (v: number): PredictionRecord => prediction('pce', 'ascvd_10y', v, { horizonYears: 10 });
const prevent = (cvd: number, ascvd: number, hf: number): PredictionRecord[] => [
  prediction('prevent-base-10y', 'cvd_10y', cvd, { horizonYears: 10 }),
  prediction('prevent-base-10y', 'ascvd_10y', ascvd, { horizonYears: 10 }),
  prediction('prevent-base-10y', 'hf_10y', hf, { horizonYears: 10 }),
];

function cards(i: ScoringInput, predictions: PredictionRecord[]): CardDraft[] {
  const out = svc.buildCards({ input: i, predictions, config: TEST_CONFIG }).cards;
  for (const c of out) expectValidCard(c);
  return out;
}
const statinCard = (cs: CardDraft[]) => cs.find((c) => c.kind.startsWith('cv.statin') || c.kind === 'cv.secondary-prevention-statin');

describe('cardiovascular-risk: model runs', () => {
  it('runs PCE and PREVENT for primary prevention', () => {
    expect(svc.modelRuns(input(), TEST_CONFIG)).toEqual([{ modelId: 'pce', featureSet: 'pce' }, { modelId: 'prevent-base-10y', featureSet: 'prevent' }]);
  });
  it('runs no risk equation when clinical ASCVD is present', () => {
    expect(svc.modelRuns(input({ ascvd: 1 }), TEST_CONFIG)).toEqual([]);
  });
});

describe('cardiovascular-risk: risk bands (ACC/AHA 2019)', () => {
  it('places 4.99% low, 5% borderline, 7.49% borderline, 7.5% intermediate, 19.99% intermediate, 20% high', () => {
    expect([0.0499, 0.05, 0.0749, 0.075, 0.1999, 0.2].map(riskBand)).toEqual(['low', 'borderline', 'borderline', 'intermediate', 'intermediate', 'high']);
  });
});

describe('cardiovascular-risk: risk card and RiskAssessments', () => {
  it('states PCE and PREVENT risks and files each model exactly', () => {
    const cs = cards(input(), [pce(0.05383), ...prevent(0.0612, 0.0401, 0.0213)]);
    const card = cs.find((c) => c.kind === 'cv.risk')!;
    expect(card.summary).toBe('10-year ASCVD risk 5.4% (PCE, borderline); PREVENT CVD 6.1%; HF 2.1%');
    expect(card.detail).toContain('Total cholesterol: 213 mg/dL');
    const ras = createdResources(card, 'RiskAssessment');
    expect(ras).toHaveLength(2);
    expect(ras[0]).toMatchObject({ status: 'final', subject: { reference: PATIENT_REFERENCE }, occurrenceDateTime: ASOF, prediction: [{ probabilityDecimal: 0.05383, outcome: { coding: [{ code: '72092001' }] }, whenRange: { high: { value: 10, code: 'a' } } }] });
    const preventCodes = (ras[1]!.prediction as { outcome: { coding: { code: string }[] } }[]).map((p) => p.outcome.coding[0]!.code);
    expect(preventCodes).toEqual(['49601007', '72092001', '84114007']);
    expect((ras[1]!.method as { coding: { code: string }[] }).coding[0]!.code).toBe('prevent-base-10y');
  });

  it('lists why a model was not computed', () => {
    const cs = cards(input(), [notComputed('pce', 'ascvd_10y', 'age 35 outside validated range 40-79'), ...prevent(0.03, 0.02, 0.01)]);
    expect(cs.find((c) => c.kind === 'cv.risk')!.detail).toContain('PCE not computed: age 35 outside validated range 40-79');
  });
});

describe('cardiovascular-risk: primary-prevention statin by PCE band', () => {
  it('suggests no statin below 5%', () => {
    expect(statinCard(cards(input(), [pce(0.0499)]))).toBeUndefined();
  });
  it('offers a moderate-intensity statin, not pre-selected, at borderline 5%', () => {
    const c = statinCard(cards(input(), [pce(0.05)]))!;
    expect(c.kind).toBe('cv.statin-borderline');
    expect(c.indicator).toBe('info');
    expect(c.suggestions![0]!.isRecommended).toBe(false);
  });
  it('recommends a moderate-intensity statin from 7.5% to below 20%', () => {
    expect(statinCard(cards(input(), [pce(0.0749)]))!.kind).toBe('cv.statin-borderline');
    const c = statinCard(cards(input(), [pce(0.075)]))!;
    expect(c.kind).toBe('cv.statin-intermediate');
    expect(suggestedCodes(c)).toEqual(['312961']);
    expect(statinCard(cards(input(), [pce(0.1999)]))!.kind).toBe('cv.statin-intermediate');
  });
  it('recommends a high-intensity statin at 20%', () => {
    const c = statinCard(cards(input(), [pce(0.2)]))!;
    expect(c.kind).toBe('cv.statin-high');
    expect(suggestedCodes(c)).toEqual(['259255']);
  });
  it('applies bands only for age 40-75 and LDL-C 70-189', () => {
    expect(statinCard(cards(input({ age_years: 76 }), [pce(0.25)]))).toBeUndefined();
    expect(statinCard(cards(input({ ldl_mg_dl: 69 }), [pce(0.25)]))).toBeUndefined();
    expect(statinCard(cards(input({ ldl_mg_dl: 70 }), [pce(0.25)]))!.kind).toBe('cv.statin-high');
  });
  it('does not use PREVENT alone for the bands', () => {
    expect(statinCard(cards(input(), prevent(0.3, 0.25, 0.1)))).toBeUndefined();
  });
});

describe('cardiovascular-risk: LDL-C >= 190 and diabetes', () => {
  it('recommends a high-intensity statin at LDL-C 190 without risk assessment, not at 189', () => {
    const c = statinCard(cards(input({ ldl_mg_dl: 190 }), []))!;
    expect(c.kind).toBe('cv.statin-ldl-190');
    expect(suggestedCodes(c)).toEqual(['259255']);
    expect(statinCard(cards(input({ ldl_mg_dl: 189 }), []))).toBeUndefined();
  });
  it('recommends a moderate-intensity statin with diabetes at age 40 and 75, not 39 or 76', () => {
    for (const age of [40, 75]) expect(statinCard(cards(input({ type2_diabetes: 1, age_years: age }), []))!.kind).toBe('cv.statin-diabetes');
    for (const age of [39, 76]) expect(statinCard(cards(input({ type2_diabetes: 1, age_years: age }), []))).toBeUndefined();
  });
  it('offers a high-intensity statin beside the moderate one with diabetes and PCE risk 20%, not 19.9%', () => {
    const high = statinCard(cards(input({ type2_diabetes: 1, age_years: 60 }), [pce(0.2)]))!;
    expect(high.kind).toBe('cv.statin-diabetes');
    expect(suggestedCodes(high)).toEqual(['312961', '259255']);
    expect(high.suggestions!.map((s) => s.isRecommended)).toEqual([true, false]);
    expect(high.selectionBehavior).toBe('at-most-one');
    const moderate = statinCard(cards(input({ type2_diabetes: 1, age_years: 60 }), [pce(0.199)]))!;
    expect(suggestedCodes(moderate)).toEqual(['312961']);
  });
  it('skips every statin suggestion when a statin is active', () => {
    const cs = cards(input({ ldl_mg_dl: 200, type2_diabetes: 1, on_statin: 1, statin_intensity: 2 }), [pce(0.3)]);
    expect(statinCard(cs)).toBeUndefined();
    expect(cs.find((c) => c.kind === 'cv.risk')!.detail).toContain('Statin active');
  });
});

describe('cardiovascular-risk: clinical ASCVD', () => {
  it('suggests a high-intensity statin for secondary prevention and no primary-prevention card', () => {
    const cs = cards(input({ ascvd: 1, type2_diabetes: 1 }), []);
    expect(cs.map((c) => c.kind)).toEqual(['cv.secondary-prevention-statin']);
    expect(suggestedCodes(cs[0]!)).toEqual(['259255']);
    expect(cs[0]!.indicator).toBe('warning');
  });
  it('offers moderate or high intensity above age 75', () => {
    const cs = cards(input({ ascvd: 1, age_years: 80 }), []);
    expect(suggestedCodes(cs[0]!)).toEqual(['312961', '259255']);
    // IIa: "reasonable", not "recommended", and an info card.
    expect(cs[0]!.summary).toContain('reasonable');
    expect(cs[0]!.summary).not.toContain('recommended');
    expect(cs[0]!.indicator).toBe('info');
  });
  it('gives no card when a statin is already active', () => {
    expect(cards(input({ ascvd: 1, on_statin: 1, statin_intensity: 3 }), [])).toEqual([]);
  });
});
