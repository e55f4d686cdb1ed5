/**
 * The screening stage rule by rule, each from both sides: the same patient with the fact (the
 * verdict) and without it (clear). Patient facts come as the extractor sends them ('safety-context').
 */
import type { ScoringInput } from '@prognos/contracts';
import { CLEAR_SAFETY, safetyContext, scoringInput, type FeatureSpec, type SafetySpec } from '../services/test-support';
import { CONDITION_RULES, LACTATION_RULES, PREGNANCY_RULES } from './condition-rules';
import { INTERACTION_RULES } from './interaction-rules';
import { readPatientSafety } from './patient-safety';
import { screenDrug } from './screen-drug';
import type { DrugToScreen, Verdict } from './safety-types';

const DRUGS: Record<string, DrugToScreen> = {
  lisinopril: { ingredients: ['lisinopril'], classes: ['acei', 'antihypertensive'], display: 'lisinopril 10 mg' },
  losartan: { ingredients: ['losartan'], classes: ['arb', 'antihypertensive'], display: 'losartan 50 mg' },
  entresto: { ingredients: ['sacubitril', 'valsartan'], classes: ['arni', 'antihypertensive'], display: 'sacubitril/valsartan' },
  atorvastatin: { ingredients: ['atorvastatin'], classes: ['statin'], display: 'atorvastatin 80 mg' },
  simvastatin: { ingredients: ['simvastatin'], classes: ['statin'], display: 'simvastatin 20 mg' },
  rosuvastatin: { ingredients: ['rosuvastatin'], classes: ['statin'], display: 'rosuvastatin 10 mg' },
  pravastatin: { ingredients: ['pravastatin'], classes: ['statin'], display: 'pravastatin 40 mg' },
  pitavastatin: { ingredients: ['pitavastatin'], classes: ['statin'], display: 'pitavastatin 2 mg' },
  fluvastatin: { ingredients: ['fluvastatin'], classes: ['statin'], display: 'fluvastatin 40 mg' },
  dapagliflozin: { ingredients: ['dapagliflozin'], classes: ['sglt2i'], display: 'dapagliflozin 10 mg' },
  apixaban: { ingredients: ['apixaban'], classes: ['doac', 'anticoagulant'], display: 'apixaban 5 mg' },
  rivaroxaban: { ingredients: ['rivaroxaban'], classes: ['doac', 'anticoagulant'], display: 'rivaroxaban 20 mg' },
  dabigatran: { ingredients: ['dabigatran'], classes: ['doac', 'anticoagulant'], display: 'dabigatran 150 mg' },
  edoxaban: { ingredients: ['edoxaban'], classes: ['doac', 'anticoagulant'], display: 'edoxaban 60 mg' },
  warfarin: { ingredients: ['warfarin'], classes: ['warfarin', 'anticoagulant'], display: 'warfarin 5 mg' },
  metformin: { ingredients: ['metformin'], classes: ['metformin'], display: 'metformin 500 mg' },
  ibuprofen: { ingredients: ['ibuprofen'], classes: ['nsaid'], display: 'ibuprofen 400 mg' },
};

function patient(spec: SafetySpec, labMaxAgeDays = 365) {
  const input: ScoringInput = scoringInput({ serviceId: 'x', sets: {}, safety: safetyContext({ ...spec, features: { ...CLEAR_SAFETY, ...spec.features } }) });
  return readPatientSafety(input, labMaxAgeDays);
}
const verdict = (spec: SafetySpec, drug: string): Verdict => screenDrug(patient(spec), DRUGS[drug]!).verdict;
const rulesFired = (spec: SafetySpec, drug: string) => screenDrug(patient(spec), DRUGS[drug]!).reasons.map((r) => r.rule);

describe('condition, pregnancy and lactation tables', () => {
  const cases: [string, string, string, Verdict][] = [];
  const sample: Record<string, string> = { 'ACE inhibitors': 'lisinopril', ARBs: 'losartan', 'sacubitril/valsartan (ARNI)': 'entresto', statins: 'atorvastatin',
    'SGLT2 inhibitors': 'dapagliflozin', DOACs: 'apixaban', warfarin: 'warfarin', 'oral anticoagulants': 'apixaban', metformin: 'metformin', NSAIDs: 'ibuprofen', 'ARBs and ARNI': 'losartan' };
  for (const r of [...PREGNANCY_RULES, ...LACTATION_RULES, ...CONDITION_RULES]) cases.push([r.id, r.feature, sample[r.drugs.name]!, r.verdict]);
  it.each(cases)('%s: %s = 1 gives the verdict for %s; 0 gives clear', (id, feature, drug, expected) => {
    expect(drug).toBeDefined();
    const female: Record<string, FeatureSpec> = feature === 'pregnant' || feature === 'lactating' ? { sex_female: 1, age_years: 30 } : {};
    expect(verdict({ features: { ...female, [feature]: 1 } }, drug)).toBe(expected);
    expect(rulesFired({ features: { ...female, [feature]: 1 } }, drug)).toContain(id);
    expect(verdict({ features: { ...female, [feature]: 0 } }, drug)).toBe('clear');
  });

  it('pregnancy unknown: caution for a woman of 15-49, nothing at 14.9 or 50, nothing for a man', () => {
    const withoutPregnancy = Object.fromEntries(Object.entries(CLEAR_SAFETY).filter(([k]) => k !== 'pregnant'));
    for (const [age, f, v] of [[15, 1, 'caution'], [49.9, 1, 'caution'], [14.9, 1, 'clear'], [50, 1, 'clear'], [30, 0, 'clear']] as const) {
      const p = readPatientSafety(scoringInput({ serviceId: 'x', sets: {}, safety: safetyContext({ features: { ...withoutPregnancy, age_years: age, sex_female: f } }) }), 365);
      expect({ age, f, v: screenDrug(p, DRUGS.lisinopril!).verdict }).toEqual({ age, f, v });
    }
    // The same woman of 30 with a known status (0): clear.
    expect(verdict({ features: { age_years: 30, sex_female: 1, pregnant: 0 } }, 'lisinopril')).toBe('clear');
  });

  it('warfarin in pregnancy with a prosthetic valve: caution (label exception), not block', () => {
    expect(verdict({ features: { sex_female: 1, age_years: 30, pregnant: 1, prosthetic_valve: 1 } }, 'warfarin')).toBe('caution');
    expect(verdict({ features: { sex_female: 1, age_years: 30, pregnant: 1 } }, 'warfarin')).toBe('block');
  });
});

describe('allergies and class cross-reactivity', () => {
  it.each([
    ['acei:lisinopril:angioedema', 'lisinopril', 'block'], ['acei:lisinopril:angioedema', 'losartan', 'caution'], ['acei:lisinopril:angioedema', 'entresto', 'block'],
    ['acei:enalapril:angioedema', 'lisinopril', 'block'], ['acei:enalapril', 'lisinopril', 'caution'], ['acei:enalapril', 'losartan', 'clear'],
    ['statin:atorvastatin', 'atorvastatin', 'block'], ['statin:atorvastatin', 'rosuvastatin', 'caution'], ['statin:*', 'simvastatin', 'caution'],
    ['doac:apixaban:unconfirmed', 'apixaban', 'block'], ['doac:apixaban', 'warfarin', 'clear'], ['arb:losartan:angioedema', 'entresto', 'block'],
  ] as const)('allergy %s -> %s: %s', (allergy, drug, expected) => {
    expect(verdict({ allergies: [allergy] }, drug)).toBe(expected);
    expect(verdict({ allergies: [] }, drug)).toBe('clear');
  });
});

describe('potassium before a RAS inhibitor', () => {
  it.each([
    [5.5, 10, 'block'], [5.49, 10, 'clear'], [6.2, 10, 'block'], [4.0, 366, 'caution'], [4.0, 365, 'clear'],
  ] as const)('K %p mmol/L, %p days old: %s', (k, age, expected) => {
    expect(verdict({ features: { potassium_last: k, potassium_last_age_days: age } }, 'lisinopril')).toBe(expected);
    expect(verdict({ features: { potassium_last: k, potassium_last_age_days: age } }, 'atorvastatin')).toBe('clear');
  });
  it('no potassium at all: caution, said as unknown', () => {
    const p = readPatientSafety(scoringInput({ serviceId: 'x', sets: {}, safety: safetyContext({ features: Object.fromEntries(Object.entries(CLEAR_SAFETY).filter(([k]) => !k.startsWith('potassium'))) }) }), 365);
    const s = screenDrug(p, DRUGS.losartan!);
    expect(s.verdict).toBe('caution');
    expect(s.reasons[0]).toMatchObject({ rule: 'rasi.hyperkalaemia.unknown', unknown: true });
  });
});

describe('interaction table', () => {
  const sampleDrug: Record<string, string> = { apixaban: 'apixaban', rivaroxaban: 'rivaroxaban', dabigatran: 'dabigatran', edoxaban: 'edoxaban', 'simvastatin / lovastatin': 'simvastatin',
    atorvastatin: 'atorvastatin', rosuvastatin: 'rosuvastatin', pravastatin: 'pravastatin', pitavastatin: 'pitavastatin', 'pitavastatin / fluvastatin': 'fluvastatin', fluvastatin: 'fluvastatin',
    'sacubitril/valsartan (ARNI)': 'entresto', 'ACE inhibitors': 'lisinopril', ARBs: 'losartan', 'ARB or ARNI': 'losartan', 'ACE inhibitor, ARB or ARNI': 'lisinopril',
    'RAS inhibitors (ACE inhibitor, ARB, ARNI, aliskiren)': 'lisinopril', NSAIDs: 'ibuprofen', 'oral anticoagulants': 'apixaban' };
  const sampleWith = (r: (typeof INTERACTION_RULES)[number]): string => {
    if (r.with.ingredients?.length) return r.with.ingredients[0]!;
    const byClass: Record<string, string> = { acei: 'enalapril', arb: 'valsartan', arni: 'sacubitril', nsaid: 'naproxen', doac: 'rivaroxaban', mra: 'spironolactone' };
    return byClass[r.with.classes![0]!]!;
  };
  const cases = INTERACTION_RULES.map((r) => [r.id, sampleDrug[r.drugs.name]!, sampleWith(r), r.verdict] as const);
  it.each(cases)('%s: %s with %s active -> %s; without -> clear', (id, drug, other, expected) => {
    expect(drug).toBeDefined();
    expect(rulesFired({ ingredients: [other] }, drug)).toContain(id);
    expect(verdict({ ingredients: [other] }, drug)).toBe(expected);
    expect(verdict({ ingredients: [] }, drug)).toBe('clear');
  });
  it('a renewal of the same drug is not an interaction with itself', () => {
    expect(verdict({ ingredients: ['apixaban'] }, 'apixaban')).toBe('clear');
  });
  it('a drafted co-order counts like an active one (order-sign)', () => {
    const p = patient({ ingredients: [] });
    expect(screenDrug(p, DRUGS.ibuprofen!, [{ ingredient: 'warfarin', classes: ['warfarin', 'anticoagulant'], evidence: { resourceType: 'MedicationRequest' } }]).verdict).toBe('block');
  });
});

describe('what cannot be screened is said', () => {
  it('no safety-context set: caution "not safety-screened"', () => {
    const p = readPatientSafety(scoringInput({ serviceId: 'x', sets: {} }), 365);
    expect(screenDrug(p, DRUGS.lisinopril!)).toMatchObject({ verdict: 'caution', reasons: [{ rule: 'not-screened.no-data' }] });
  });
  it('unidentified active medicines: the co-medication list is incomplete for a drug with interaction rules, said as unknown', () => {
    for (const drug of ['apixaban', 'simvastatin', 'lisinopril', 'ibuprofen', 'warfarin']) {
      const p = patient({ ingredients: ['metoprolol'], unidentified: 2 });
      expect(p.unidentifiedMedications).toBe(2);
      const s = screenDrug(p, DRUGS[drug]!);
      expect({ drug, verdict: s.verdict }).toEqual({ drug, verdict: 'caution' });
      const r = s.reasons.find((x) => x.rule === 'interaction.co-medications-incomplete');
      expect(r).toMatchObject({ unknown: true });
      expect(r!.text).toMatch(/co-medication list is incomplete: 2 active medication records could not be identified/);
      // The same patient with every medicine identified: clear.
      expect({ drug, verdict: verdict({ ingredients: ['metoprolol'] }, drug) }).toEqual({ drug, verdict: 'clear' });
    }
  });
  it('unidentified active medicines do not touch a drug without interaction rules', () => {
    for (const drug of ['metformin', 'dapagliflozin']) {
      expect({ drug, verdict: screenDrug(patient({ ingredients: [], unidentified: 1 }), DRUGS[drug]!).verdict }).toEqual({ drug, verdict: 'clear' });
    }
  });
  it('a known interaction is still named beside the incomplete list', () => {
    expect(rulesFired({ ingredients: ['clarithromycin'], unidentified: 1 }, 'simvastatin')).toEqual(
      expect.arrayContaining(['simvastatin.strong-cyp3a4-inhibitor', 'interaction.co-medications-incomplete']));
  });
  it('a drug outside the table: caution "not recognised"', () => {
    expect(screenDrug(patient({}), { ingredients: [], classes: [], display: 'Zylotrex 5 mg' })).toMatchObject({ verdict: 'caution', reasons: [{ rule: 'not-screened.unknown-drug' }] });
  });
});
