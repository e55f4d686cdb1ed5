import type { CardDraft, ScoringInput } from '@prognos/contracts';
import { afStrokePreventionService as svc } from './af-stroke-prevention';
import { TEST_CONFIG, createdResources, expectValidCard, scoringInput, suggestedCodes, type FeatureSpec } from './test-support';

const NO_RISK = { chf: 0, hypertension: 0, diabetes: 0, stroke_tia_te: 0, vascular_disease: 0 };

function input(o: { cha?: Record<string, FeatureSpec>; hb?: Record<string, FeatureSpec>; ctx?: Record<string, FeatureSpec>; traj?: Record<string, FeatureSpec> } = {}): ScoringInput {
  const age = (o.cha?.age_years ?? 60) as number;
  return scoringInput({
    serviceId: 'af-stroke-prevention',
    sets: {
      'clinical-context': { age_years: age, sex_male: o.cha?.sex_female === 1 ? 0 : 1, atrial_fibrillation: 1, weight_kg: 80, on_doac: 0, on_warfarin: 0, on_aspirin: 0, on_antiplatelet: 0, on_nsaid: 0, ...o.ctx },
      'cha2ds2-vasc': { age_years: age, sex_female: 0, ...NO_RISK, ...o.cha },
      'has-bled': { age_years: age, sbp_mmhg: 130, hypertension: 0, renal_abnormal: 0, liver_abnormal: 0, stroke: 0, bleeding_history: 0, labile_inr: 0, antiplatelet_or_nsaid: 0, alcohol_excess: 0, ...o.hb },
      'egfr-trajectory': { creatinine_last_mg_dl: 1.0, creatinine_last_age_days: 20, ...o.traj },
    },
  });
}

function cards(i: ScoringInput): CardDraft[] {
  const out = svc.buildCards({ input: i, predictions: [], config: TEST_CONFIG }).cards;
  for (const c of out) expectValidCard(c);
  return out;
}
const kinds = (cs: CardDraft[]) => cs.map((c) => c.kind);
const byKind = (cs: CardDraft[], k: string) => cs.find((c) => c.kind === k);

describe('af-stroke-prevention: population', () => {
  it('gives no card without atrial fibrillation', () => {
    expect(cards(input({ ctx: { atrial_fibrillation: 0 }, cha: { age_years: 80 } }))).toEqual([]);
  });
  it('runs no model (scores are plain TypeScript)', () => {
    expect(svc.modelRuns(input(), TEST_CONFIG)).toEqual([]);
  });
});

describe('af-stroke-prevention: anticoagulation thresholds (2023 ACC/AHA/ACCP/HRS)', () => {
  it('men: score 1 is "reasonable" (info), score 2 is recommended (warning)', () => {
    expect(kinds(cards(input({ cha: { hypertension: 1 } })))).toEqual(['af.anticoagulation-consider']);
    const cs = cards(input({ cha: { hypertension: 1, diabetes: 1 } }));
    const card = byKind(cs, 'af.anticoagulation')!;
    expect(card.indicator).toBe('warning');
    expect(card.summary).toBe('AF with CHA2DS2-VASc 2 (≥ 2 in men) and no anticoagulant: start a DOAC (Class 1)');
    expect(suggestedCodes(card)[0]).toBe('1364445');
    expect(card.suggestions![0]!.isRecommended).toBe(true);
  });

  it('women: score 2 is "reasonable", score 3 is recommended', () => {
    expect(kinds(cards(input({ cha: { sex_female: 1, hypertension: 1 } })))).toEqual(['af.anticoagulation-consider']);
    expect(kinds(cards(input({ cha: { sex_female: 1, hypertension: 1, diabetes: 1 } })))).toContain('af.anticoagulation');
  });

  it('score 0 in men: information only, no anticoagulant suggested', () => {
    const cs = cards(input());
    expect(kinds(cs)).toEqual(['af.stroke-risk']);
    expect(suggestedCodes(cs[0]!)).toEqual([]);
  });

  it('does not repeat anticoagulation when a DOAC or warfarin is active', () => {
    for (const ctx of [{ on_doac: 1 }, { on_warfarin: 1 }] as Record<string, number>[]) {
      const cs = cards(input({ cha: { age_years: 80, hypertension: 1 }, ctx }));
      expect(kinds(cs)).toEqual(['af.stroke-risk']);
      expect(cs[0]!.summary).toContain('CHA2DS2-VASc 3');
    }
  });

  it('on warfarin: the DOAC switch is offered only when the record shows no DOAC; with unidentified medicines nothing is suggested', () => {
    const unknownDoac = (ctxOver: Record<string, FeatureSpec>) => {
      const i = input({ cha: { age_years: 80, hypertension: 1 }, ctx: ctxOver });
      const ctx = i.featureSets['clinical-context']!;
      const at = ctx.names.indexOf('on_doac');
      ctx.present[at] = 0;
      ctx.provenance = [...ctx.provenance.filter((p) => p.feature !== 'on_doac'),
        { feature: 'on_doac', items: [], note: 'unknown: 1 active medication record could not be identified (medicationReference not resolvable)' }];
      return i;
    };
    // Known: on warfarin, no DOAC -> the switch (apixaban, never pre-selected).
    const known = cards(input({ cha: { age_years: 80, hypertension: 1 }, ctx: { on_warfarin: 1 } }))[0]!;
    expect(known.summary).toContain('on warfarin');
    expect(suggestedCodes(known)).toContain('1364445');
    expect(known.suggestions!.filter((s) => s.label.startsWith('Switch to')).every((s) => s.isRecommended === false)).toBe(true);
    // On warfarin, DOAC status unknown: still "on warfarin", no DOAC suggested, and the card says why.
    const unsure = cards(unknownDoac({ on_warfarin: 1 }));
    expect(kinds(unsure)).toEqual(['af.stroke-risk']);
    expect(unsure[0]!.summary).toContain('on warfarin');
    expect(suggestedCodes(unsure[0]!)).not.toContain('1364445');
    expect(suggestedCodes(unsure[0]!)).not.toContain('1364435');
    expect(unsure[0]!.detail).toContain('whether a DOAC is also taken is unknown (unknown: 1 active medication record could not be identified');
    // Neither anticoagulant known: status unknown, nothing started, nothing switched.
    const i = unknownDoac({});
    const ctx = i.featureSets['clinical-context']!;
    ctx.present[ctx.names.indexOf('on_warfarin')] = 0;
    const none = cards(i);
    expect(kinds(none)).toEqual(['af.stroke-risk']);
    expect(none[0]!.summary).toContain('anticoagulant status unknown');
    expect(suggestedCodes(none[0]!).filter((c) => c === '1364445' || c === '1364435')).toEqual([]);
  });

  it('files CHA2DS2-VASc and HAS-BLED as RiskAssessments without an invented probability', () => {
    const card = byKind(cards(input({ cha: { hypertension: 1, diabetes: 1 } })), 'af.anticoagulation')!;
    const ras = createdResources(card, 'RiskAssessment');
    expect(ras).toHaveLength(2);
    expect(ras[0]).toMatchObject({ status: 'final', method: { coding: [{ code: 'cha2ds2-vasc' }] }, prediction: [{ rationale: 'CHA2DS2-VASc score 2', qualitativeRisk: { coding: [{ code: 'high' }] }, outcome: { coding: [{ code: '230690007' }] } }] });
    expect(JSON.stringify(ras)).not.toContain('probabilityDecimal');
  });
});

describe('af-stroke-prevention: apixaban dose by label criteria', () => {
  it('suggests 5 mg with one criterion (age 80) and 2.5 mg with two (age 80, weight 60 kg)', () => {
    expect(suggestedCodes(byKind(cards(input({ cha: { age_years: 80 } })), 'af.anticoagulation')!)[0]).toBe('1364445');
    const card = byKind(cards(input({ cha: { age_years: 80 }, ctx: { weight_kg: 60 } })), 'af.anticoagulation')!;
    expect(suggestedCodes(card)[0]).toBe('1364435');
    expect(card.detail).toContain('weight 60 kg ≤ 60 kg');
  });
  it('offers both doses, neither pre-selected, when weight is unknown and one criterion is met', () => {
    const i = input({ cha: { age_years: 81 } });
    const ctx = i.featureSets['clinical-context']!;
    ctx.present[ctx.names.indexOf('weight_kg')] = 0;
    const card = byKind(cards(i), 'af.anticoagulation')!;
    expect(suggestedCodes(card).slice(0, 2)).toEqual(['1364445', '1364435']);
    expect(card.suggestions!.slice(0, 2).map((s) => s.isRecommended)).toEqual([false, false]);
    expect(card.detail).toContain('Not known, check before ordering: body weight');
  });
  it('ignores a creatinine older than LAB_MAX_AGE_DAYS', () => {
    const card = byKind(cards(input({ cha: { age_years: 82 }, traj: { creatinine_last_mg_dl: 1.6, creatinine_last_age_days: 400 } })), 'af.anticoagulation')!;
    expect(suggestedCodes(card)[0]).toBe('1364445');
    const recent = byKind(cards(input({ cha: { age_years: 82 }, traj: { creatinine_last_mg_dl: 1.5, creatinine_last_age_days: 10 } })), 'af.anticoagulation')!;
    expect(suggestedCodes(recent)[0]).toBe('1364435');
  });
});

describe('af-stroke-prevention: aspirin and bleeding risk', () => {
  it('warns when aspirin is used instead of anticoagulation (Class 3: Harm)', () => {
    const card = byKind(cards(input({ cha: { hypertension: 1, diabetes: 1 }, ctx: { on_aspirin: 1, on_antiplatelet: 1 } })), 'af.aspirin-alone')!;
    expect(card.indicator).toBe('warning');
    expect(card.summary).toContain('Class 3: Harm');
  });
  it('does not warn about aspirin when an anticoagulant is active', () => {
    expect(kinds(cards(input({ cha: { hypertension: 1, diabetes: 1 }, ctx: { on_aspirin: 1, on_doac: 1 } })))).not.toContain('af.aspirin-alone');
  });
  it('lists modifiable bleeding risks and still recommends anticoagulation at HAS-BLED 5', () => {
    const cs = cards(input({
      cha: { age_years: 70, hypertension: 1 },
      hb: { sbp_mmhg: 170, antiplatelet_or_nsaid: 1, alcohol_excess: 1, stroke: 1 },
    }));
    expect(kinds(cs)).toEqual(['af.anticoagulation', 'af.bleeding-risk']);
    expect(byKind(cs, 'af.bleeding-risk')!.summary).toBe('AF: HAS-BLED 5, modifiable bleeding risks: uncontrolled BP, antiplatelet/NSAID, alcohol');
    expect(byKind(cs, 'af.anticoagulation')!.detail).toContain('never a reason on their own to withhold anticoagulation');
  });
  it('does not count a systolic BP of 160 as uncontrolled', () => {
    expect(kinds(cards(input({ cha: { hypertension: 1, diabetes: 1 }, hb: { sbp_mmhg: 160 } })))).not.toContain('af.bleeding-risk');
  });
});

describe('af-stroke-prevention: missing inputs', () => {
  it('says the score cannot be computed when age is missing', () => {
    const i = input({ cha: { hypertension: 1 } });
    for (const set of ['cha2ds2-vasc', 'clinical-context', 'has-bled']) {
      const p = i.featureSets[set]!;
      p.present[p.names.indexOf('age_years')] = 0;
    }
    expect(kinds(cards(i))).toEqual(['af.score-unavailable']);
  });
});
