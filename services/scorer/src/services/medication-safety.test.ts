import type { CardDraft, DraftOrderSummary, ScoringInput } from '@prognos/contracts';
import { medicationSafetyService as svc } from './medication-safety';
import { CLEAR_SAFETY, TEST_CONFIG, bindCard, expectValidCard, safetyContext, scoringInput, suggestedCodes, type FeatureSpec } from './test-support';

/** Active ingredients implied by the clinical-context flags a test sets (the safety stage reads ingredients). */
const FLAG_INGREDIENTS: Record<string, string> = { on_doac: 'apixaban', on_warfarin: 'warfarin', on_nsaid: 'ibuprofen', on_metformin: 'metformin', on_sglt2i: 'dapagliflozin' };

const metformin = (index = 0, extra: Partial<DraftOrderSummary> = {}): DraftOrderSummary => ({
  index, resourceType: 'MedicationRequest', rxcui: '861007', display: 'metformin hydrochloride 500 MG Oral Tablet',
  ingredients: ['metformin'], classes: ['metformin'], strengthMg: 500, doseMg: 1000, frequencyPerDay: 2, ...extra,
});
const dapagliflozin = (index = 0): DraftOrderSummary => ({ index, resourceType: 'MedicationRequest', ingredients: ['dapagliflozin'], classes: ['sglt2i'], display: 'dapagliflozin 10 MG Oral Tablet' });
const ibuprofen = (index = 0): DraftOrderSummary => ({ index, resourceType: 'MedicationRequest', rxcui: '197806', ingredients: ['ibuprofen'], classes: ['nsaid'], display: 'ibuprofen 600 MG Oral Tablet' });
const apixaban = (mg: number, index = 0): DraftOrderSummary => ({
  index, resourceType: 'MedicationRequest', rxcui: mg === 5 ? '1364445' : '1364435', display: `apixaban ${mg} MG Oral Tablet`,
  ingredients: ['apixaban'], classes: ['doac'], strengthMg: mg, doseMg: mg, frequencyPerDay: 2,
});

function input(drafts: DraftOrderSummary[], o: { ctx?: Record<string, FeatureSpec>; traj?: Record<string, FeatureSpec>; selected?: number[] } = {}): ScoringInput {
  const ingredients = Object.entries(FLAG_INGREDIENTS).filter(([flag]) => o.ctx?.[flag] === 1).map(([, i]) => i);
  return scoringInput({
    safety: safetyContext({ features: { ...CLEAR_SAFETY, age_years: 70 }, ingredients }),
    serviceId: 'medication-safety',
    sets: {
      'clinical-context': { age_years: 70, sex_male: 1, ckd: 0, dialysis_or_transplant: 0, atrial_fibrillation: 0, weight_kg: 80, on_metformin: 0, on_sglt2i: 0, on_doac: 0, on_warfarin: 0, on_nsaid: 0, ...o.ctx },
      'egfr-trajectory': { egfr_last: { value: 75, date: '2025-05-01' }, egfr_last_age_days: 31, creatinine_last_mg_dl: 1.0, creatinine_last_age_days: 31, ...o.traj },
    },
    draftOrders: drafts,
    ...(o.selected ? { selectedDraftOrderIndexes: o.selected } : {}),
  });
}

function cards(i: ScoringInput): CardDraft[] {
  const out = svc.buildCards({ input: i, predictions: [], config: TEST_CONFIG }).cards;
  for (const c of out) expectValidCard(c);
  return out;
}
const kinds = (cs: CardDraft[]) => cs.map((c) => c.kind);

describe('medication-safety: descriptor', () => {
  it('is an order-sign service that reads draft orders and runs no model', () => {
    expect(svc.descriptor).toMatchObject({ id: 'medication-safety', hook: 'order-sign', usesDraftOrders: true, models: [] });
    expect(svc.modelRuns(input([metformin()]), TEST_CONFIG)).toEqual([]);
  });
});

describe('medication-safety: metformin by eGFR', () => {
  it('is critical at eGFR 29.9 and suggests deleting the draft', () => {
    const [card] = cards(input([metformin(3)], { traj: { egfr_last: 29.9 } }));
    expect(card!.kind).toBe('medsafety.metformin-contraindicated');
    expect(card!.indicator).toBe('critical');
    expect(card!.summary).toBe('Metformin ordered with eGFR 29.9 (< 30): contraindicated; remove the order');
    expect(card!.suggestions![0]!.actions).toEqual([{ type: 'delete', description: expect.any(String), draftOrderIndex: 3 }]);
    expect(bindCard(card!).suggestions![0]!.actions![0]!.resourceId).toBe('MedicationRequest/draft-3');
  });

  it('warns at eGFR 30 for a new start (FDA: not recommended) and suggests removal', () => {
    const [card] = cards(input([metformin()], { traj: { egfr_last: 30 } }));
    expect(card!.kind).toBe('medsafety.metformin-initiation');
    expect(card!.indicator).toBe('warning');
  });

  it('asks for a dose review, without an automatic change, when already on metformin at eGFR 44.9', () => {
    const [card] = cards(input([metformin()], { ctx: { on_metformin: 1 }, traj: { egfr_last: 44.9 } }));
    expect(card!.kind).toBe('medsafety.metformin-dose-review');
    expect(card!.summary).toContain('(ordered 2000 mg/day)');
    expect(card!.suggestions).toBeUndefined();
  });

  it('cites KDIGO 2022 as "halve the maximum dose" (not "1000 mg"): 1500 mg/day ER is above half the 2000 mg ER maximum, 1000 is not', () => {
    const er = (doseMg: number) => metformin(0, { display: '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet', doseMg, frequencyPerDay: 1 });
    const [high] = cards(input([er(1500)], { ctx: { on_metformin: 1 }, traj: { egfr_last: 40 } }));
    expect(high!.summary).toContain('halve the maximum dose');
    expect(high!.detail).toContain('halve the maximum dose');
    expect(high!.detail).toContain('more than half the labelled maximum');
    const [ok] = cards(input([er(1000)], { ctx: { on_metformin: 1 }, traj: { egfr_last: 40 } }));
    expect(ok!.detail).not.toContain('more than half the labelled maximum');
    // Immediate release: half of 2550 mg is 1275 mg/day.
    const [ir] = cards(input([metformin(0, { doseMg: 1300, frequencyPerDay: 1 })], { ctx: { on_metformin: 1 }, traj: { egfr_last: 40 } }));
    expect(ir!.detail).toContain('more than half the labelled maximum');
  });

  it('on dialysis: stop metformin whatever the eGFR (safety stage, critical), not without dialysis', () => {
    const withDialysis = (egfr: number, dialysis: number) => svc.buildCards({ input: scoringInput({
      serviceId: 'medication-safety',
      safety: safetyContext({ features: { ...CLEAR_SAFETY, dialysis }, evidence: { dialysis: 'Dependence on renal dialysis (Z99.2)' } }),
      sets: { 'clinical-context': { age_years: 70, sex_male: 1, dialysis_or_transplant: dialysis, on_metformin: 0 }, 'egfr-trajectory': { egfr_last: egfr, egfr_last_age_days: 10 } },
      draftOrders: [metformin()],
    }), predictions: [], config: TEST_CONFIG }).cards;
    const [card] = withDialysis(60, 1);
    expect(card!.kind).toBe('medsafety.screen-block');
    expect(card!.detail).toContain('Dependence on renal dialysis (Z99.2)');
    expect(withDialysis(60, 0)).toEqual([]);
  });

  it('is silent at eGFR 45', () => {
    expect(cards(input([metformin()], { traj: { egfr_last: 45 } }))).toEqual([]);
  });

  it('asks for a creatinine (2160-0) when the last eGFR is older than LAB_MAX_AGE_DAYS', () => {
    const [card] = cards(input([metformin()], { traj: { egfr_last: 50, egfr_last_age_days: 400 } }));
    expect(card!.kind).toBe('medsafety.metformin-egfr-unknown');
    expect(suggestedCodes(card!)).toEqual(['2160-0']);
  });
});

describe('medication-safety: SGLT2 inhibitor initiation', () => {
  // Each agent's label: dapagliflozin from eGFR 25, empagliflozin from 20, canagliflozin from 30, ertugliflozin from 45.
  it.each([
    ['dapagliflozin', 24.9, 25], ['empagliflozin', 19.9, 20], ['canagliflozin', 29.9, 30], ['ertugliflozin', 44.9, 45],
  ])('warns when %s is started at eGFR %p, not at %p', (agent, below, at) => {
    const draft: DraftOrderSummary = { index: 0, resourceType: 'MedicationRequest', ingredients: [agent], classes: ['sglt2i'], display: `${agent} tablet` };
    const [card] = cards(input([draft], { traj: { egfr_last: below } }));
    expect(card!.kind).toBe('medsafety.sglt2i-low-egfr');
    expect(card!.summary).toContain(`< ${at}`);
    expect(cards(input([draft], { traj: { egfr_last: at } }))).toEqual([]);
  });
  it('is silent for a renewal below 20 (KDIGO: continue once started)', () => {
    expect(cards(input([dapagliflozin()], { ctx: { on_sglt2i: 1 }, traj: { egfr_last: 15 } }))).toEqual([]);
  });
});

describe('medication-safety: NSAIDs', () => {
  it('warns with CKD G3 (eGFR 59.9), not at eGFR 60 without CKD', () => {
    const [card] = cards(input([ibuprofen()], { traj: { egfr_last: 59.9 } }));
    expect(card!.kind).toBe('medsafety.nsaid-ckd');
    // Citation (review): KDIGO 2012 ch. 4.4 for the numbers; KDIGO 2024 has no NSAID-specific practice point.
    expect(card!.source.label).toContain('KDIGO 2012');
    expect(card!.detail).toContain('no NSAID-specific practice point');
    expect(card!.detail).toContain('PP 4.1.1 and 4.1.3');
    expect(card!.indicator).toBe('warning');
    expect(cards(input([ibuprofen()], { traj: { egfr_last: 60 } }))).toEqual([]);
  });
  it('warns with a coded CKD stage 3 even at eGFR 60', () => {
    expect(kinds(cards(input([ibuprofen()], { ctx: { ckd: 1, ckd_stage: 3.1 }, traj: { egfr_last: 60 } })))).toEqual(['medsafety.nsaid-ckd']);
  });
  it('is critical with an active anticoagulant', () => {
    // NSAID + anticoagulant is a rule of the safety screening stage (interaction-rules.ts).
    const [card] = cards(input([ibuprofen(1)], { ctx: { on_doac: 1 } }));
    expect(card!.kind).toBe('medsafety.screen-block');
    expect(card!.indicator).toBe('critical');
    expect(card!.detail).toContain('apixaban (active)');
    expect(card!.suggestions![0]).toMatchObject({ isRecommended: true, actions: [{ type: 'delete', draftOrderIndex: 1 }] });
    expect(cards(input([ibuprofen(1)]))).toEqual([]);
  });
  it('is critical when an anticoagulant is drafted alongside (and the anticoagulant draft gets a caution)', () => {
    const out = cards(input([ibuprofen(0), apixaban(5, 1)]));
    expect(out.map((c) => [c.kind, c.indicator])).toEqual([['medsafety.screen-block', 'critical'], ['medsafety.screen-caution', 'warning']]);
    expect(out[0]!.detail).toContain('draft order: apixaban 5 MG Oral Tablet');
  });
  it('warns when an anticoagulant is drafted while an NSAID is active', () => {
    const out = cards(input([apixaban(5)], { ctx: { on_nsaid: 1 } }));
    expect(out.map((c) => [c.kind, c.indicator])).toEqual([['medsafety.screen-caution', 'warning']]);
    expect(out[0]!.suggestions![0]!.isRecommended).toBe(false);
  });
});

describe('medication-safety: apixaban dose (label: 2 of age >= 80, weight <= 60 kg, creatinine >= 1.5)', () => {
  const af = { atrial_fibrillation: 1 };
  it('does nothing with one criterion (age 80) on 5 mg', () => {
    expect(cards(input([apixaban(5)], { ctx: { ...af, age_years: 80 } }))).toEqual([]);
  });
  it('updates the draft to 2.5 mg twice daily with two criteria (age 80, creatinine 1.5)', () => {
    const [card] = cards(input([apixaban(5, 2)], { ctx: { ...af, age_years: 80 }, traj: { creatinine_last_mg_dl: 1.5 } }));
    expect(card!.kind).toBe('medsafety.apixaban-dose-reduce');
    expect(card!.indicator).toBe('warning');
    const action = card!.suggestions![0]!.actions![0]!;
    expect(action).toMatchObject({
      type: 'update', draftOrderIndex: 2,
      patch: {
        medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1364435' }] },
        dosageInstruction: [{ text: '2.5 mg by mouth twice daily', timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 2.5, unit: 'mg' } }] }],
      },
    });
    const bound = bindCard(card!).suggestions![0]!.actions![0]!;
    expect(bound).toMatchObject({ type: 'update', resourceId: 'MedicationRequest/draft-2', resource: { resourceType: 'MedicationRequest' } });
  });
  it('uses weight 60 kg (criterion met) vs 60.1 kg (not met)', () => {
    expect(kinds(cards(input([apixaban(5)], { ctx: { ...af, age_years: 85, weight_kg: 60 } })))).toEqual(['medsafety.apixaban-dose-reduce']);
    expect(cards(input([apixaban(5)], { ctx: { ...af, age_years: 85, weight_kg: 60.1 } }))).toEqual([]);
  });
  it('flags 2.5 mg with fewer than two criteria as possible under-dosing, not pre-selected', () => {
    const [card] = cards(input([apixaban(2.5)], { ctx: { ...af, age_years: 70 } }));
    expect(card!.kind).toBe('medsafety.apixaban-underdose');
    expect(suggestedCodes(card!)).toEqual(['1364445']);
    expect(card!.suggestions![0]!.isRecommended).toBe(false);
  });
  it('says the dose cannot be verified when weight and creatinine are unknown at age 85', () => {
    const i = input([apixaban(5)], { ctx: { ...af, age_years: 85 }, traj: { creatinine_last_age_days: 500 } });
    const ctx = i.featureSets['clinical-context']!;
    ctx.present[ctx.names.indexOf('weight_kg')] = 0;
    const [card] = cards(i);
    expect(card!.kind).toBe('medsafety.apixaban-dose-unverified');
    expect(suggestedCodes(card!)).toEqual(['2160-0']);
  });
  it('does not apply the AF dose rule without atrial fibrillation', () => {
    expect(cards(input([apixaban(5)], { ctx: { age_years: 85, weight_kg: 55 } }))).toEqual([]);
  });
});

describe('medication-safety: order-select', () => {
  it('checks only the selected draft orders', () => {
    const drafts = [metformin(0), ibuprofen(1)];
    const opts = { traj: { egfr_last: 25 } };
    expect(kinds(cards(input(drafts, opts)))).toEqual(['medsafety.metformin-contraindicated', 'medsafety.nsaid-ckd']);
    expect(kinds(cards(input(drafts, { ...opts, selected: [1] })))).toEqual(['medsafety.nsaid-ckd']);
  });
  it('answers no cards to no draft orders', () => {
    expect(cards(input([]))).toEqual([]);
  });
});
