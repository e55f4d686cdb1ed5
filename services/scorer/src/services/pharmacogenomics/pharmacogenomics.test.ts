import { PGX_PHENOTYPE_CODES as P, type CardDraft, type DraftOrderSummary, type PgxPhenotype, type PredictionRecord, type ScoringInput } from '@prognos/contracts';
import { TEST_CONFIG, createdResources, expectValidCard, scoringInput, suggestedCodes, type FeatureSpec } from '../test-support';
import { pharmacogenomicsSelectService, pharmacogenomicsService as svc } from './pharmacogenomics';

const med = (ingredient: string, index = 0, extra: Partial<DraftOrderSummary> = {}): DraftOrderSummary => ({
  index, resourceType: 'MedicationRequest', display: `${ingredient} tablet`, ingredients: [ingredient], classes: [], ...extra,
});

function input(drafts: DraftOrderSummary[], pgx: Record<string, FeatureSpec>, iwpc: Record<string, FeatureSpec> = {}, selected?: number[]): ScoringInput {
  return scoringInput({
    serviceId: 'pharmacogenomics',
    sets: { pharmacogenomics: pgx, 'warfarin-iwpc': iwpc },
    draftOrders: drafts,
    ...(selected ? { selectedDraftOrderIndexes: selected } : {}),
  });
}

function cards(i: ScoringInput, predictions: PredictionRecord[] = []): CardDraft[] {
  const out = svc.buildCards({ input: i, predictions, config: TEST_CONFIG }).cards;
  for (const c of out) expectValidCard(c);
  return out;
}
const kinds = (cs: CardDraft[]) => cs.map((c) => c.kind);
const pheno = (p: PgxPhenotype, display?: string): FeatureSpec => ({ value: P[p], date: '2024-03-01', ...(display ? { display } : {}) });

describe('CYP2C19 - clopidogrel (CPIC 2022 Table 2): every phenotype, both indication columns', () => {
  // [phenotype, ACS/PCI expected, other CV indications expected]; '-' = no card (standard dose or no recommendation).
  const TABLE: [PgxPhenotype, string, string][] = [
    ['ultrarapid_metabolizer', '-', '-'],
    ['rapid_metabolizer', '-', '-'],
    ['normal_metabolizer', '-', '-'],
    ['likely_intermediate_metabolizer', 'strong', '-'],
    ['intermediate_metabolizer', 'strong', '-'],
    ['likely_poor_metabolizer', 'strong', 'moderate'],
    ['poor_metabolizer', 'strong', 'moderate'],
  ];
  it.each(TABLE)('%s: ACS/PCI %s, other %s', (p, acs, other) => {
    for (const [flag, expected] of [[1, acs], [0, other]] as const) {
      const out = cards(input([med('clopidogrel', 2)], { cyp2c19_phenotype: pheno(p, 'CYP2C19 *2/*2'), acs_or_pci: flag }));
      if (expected === '-') { expect(out).toEqual([]); continue; }
      expect(kinds(out)).toEqual(['pgx.cyp2c19-clopidogrel-alternative']);
      expect(out[0]!.summary).toContain(`(${expected})`);
      expect(out[0]!.detail).toContain('CYP2C19 *2/*2 (2024-03-01)');
      expect(out[0]!.source.url).toBe('https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/');
      // Replace = delete the real draft + create the alternative, in one suggestion; ticagrelor first and pre-selected.
      const [first, second] = out[0]!.suggestions!;
      expect(first!.isRecommended).toBe(true);
      expect(first!.actions!.map((a) => a.type)).toEqual(['delete', 'create']);
      expect(first!.actions![0]!.draftOrderIndex).toBe(2);
      expect(suggestedCodes({ ...out[0]!, suggestions: [first!] })).toEqual(['1116632']);
      expect(suggestedCodes({ ...out[0]!, suggestions: [second!] })).toEqual(['613391']);
    }
  });
  it('says when the indication is unknown and applies the ACS/PCI column', () => {
    const [card] = cards(input([med('clopidogrel')], { cyp2c19_phenotype: pheno('intermediate_metabolizer') }));
    expect(card!.detail).toContain('Indication not known');
  });
  it('gives no card without a CYP2C19 result (CPIC does not require testing before the first dose)', () => {
    expect(cards(input([med('clopidogrel')], {}))).toEqual([]);
  });
  it('gives an info card, never "normal", for an indeterminate result', () => {
    const [card] = cards(input([med('clopidogrel')], { cyp2c19_phenotype: pheno('indeterminate', 'CYP2C19 *1/*38') }));
    expect(card).toMatchObject({ kind: 'pgx.cyp2c19-clopidogrel-indeterminate', indicator: 'info' });
    expect(card!.suggestions).toBeUndefined();
  });
});

describe('statins (CPIC 2022)', () => {
  const simva = (mg: number) => med('simvastatin', 0, { doseMg: mg, frequencyPerDay: 1, strengthMg: mg });
  it.each([
    ['increased_function', '-'], ['normal_function', '-'], ['decreased_function', 'alt+update'],
    ['possible_decreased_function', 'alt+update'], ['poor_function', 'alt'],
  ] as [PgxPhenotype, string][])('SLCO1B1 %s with simvastatin 40 mg: %s', (p, expected) => {
    const out = cards(input([simva(40)], { slco1b1_phenotype: pheno(p) }));
    if (expected === '-') return expect(out).toEqual([]);
    expect(kinds(out)).toEqual(['pgx.slco1b1-simvastatin-alternative']);
    const labels = out[0]!.suggestions!.map((s) => s.label);
    expect(labels.some((l) => l.includes('rosuvastatin'))).toBe(true);
    expect(labels.some((l) => l.includes('simvastatin 10 mg'))).toBe(expected === 'alt+update');
  });
  it('ABCG2 poor function: limits rosuvastatin 40 mg to 20 mg with an update; silent at 20 mg and for decreased function', () => {
    const [card] = cards(input([med('rosuvastatin', 0, { doseMg: 40, frequencyPerDay: 1 })], { abcg2_phenotype: pheno('poor_function') }));
    expect(card!.kind).toBe('pgx.abcg2-rosuvastatin-limit-dose');
    expect(card!.suggestions![0]!.actions![0]).toMatchObject({ type: 'update', draftOrderIndex: 0 });
    expect(JSON.stringify(card!.suggestions![0]!.actions![0]!.patch)).toContain('"value":20');
    expect(cards(input([med('rosuvastatin', 0, { doseMg: 20, frequencyPerDay: 1 })], { abcg2_phenotype: pheno('poor_function') }))).toEqual([]);
    expect(cards(input([med('rosuvastatin', 0, { doseMg: 40, frequencyPerDay: 1 })], { abcg2_phenotype: pheno('decreased_function') }))).toEqual([]);
  });
  it('CYP2C9 - fluvastatin: intermediate <= 40 mg, poor <= 20 mg (both sides)', () => {
    const fluva = (mg: number) => med('fluvastatin', 0, { doseMg: mg, frequencyPerDay: 1 });
    expect(kinds(cards(input([fluva(80)], { cyp2c9_phenotype: pheno('intermediate_metabolizer') })))).toEqual(['pgx.cyp2c9-fluvastatin-limit-dose']);
    expect(cards(input([fluva(40)], { cyp2c9_phenotype: pheno('intermediate_metabolizer') }))).toEqual([]);
    expect(kinds(cards(input([fluva(40)], { cyp2c9_phenotype: pheno('poor_metabolizer') })))).toEqual(['pgx.cyp2c9-fluvastatin-limit-dose']);
    expect(cards(input([fluva(20)], { cyp2c9_phenotype: pheno('poor_metabolizer') }))).toEqual([]);
    expect(cards(input([fluva(80)], { cyp2c9_phenotype: pheno('normal_metabolizer') }))).toEqual([]);
  });
});

describe('HLA-B*57:01 - abacavir', () => {
  it('positive: critical, remove the draft', () => {
    const [card] = cards(input([med('abacavir', 1)], { hla_b_5701: { value: 1, display: 'HLA-B Positive', date: '2023-05-01' } }));
    expect(card).toMatchObject({ kind: 'pgx.hla-b-abacavir-avoid', indicator: 'critical' });
    expect(card!.suggestions![0]!.actions).toEqual([expect.objectContaining({ type: 'delete', draftOrderIndex: 1 })]);
  });
  it('negative: no card', () => {
    expect(cards(input([med('abacavir')], { hla_b_5701: 0 }))).toEqual([]);
  });
  it('no result on file: order the test before the first dose (ServiceRequest)', () => {
    const [card] = cards(input([med('abacavir')], {}));
    expect(card!.kind).toBe('pgx.hla-b-abacavir-test-needed');
    const [sr] = createdResources(card!, 'ServiceRequest');
    expect(sr).toMatchObject({ status: 'draft', intent: 'order', code: { text: 'HLA-B*57:01 genotyping' } });
  });
});

describe('CYP2D6 - codeine and tramadol (CPIC 2021)', () => {
  it.each([
    ['codeine', 'ultrarapid_metabolizer', 'alternative'], ['codeine', 'normal_metabolizer', '-'], ['codeine', 'intermediate_metabolizer', '-'],
    ['codeine', 'poor_metabolizer', 'alternative'], ['tramadol', 'ultrarapid_metabolizer', 'alternative'], ['tramadol', 'intermediate_metabolizer', '-'],
    ['tramadol', 'poor_metabolizer', 'alternative'],
  ] as [string, PgxPhenotype, string][])('%s, %s: %s', (drug, p, expected) => {
    const out = cards(input([med(drug)], { cyp2d6_phenotype: pheno(p), cyp2d6_activity_score: p === 'poor_metabolizer' ? 0 : 3 }));
    if (expected === '-') return expect(out).toEqual([]);
    expect(kinds(out)).toEqual([`pgx.cyp2d6-${drug}-alternative`]);
    expect(suggestedCodes(out[0]!)).toEqual(['7052']); // morphine: neither codeine nor tramadol
    expect(out[0]!.summary).toContain('(strong)'); // CPIC 2021 Tables 2-3: UM and PM avoid, Strong
  });
});

describe('TPMT / NUDT15 - thiopurines (CPIC 2018)', () => {
  const aza = (mg: number) => med('azathioprine', 0, { doseMg: mg, frequencyPerDay: 1 });
  it('intermediate: reduce to 50 % of the drafted dose (CPIC 30-80 %), not pre-selected', () => {
    const [card] = cards(input([aza(100)], { tpmt_phenotype: pheno('intermediate_metabolizer'), malignancy: 0 }));
    expect(card!.kind).toBe('pgx.tpmt-azathioprine-reduce-dose');
    expect(card!.suggestions![0]).toMatchObject({ isRecommended: false, label: expect.stringContaining('Reduce to 50 mg') });
  });
  it('poor, malignant: 10-fold reduction three times a week; poor, non-malignant: avoid (critical)', () => {
    const [mal] = cards(input([med('mercaptopurine', 0, { doseMg: 100, frequencyPerDay: 1 })], { tpmt_phenotype: pheno('poor_metabolizer'), malignancy: 1 }));
    expect(mal!.kind).toBe('pgx.tpmt-mercaptopurine-reduce-dose');
    expect(JSON.stringify(mal!.suggestions![0]!.actions![0]!.patch)).toContain('"periodUnit":"wk"');
    expect(mal!.suggestions![0]!.label).toContain('Reduce to 10 mg three times a week');
    const [non] = cards(input([med('mercaptopurine', 0, { doseMg: 100 })], { tpmt_phenotype: pheno('poor_metabolizer'), malignancy: 0 }));
    expect(non).toMatchObject({ kind: 'pgx.tpmt-mercaptopurine-avoid', indicator: 'critical' });
  });
  it('NUDT15 is checked as well as TPMT (one card per gene)', () => {
    const out = cards(input([aza(100)], { tpmt_phenotype: pheno('normal_metabolizer'), nudt15_phenotype: pheno('intermediate_metabolizer'), malignancy: 0 }));
    expect(kinds(out)).toEqual(['pgx.nudt15-azathioprine-reduce-dose']);
  });
  it('thioguanine intermediate: 35 % (CPIC: reduce by 50-80 %, i.e. 20-50 % of the normal dose)', () => {
    const [card] = cards(input([med('thioguanine', 0, { doseMg: 40 })], { tpmt_phenotype: pheno('intermediate_metabolizer'), malignancy: 1 }));
    expect(card!.suggestions![0]!.label).toContain('Reduce to 14 mg');
    expect(card!.suggestions![0]!.label).toContain('CPIC range 20-50 %');
  });
  it('TPMT and NUDT15 both intermediate: one card at 20-50 % (CPIC March 2024 update)', () => {
    const out = cards(input([med('azathioprine', 0, { doseMg: 100 })], { tpmt_phenotype: pheno('intermediate_metabolizer'), nudt15_phenotype: pheno('possible_intermediate_metabolizer'), malignancy: 0 }));
    expect(kinds(out)).toEqual(['pgx.tpmt-nudt15-azathioprine-reduce-dose']);
    expect(out[0]!.suggestions![0]!.label).toContain('Reduce to 35 mg');
  });
});

describe('DPYD - fluoropyrimidines (CPIC 2017): both sides of every activity-score boundary', () => {
  const cape = () => med('capecitabine', 0, { doseMg: 1500, frequencyPerDay: 2 });
  it.each([
    [2, 'normal_metabolizer', '-', ''], [1.5, 'intermediate_metabolizer', 'reduce-dose', 'moderate'], [1, 'intermediate_metabolizer', 'reduce-dose', 'strong'],
    [0.5, 'poor_metabolizer', 'avoid', 'strong'], [0, 'poor_metabolizer', 'avoid', 'strong'],
  ] as [number, PgxPhenotype, string, string][])('AS %s: %s', (as, p, action, strength) => {
    const out = cards(input([cape()], { dpyd_phenotype: pheno(p), dpyd_activity_score: as }));
    if (action === '-') return expect(out).toEqual([]);
    expect(kinds(out)).toEqual([`pgx.dpyd-fluoropyrimidines-${action}`]);
    expect(out[0]!.summary).toContain(`(${strength})`);
    if (action === 'reduce-dose') {
      expect(out[0]!.suggestions![0]).toMatchObject({ isRecommended: true, label: expect.stringContaining('Reduce to 750 mg 2 times daily') });
    }
  });
});

describe('warfarin: IWPC dose and CPIC 2017 caveats', () => {
  const warfarin = med('warfarin', 3, { doseMg: 5, frequencyPerDay: 1 });
  const genotyped = { vkorc1_1639_a_count: { value: 1, display: 'VKORC1 G/A', date: '2024-03-01' }, cyp2c9_phenotype: pheno('normal_metabolizer', 'CYP2C9 *1/*1'), cyp2c9_african_alleles_tested: 0 };
  const iwpcIn = { age_years: 60, height_cm: 170, weight_kg: 80, race_black: 0, vkorc1_ag: 1 };
  const dose = (weekly: number): PredictionRecord[] => [
    { modelId: 'iwpc-warfarin', modelVersion: '1.0.0', output: 'weekly_dose_mg', value: weekly },
    { modelId: 'iwpc-warfarin', modelVersion: '1.0.0', output: 'daily_dose_mg', value: weekly / 7 },
  ];
  it('runs the IWPC model only when warfarin is drafted', () => {
    expect(svc.modelRuns(input([warfarin], genotyped), TEST_CONFIG)).toEqual([{ modelId: 'iwpc-warfarin', featureSet: 'warfarin-iwpc' }]);
    expect(svc.modelRuns(input([med('clopidogrel')], genotyped), TEST_CONFIG)).toEqual([]);
  });
  it('proposes the weekly and daily dose and an update of the draft (32.2 mg/week -> 4.5 mg/day)', () => {
    const [card] = cards(input([warfarin], genotyped, iwpcIn), dose(32.1636));
    expect(card!.kind).toBe('pgx.warfarin-iwpc-dose');
    expect(card!.summary).toContain('32.2 mg/week (≈4.5 mg/day, IWPC); ordered 5 mg/day');
    expect(card!.indicator).toBe('info'); // 5 vs 4.59 mg/day: within 20 %
    const action = card!.suggestions![0]!.actions![0]!;
    expect(action).toMatchObject({ type: 'update', draftOrderIndex: 3 });
    expect(JSON.stringify(action.patch)).toContain('"value":4.5');
  });
  it('warns when the drafted dose is more than 20 % away from the estimate', () => {
    const [card] = cards(input([warfarin], genotyped, iwpcIn), dose(21));
    expect(card!.indicator).toBe('warning');
  });
  it('African ancestry without CYP2C9 *5/*6/*8/*11 tested: dose clinically, no algorithm dose', () => {
    const [card] = cards(input([warfarin], genotyped, { ...iwpcIn, race_black: 1 }), dose(30));
    expect(card!.kind).toBe('pgx.warfarin-dose-clinically');
    expect(card!.suggestions).toBeUndefined();
  });
  it('African ancestry, tested, carrier: decreases the calculated dose by 22.5 % (CPIC 15-30 %)', () => {
    const [card] = cards(input([warfarin], { ...genotyped, cyp2c9_african_alleles_tested: 1, cyp2c9_african_allele_count: 1 }, { ...iwpcIn, race_black: 1 }), dose(28));
    expect(card!.summary).toContain('21.7 mg/week');
  });
  it('CYP4F2*3 carrier (non-African): increases by 7.5 % (CPIC 5-10 %)', () => {
    const [card] = cards(input([warfarin], { ...genotyped, cyp4f2_star3_count: 1 }, iwpcIn), dose(28));
    expect(card!.summary).toContain('30.1 mg/week');
  });
  it('says why when the dose could not be computed, and is silent without any genotype', () => {
    const notComputed: PredictionRecord[] = [{ modelId: 'iwpc-warfarin', modelVersion: '1.0.0', output: 'weekly_dose_mg', notComputedReason: 'missing input: height_cm' }];
    const [card] = cards(input([warfarin], genotyped, iwpcIn), notComputed);
    expect(card!.kind).toBe('pgx.warfarin-dose-not-computed');
    expect(card!.summary).toContain('missing input: height_cm');
    expect(cards(input([warfarin], {}, iwpcIn), dose(30))).toEqual([]);
  });
});

describe('order-select: only the selected drafts', () => {
  it('checks the selected draft only, and tags each card with its draft', () => {
    const i = input([med('clopidogrel', 0), med('abacavir', 1)], { cyp2c19_phenotype: pheno('poor_metabolizer'), acs_or_pci: 1 }, {}, [1]);
    const out = pharmacogenomicsSelectService.buildCards({ input: i, predictions: [], config: TEST_CONFIG }).cards;
    expect(kinds(out)).toEqual(['pgx.hla-b-abacavir-test-needed']);
    expect(out[0]!.draftOrderIndex).toBe(1);
    expect(pharmacogenomicsSelectService.descriptor).toMatchObject({ hook: 'order-select', alertGroup: 'pharmacogenomics' });
  });
});
