import type { CardDraft, PredictionRecord, ScoringInput } from '@prognos/contracts';
import { HOOK_TIME_REFERENCE, PATIENT_REFERENCE, daysBeforeToken } from '@prognos/contracts';
import { scorerConfigSchema } from '../config';
import { ckdProgressionService as svc } from './ckd-progression';
import {
  TEST_CONFIG, bindCard, createdResources, expectValidCard, notComputed, prediction, scoringInput, suggestedCodes, type FeatureSpec,
} from './test-support';

const ASOF = '2025-06-01T00:00:00Z';

interface Patient {
  ctx?: Record<string, FeatureSpec>;
  traj?: Record<string, FeatureSpec>;
  /** cha2ds2-vasc set (diabetes of any type); omitted when not given. */
  cha?: Record<string, FeatureSpec>;
  k8extra?: boolean;
}

function input(p: Patient = {}): ScoringInput {
  const ctx = {
    age_years: 66, sex_male: 1, type2_diabetes: 0, hypertension: 1, ckd: 1, dialysis_or_transplant: 0,
    heart_failure: 0, potassium_mmol_l: 4.6, on_sglt2i: 0, on_acei: 0, on_arb: 0, on_arni: 0, ...p.ctx,
  };
  const traj: Record<string, FeatureSpec> = {
    egfr_last: { value: 28, date: '2025-05-02', derivation: 'computed' }, egfr_last_age_days: 30, egfr_count: 4,
    egfr_slope_per_year: -4.2, uacr_last: { value: 450, date: '2025-05-02' }, uacr_last_age_days: 30,
    creatinine_last_mg_dl: { value: 2.3, date: '2025-05-02' }, creatinine_last_age_days: 30, ...p.traj,
  };
  for (const [k, v] of Object.entries(traj)) if (Number.isNaN(typeof v === 'number' ? v : v.value)) delete traj[k];
  const egfr = traj.egfr_last;
  const uacr = traj.uacr_last;
  const k4: Record<string, FeatureSpec> = { age_years: 66, sex_male: 1 };
  if (egfr !== undefined) k4.egfr = egfr;
  if (uacr !== undefined) k4.uacr_mg_g = uacr;
  const k8: Record<string, FeatureSpec> = p.k8extra
    ? { ...k4, albumin_g_dl: 3.8, phosphate_mg_dl: 4.4, bicarbonate_mmol_l: 21, calcium_mg_dl: 9.1 }
    : { ...k4 };
  return scoringInput({
    serviceId: 'ckd-progression', asOf: ASOF,
    sets: { 'clinical-context': ctx, 'egfr-trajectory': traj, 'kfre-4var': k4, 'kfre-8var': k8, ...(p.cha ? { 'cha2ds2-vasc': p.cha } : {}) },
  });
}

const kfre = (r2: number, r5: number, id = 'kfre-4var-na'): PredictionRecord[] =>
  [prediction(id, 'risk_2y', r2, { horizonYears: 2 }), prediction(id, 'risk_5y', r5, { horizonYears: 5 })];

function cards(i: ScoringInput, predictions: PredictionRecord[] = [], config = TEST_CONFIG): CardDraft[] {
  const out = svc.buildCards({ input: i, predictions, config }).cards;
  for (const c of out) expectValidCard(c);
  return out;
}
const kinds = (cs: CardDraft[]) => cs.map((c) => c.kind);
const byKind = (cs: CardDraft[], kind: string) => cs.find((c) => c.kind === kind);

describe('ckd-progression: model runs', () => {
  it('runs the 4-variable North American KFRE for eGFR < 60 with a recent urine ACR', () => {
    expect(svc.modelRuns(input(), TEST_CONFIG)).toEqual([{ modelId: 'kfre-4var-na', featureSet: 'kfre-4var' }]);
  });

  it('adds the 8-variable model when albumin, phosphate, bicarbonate and calcium are present', () => {
    expect(svc.modelRuns(input({ k8extra: true }), TEST_CONFIG).map((r) => r.modelId)).toEqual(['kfre-4var-na', 'kfre-8var-na']);
  });

  it('uses the non-North American models when KFRE_REGION=other', () => {
    const config = scorerConfigSchema.parse({ KFRE_REGION: 'other' });
    expect(svc.modelRuns(input({ k8extra: true }), config).map((r) => r.modelId)).toEqual(['kfre-4var-other', 'kfre-8var-other']);
  });

  it('does not run KFRE at eGFR 60 but does at 59.9', () => {
    expect(svc.modelRuns(input({ traj: { egfr_last: 60 } }), TEST_CONFIG)).toEqual([]);
    expect(svc.modelRuns(input({ traj: { egfr_last: 59.9 } }), TEST_CONFIG)).toHaveLength(1);
  });

  it('does not run KFRE with a urine ACR one day older than LAB_MAX_AGE_DAYS', () => {
    expect(svc.modelRuns(input({ traj: { uacr_last_age_days: 366 } }), TEST_CONFIG)).toEqual([]);
    expect(svc.modelRuns(input({ traj: { uacr_last_age_days: 365 } }), TEST_CONFIG)).toHaveLength(1);
  });

  it('does not run KFRE on dialysis or after transplant', () => {
    expect(svc.modelRuns(input({ ctx: { dialysis_or_transplant: 1 } }), TEST_CONFIG)).toEqual([]);
  });
});

describe('ckd-progression: KFRE risk card and RiskAssessment', () => {
  it('states the 5-year risk with its number and files an exact RiskAssessment', () => {
    const cs = cards(input(), kfre(0.0812345, 0.2345678));
    const card = byKind(cs, 'ckd.kfre-risk')!;
    expect(card.summary).toBe('5-year kidney failure risk 23% (KFRE), 2-year 8.1%; eGFR 28, slope -4.2/yr');
    expect(card.source.label).toContain('Kidney Failure Risk Equation');
    expect(card.detail).toContain('eGFR (CKD-EPI 2021): 28 mL/min/1.73 m² (2025-05-02, computed)');
    expect(card.detail).toContain('Urine albumin/creatinine ratio: 450 mg/g (2025-05-02)');
    expect(card.detail).toContain('8-variable KFRE not run');
    const [ra] = createdResources(card, 'RiskAssessment');
    expect(ra).toMatchObject({
      status: 'final', subject: { reference: PATIENT_REFERENCE }, occurrenceDateTime: ASOF,
      method: { coding: [{ code: 'kfre-4var-na', display: expect.stringContaining('v1.0.0') }] },
    });
    const preds = (ra as { prediction: { probabilityDecimal: number; outcome: { coding: { code: string }[] }; whenRange: { high: { value: number } } }[] }).prediction;
    expect(preds.map((p) => p.probabilityDecimal)).toEqual([0.0812345, 0.2345678]);
    expect(preds.map((p) => p.whenRange.high.value)).toEqual([2, 5]);
    expect(preds[0]!.outcome.coding[0]!.code).toBe('46177005');
    expect(ra).not.toHaveProperty('basis');
  });

  it('prefers the 8-variable prediction when computed and still offers the 4-variable one', () => {
    const cs = cards(input({ k8extra: true }), [...kfre(0.05, 0.2), ...kfre(0.1, 0.31, 'kfre-8var-na')]);
    const card = byKind(cs, 'ckd.kfre-risk')!;
    expect(card.summary).toContain('5-year kidney failure risk 31%');
    expect(card.detail).toContain('Serum phosphate: 4.4 mg/dL');
    expect(createdResources(card, 'RiskAssessment').map((r) => (r.method as { coding: { code: string }[] }).coding[0]!.code))
      .toEqual(['kfre-8var-na', 'kfre-4var-na']);
  });

  it('falls back to the 4-variable model and reports why the 8-variable one was not computed', () => {
    const cs = cards(input({ k8extra: true }), [...kfre(0.05, 0.2), notComputed('kfre-8var-na', 'risk_5y', 'calcium outside validated range')]);
    const card = byKind(cs, 'ckd.kfre-risk')!;
    expect(card.summary).toContain('20%');
    expect(card.detail).toContain('calcium outside validated range');
  });
});

describe('ckd-progression: nephrology referral (KDIGO 2024 PP 2.2.1)', () => {
  it('does not refer at a 5-year risk of 4.9%', () => {
    const cs = cards(input(), kfre(0.01, 0.049));
    expect(kinds(cs)).not.toContain('ckd.nephrology-referral');
    expect(byKind(cs, 'ckd.kfre-risk')!.indicator).toBe('info');
  });

  it('refers at a 5-year risk of 5.0% with a SNOMED-coded ServiceRequest', () => {
    const cs = cards(input(), kfre(0.01, 0.05));
    const card = byKind(cs, 'ckd.nephrology-referral')!;
    expect(card.indicator).toBe('warning');
    expect(byKind(cs, 'ckd.kfre-risk')!.indicator).toBe('warning');
    const [sr] = createdResources(card, 'ServiceRequest');
    expect(sr).toMatchObject({ status: 'draft', intent: 'order', code: { coding: [{ system: 'http://snomed.info/sct', code: '306125004' }] } });
    expect(card.overrideReasons!.length).toBeGreaterThan(0);
  });

  it('follows a configured threshold of 3%', () => {
    const config = scorerConfigSchema.parse({ KFRE_REFERRAL_THRESHOLD: '0.03' });
    expect(kinds(cards(input(), kfre(0.01, 0.03), config))).toContain('ckd.nephrology-referral');
    expect(kinds(cards(input(), kfre(0.01, 0.0299), config))).not.toContain('ckd.nephrology-referral');
  });
});

describe('ckd-progression: KRT preparation (KDIGO 2024 PP 2.2.3)', () => {
  it('does not prompt at a 2-year risk of exactly 40%', () => {
    expect(kinds(cards(input(), kfre(0.4, 0.8)))).not.toContain('ckd.krt-preparation');
  });

  it('prompts above 40% with a transplant-evaluation referral', () => {
    const card = byKind(cards(input(), kfre(0.401, 0.8)), 'ckd.krt-preparation')!;
    expect(card.summary).toContain('2-year kidney failure risk 40%');
    expect(card.detail).toContain('PP 2.2.3');
    expect(suggestedCodes(card)).toEqual(['306316000']);
  });

  it('mentions multidisciplinary care (PP 2.2.2) above a 2-year risk of 10%, not at 10%', () => {
    expect(byKind(cards(input(), kfre(0.1, 0.3)), 'ckd.kfre-risk')!.detail).not.toContain('PP 2.2.2');
    expect(byKind(cards(input(), kfre(0.101, 0.3)), 'ckd.kfre-risk')!.detail).toContain('PP 2.2.2');
  });
});

describe('ckd-progression: SGLT2 inhibitor', () => {
  const sglt2 = (p: Patient) => byKind(cards(input(p)), 'ckd.sglt2i');

  it('is suggested at eGFR 20 with type 2 diabetes, not at 19.9', () => {
    expect(sglt2({ ctx: { type2_diabetes: 1 }, traj: { egfr_last: 19.9 } })).toBeUndefined();
    const card = sglt2({ ctx: { type2_diabetes: 1 }, traj: { egfr_last: 20 } })!;
    expect(card.indicator).toBe('warning');
    expect(createdResources(card, 'MedicationRequest')[0]).toMatchObject({ status: 'draft', intent: 'order', subject: { reference: PATIENT_REFERENCE } });
  });

  it('offers only empagliflozin below eGFR 25 (dapagliflozin label) and dapagliflozin first from 25', () => {
    const low = sglt2({ ctx: { type2_diabetes: 1 }, traj: { egfr_last: 24.9 } })!;
    expect(suggestedCodes(low)).toEqual(['1545658']);
    expect(low.suggestions![0]!.isRecommended).toBe(true);
    expect(low.detail).toContain('only empagliflozin');
    const at25 = sglt2({ ctx: { type2_diabetes: 1 }, traj: { egfr_last: 25 } })!;
    expect(suggestedCodes(at25)).toEqual(['1488569', '1545658']);
    expect(at25.suggestions!.map((x) => x.isRecommended === true)).toEqual([true, false]);
  });

  it('is suggested (1A) for urine ACR 200 mg/g without diabetes or heart failure, not for 199 above eGFR 45', () => {
    expect(sglt2({ traj: { uacr_last: 199, egfr_last: 50 } })).toBeUndefined();
    expect(sglt2({ traj: { uacr_last: 200, egfr_last: 50 } })!.summary).toContain('urine ACR 200 mg/g');
  });

  it('KDIGO 2024 Rec 3.7.3 (2B): eGFR 20-45 with ACR < 200 gets a suggestion, not pre-selected; eGFR 45.1 does not', () => {
    const card = sglt2({ traj: { uacr_last: 199, egfr_last: 45 } })!;
    expect(card.summary).toContain('Rec 3.7.3, 2B');
    expect(card.indicator).toBe('info');
    expect(card.suggestions!.every((x) => x.isRecommended !== true)).toBe(true);
    expect(sglt2({ traj: { uacr_last: 199, egfr_last: 45.1 } })).toBeUndefined();
    expect(sglt2({ traj: { uacr_last: 199, egfr_last: 19.9 } })).toBeUndefined();
  });

  it('is suggested for heart failure', () => {
    expect(sglt2({ ctx: { heart_failure: 1 }, traj: { uacr_last: 50 } })!.summary).toContain('heart failure');
  });

  it('is not repeated when an SGLT2 inhibitor is active', () => {
    expect(sglt2({ ctx: { type2_diabetes: 1, on_sglt2i: 1 } })).toBeUndefined();
  });

  it('is not suggested when the medication list is unknown', () => {
    const i = input({ ctx: { type2_diabetes: 1 } });
    const ctx = i.featureSets['clinical-context']!;
    ctx.present[ctx.names.indexOf('on_sglt2i')] = 0;
    expect(byKind(cards(i), 'ckd.sglt2i')).toBeUndefined();
  });
});

describe('ckd-progression: ACE inhibitor / ARB for albuminuria', () => {
  const ras = (p: Patient) => byKind(cards(input(p)), 'ckd.ras-inhibitor');

  it('is not suggested below 30 mg/g (A1)', () => {
    expect(ras({ traj: { uacr_last: 29.9 } })).toBeUndefined();
  });

  it('is a strong (1B) warning at 30 mg/g with diabetes', () => {
    const card = ras({ ctx: { type2_diabetes: 1 }, traj: { uacr_last: 30, egfr_last: 40 } })!;
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('KDIGO 1B');
    expect(suggestedCodes(card)).toEqual(['314076', '979492']);
    expect(card.selectionBehavior).toBe('at-most-one');
  });

  it('is a weak (2C) info at A2 without diabetes and strong at A3 (> 300 mg/g)', () => {
    expect(ras({ traj: { uacr_last: 300 } })!.indicator).toBe('info');
    expect(ras({ traj: { uacr_last: 300 } })!.summary).toContain('2C');
    expect(ras({ traj: { uacr_last: 301 } })!.indicator).toBe('warning');
  });

  it('treats type 1 diabetes (diabetes of any type) with A2 as strong (1B), and still offers no SGLT2 inhibitor for it', () => {
    const p = { cha: { diabetes: 1 }, traj: { uacr_last: 100, egfr_last: 40 } };
    const card = ras(p)!;
    expect(card.summary).toContain('KDIGO 1B');
    expect(card.detail).toContain('with diabetes and albuminuria A2-A3');
    // The 1A diabetes rule is for type 2; at eGFR 40 with ACR < 200 only KDIGO 2024 Rec 3.7.3 (2B) applies.
    expect(byKind(cards(input(p)), 'ckd.sglt2i')!.summary).toContain('Rec 3.7.3, 2B');
  });

  it('offers only losartan below eGFR 30 (lisinopril 10 mg starts at CrCl > 30)', () => {
    expect(suggestedCodes(ras({ traj: { egfr_last: 28 } })!)).toEqual(['979492']);
  });

  it('is not repeated when an ACE inhibitor, ARB or ARNI is active', () => {
    expect(ras({ ctx: { on_acei: 1 } })).toBeUndefined();
    expect(ras({ ctx: { on_arb: 1 } })).toBeUndefined();
    expect(ras({ ctx: { on_arni: 1 } })).toBeUndefined();
  });
});

describe('ckd-progression: missing test', () => {
  it('orders a urine ACR (LOINC 9318-7) when the last one is older than LAB_MAX_AGE_DAYS', () => {
    const i = input({ traj: { uacr_last_age_days: 400 } });
    expect(svc.modelRuns(i, TEST_CONFIG)).toEqual([]);
    const card = byKind(cards(i), 'ckd.missing-test')!;
    expect(card.summary).toContain('no urine ACR in the last 365 days');
    expect(suggestedCodes(card)).toEqual(['9318-7']);
    expect(card.detail).toContain('400 days ago');
  });

  it('names an old eGFR on a minimised input (days before the hook, asOf a placeholder) with a day token', () => {
    const i = input({ traj: { egfr_last: Number.NaN, egfr_last_age_days: Number.NaN, creatinine_last_mg_dl: Number.NaN, creatinine_last_age_days: Number.NaN, egfr_slope_per_year: Number.NaN, egfr_count: Number.NaN } });
    i.asOf = HOOK_TIME_REFERENCE;
    const traj = i.featureSets['egfr-trajectory']!;
    const at = traj.names.indexOf('egfr_last');
    // What minimise-scoring-input sends for an eGFR older than the window: the item with daysBefore, no date.
    expect(at).toBeGreaterThanOrEqual(0);
    traj.provenance = [...traj.provenance.filter((p) => p.feature !== 'egfr_last'), { feature: 'egfr_last', items: [{ concept: 'egfr', value: 37.2, unit: 'mL/min/{1.73_m2}', daysBefore: 1541, resourceType: 'Observation', derivation: 'computed' }], note: `too old: last value ${daysBeforeToken(1541)}, 1541 days old, older than the 365-day window (LAB_MAX_AGE_DAYS)` }];
    const card = byKind(cards(i), 'ckd.missing-test')!;
    expect(card.summary).toBe(`Kidney failure risk not computable: last eGFR 37 on ${daysBeforeToken(1541)}, older than the 365-day window; order creatinine`);
    expect(card.detail).toContain(`- eGFR: last 37 mL/min/1.73 m² on ${daysBeforeToken(1541)} (1541 days ago), older than the 365-day window (LAB_MAX_AGE_DAYS); order a new test`);
    // Bound as the HTTP side does: the calendar date 1541 days before the hook.
    expect(bindCard(card).summary).toBe('Kidney failure risk not computable: last eGFR 37 on 2021-03-13, older than the 365-day window; order creatinine');
    expect(JSON.stringify(card)).not.toMatch(/20\d\d-\d\d-\d\d/);
  });

  it('orders nothing when the urine ACR is 365 days old', () => {
    expect(byKind(cards(input({ traj: { uacr_last_age_days: 365 } }), kfre(0.01, 0.02)), 'ckd.missing-test')).toBeUndefined();
  });

  it('orders creatinine (2160-0) and urine ACR when coded CKD has no results', () => {
    const i = input({ traj: { egfr_last: Number.NaN, egfr_last_age_days: Number.NaN, uacr_last: Number.NaN, uacr_last_age_days: Number.NaN, creatinine_last_mg_dl: Number.NaN, creatinine_last_age_days: Number.NaN, egfr_slope_per_year: Number.NaN, egfr_count: Number.NaN } });
    const card = byKind(cards(i), 'ckd.missing-test')!;
    expect(suggestedCodes(card)).toEqual(['2160-0', '9318-7']);
    expect(card.suggestions).toHaveLength(1);
  });

  it('gives no card at all to a patient without CKD or diabetes and without results', () => {
    const i = input({ ctx: { ckd: 0, type2_diabetes: 0 }, traj: { egfr_last: Number.NaN, egfr_last_age_days: Number.NaN, uacr_last: Number.NaN, uacr_last_age_days: Number.NaN, creatinine_last_mg_dl: Number.NaN, creatinine_last_age_days: Number.NaN, egfr_slope_per_year: Number.NaN, egfr_count: Number.NaN } });
    expect(cards(i)).toEqual([]);
  });
});

describe('ckd-progression: eGFR trajectory outside the KFRE population', () => {
  it('cites rapid decline as KDIGO 2012 (> 5/yr) and states the KDIGO 2024 > 20% sustained-fall criterion', () => {
    const fast = cards(input({ traj: { egfr_slope_per_year: -6, egfr_change_from_baseline_pct: -25 } })).map((c) => c.detail ?? '').join('\n');
    expect(fast).toContain('rapid decline (KDIGO 2012: more than 5 mL/min/1.73 m² per year)');
    expect(fast).toContain('KDIGO 2024 refers a sustained decline of > 20%, or > 30% after starting haemodynamically active drugs');
    const slow = cards(input({ traj: { egfr_slope_per_year: -4, egfr_change_from_baseline_pct: -15 } })).map((c) => c.detail ?? '').join('\n');
    expect(slow).not.toContain('rapid decline');
    expect(slow).not.toContain('sustained decline of > 20%');
  });

  it('shows eGFR and slope for coded CKD at eGFR 72 and explains why KFRE is not computed', () => {
    const card = byKind(cards(input({ traj: { egfr_last: 72, egfr_slope_per_year: -6.1, uacr_last: 20 } })), 'ckd.egfr-trajectory')!;
    expect(card.summary).toBe('eGFR 72 mL/min/1.73 m² (G2), slope -6.1/yr');
    expect(card.indicator).toBe('warning');
    expect(card.detail).toContain('rapid decline');
    expect(card.detail).toContain('validated for CKD G3-G5');
  });

  it('gives no card on dialysis', () => {
    expect(cards(input({ ctx: { dialysis_or_transplant: 1, type2_diabetes: 1 } }), kfre(0.5, 0.9))).toEqual([]);
  });
});
