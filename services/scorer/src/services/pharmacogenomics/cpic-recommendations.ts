/**
 * CPIC gene-drug recommendations as data: per guideline, the drugs, the gene (feature of the
 * `pharmacogenomics` set) and, per phenotype (or activity score), what CPIC recommends, in plain
 * words, with CPIC's classification of the recommendation. The rules that read these tables are in
 * pgx-cards.ts; nothing clinical is decided outside these tables except the dose arithmetic.
 *
 * Wording is paraphrased from each guideline's recommendation table (cited per guideline). Where the
 * recommendation depends on the indication (clopidogrel: ACS/PCI vs other cardiovascular
 * indications; thiopurines: malignant vs non-malignant), the table has one column per indication.
 */
import type { PgxPhenotype } from '@prognos/contracts';

export type Strength = 'Strong' | 'Moderate' | 'Optional' | 'No recommendation';

/** What the recommendation asks of the prescriber. */
export type RecommendationAction =
  /** standard dosing: no card */
  | 'standard'
  /** CPIC makes no recommendation: no card */
  | 'none'
  /** use another drug */
  | 'alternative'
  /** limit the daily dose (statins) */
  | 'limit-dose'
  /** reduce the starting dose to a fraction */
  | 'reduce-dose'
  /** do not give (no substitute named) */
  | 'avoid';

export type AlternativeKey = 'prasugrel' | 'ticagrelor' | 'rosuvastatin' | 'pravastatin' | 'atorvastatin' | 'morphine';

export interface Recommendation {
  action: RecommendationAction;
  /** CPIC's recommendation in plain words. */
  text: string;
  strength: Strength;
  /** Alternatives CPIC names, in the order offered. */
  alternatives?: readonly AlternativeKey[];
  /** limit-dose: highest daily dose, mg. */
  maxDailyMg?: number;
  /** reduce-dose: fraction of the drafted dose offered in the update, and CPIC's range. */
  doseFraction?: number;
  doseFractionRange?: readonly [number, number];
  /** reduce-dose for poor metabolizers with malignancy: three times weekly instead of daily. */
  thriceWeekly?: boolean;
}

export interface GuidelineSource {
  label: string;
  url: string;
  version: string;
  date: string;
}

export type IndicationColumn = 'acs_pci' | 'other' | 'malignant' | 'nonmalignant' | 'any';

export interface GeneDrugGuideline {
  id: string;
  /** Lower-case RxNorm ingredient names the guideline covers. */
  drugs: readonly string[];
  gene: string;
  /** Phenotype feature of the pharmacogenomics set. */
  phenotypeFeature: string;
  /** Activity-score feature, when the recommendation is by score (DPYD). */
  activityFeature?: string;
  source: GuidelineSource;
  /** Which indication columns the table has; 'any' when one. */
  columns: readonly IndicationColumn[];
  /** phenotype -> column -> recommendation. */
  byPhenotype?: Partial<Record<PgxPhenotype, Partial<Record<IndicationColumn, Recommendation>>>>;
  /** activity score (as written, e.g. '1.5') -> recommendation (column 'any'). */
  byActivityScore?: Readonly<Record<string, Recommendation>>;
  /** The label or CPIC asks for the result before the first dose: order the test when none is on file. */
  testBeforeFirstDose?: { text: string; testName: string };
}

const STANDARD = (text: string, strength: Strength = 'Strong'): Recommendation => ({ action: 'standard', text, strength });
const NONE: Recommendation = { action: 'none', text: 'No recommendation', strength: 'No recommendation' };

/**
 * CPIC 2022 clopidogrel, Table 2 (cardiovascular indications): ACS and/or PCI vs non-ACS, non-PCI.
 * Checked against the PMC copy of Table 2 (PMC9287492/table/T2) for every row except the
 * non-ACS strength of the (likely) poor metabolizer rows, read as Moderate: verify before release.
 */
const CLOPIDOGREL_AVOID_IM = 'Avoid standard-dose clopidogrel (75 mg) if possible; use prasugrel or ticagrelor at standard dose if there is no contraindication.';
const CLOPIDOGREL_AVOID_PM = 'Avoid clopidogrel if possible; use prasugrel or ticagrelor at standard dose if there is no contraindication.';
const CLOPIDOGREL_STANDARD = 'If considering clopidogrel, use it at standard dose (75 mg/day).';

export const CLOPIDOGREL_CYP2C19: GeneDrugGuideline = {
  id: 'cyp2c19-clopidogrel',
  drugs: ['clopidogrel'],
  gene: 'CYP2C19',
  phenotypeFeature: 'cyp2c19_phenotype',
  columns: ['acs_pci', 'other'],
  source: {
    label: 'CPIC guideline for CYP2C19 and clopidogrel (2022 update)',
    url: 'https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/',
    version: '2022 update (Lee CR et al., Clin Pharmacol Ther 2022;112:959-967)', date: '2022-01',
  },
  byPhenotype: {
    ultrarapid_metabolizer: { acs_pci: STANDARD(CLOPIDOGREL_STANDARD), other: NONE },
    rapid_metabolizer: { acs_pci: STANDARD(CLOPIDOGREL_STANDARD), other: NONE },
    normal_metabolizer: { acs_pci: STANDARD(CLOPIDOGREL_STANDARD), other: STANDARD(CLOPIDOGREL_STANDARD) },
    likely_intermediate_metabolizer: { acs_pci: { action: 'alternative', text: CLOPIDOGREL_AVOID_IM, strength: 'Strong', alternatives: ['ticagrelor', 'prasugrel'] }, other: NONE },
    intermediate_metabolizer: { acs_pci: { action: 'alternative', text: CLOPIDOGREL_AVOID_IM, strength: 'Strong', alternatives: ['ticagrelor', 'prasugrel'] }, other: NONE },
    likely_poor_metabolizer: {
      acs_pci: { action: 'alternative', text: CLOPIDOGREL_AVOID_PM, strength: 'Strong', alternatives: ['ticagrelor', 'prasugrel'] },
      other: { action: 'alternative', text: CLOPIDOGREL_AVOID_PM, strength: 'Moderate', alternatives: ['ticagrelor', 'prasugrel'] },
    },
    poor_metabolizer: {
      acs_pci: { action: 'alternative', text: CLOPIDOGREL_AVOID_PM, strength: 'Strong', alternatives: ['ticagrelor', 'prasugrel'] },
      other: { action: 'alternative', text: CLOPIDOGREL_AVOID_PM, strength: 'Moderate', alternatives: ['ticagrelor', 'prasugrel'] },
    },
  },
};

const STATIN_SOURCE: GuidelineSource = {
  label: 'CPIC guideline for SLCO1B1, ABCG2 and CYP2C9 and statins (2022)',
  url: 'https://cpicpgx.org/guidelines/cpic-guideline-for-statins/',
  version: '2022 (Cooper-DeHoff RM et al., Clin Pharmacol Ther 2022;111:1007-1021)', date: '2022-01',
};
const STATIN_STANDARD = STANDARD('Prescribe the desired starting dose and adjust it by disease-specific guidelines.');

/** CPIC 2022 statins, SLCO1B1 - simvastatin. */
export const SIMVASTATIN_SLCO1B1: GeneDrugGuideline = {
  id: 'slco1b1-simvastatin',
  drugs: ['simvastatin'],
  gene: 'SLCO1B1',
  phenotypeFeature: 'slco1b1_phenotype',
  columns: ['any'],
  source: STATIN_SOURCE,
  byPhenotype: {
    increased_function: { any: STATIN_STANDARD },
    normal_function: { any: STATIN_STANDARD },
    decreased_function: { any: { action: 'alternative', text: 'Prescribe an alternative statin depending on the desired potency. If simvastatin is warranted, limit the dose to < 20 mg/day.', strength: 'Strong', alternatives: ['rosuvastatin', 'pravastatin'], maxDailyMg: 10 } },
    possible_decreased_function: { any: { action: 'alternative', text: 'Prescribe an alternative statin depending on the desired potency. If simvastatin is warranted, limit the dose to < 20 mg/day.', strength: 'Strong', alternatives: ['rosuvastatin', 'pravastatin'], maxDailyMg: 10 } },
    poor_function: { any: { action: 'alternative', text: 'Prescribe an alternative statin depending on the desired potency.', strength: 'Strong', alternatives: ['rosuvastatin', 'pravastatin'] } },
  },
};

/** CPIC 2022 statins, ABCG2 - rosuvastatin. */
export const ROSUVASTATIN_ABCG2: GeneDrugGuideline = {
  id: 'abcg2-rosuvastatin',
  drugs: ['rosuvastatin'],
  gene: 'ABCG2',
  phenotypeFeature: 'abcg2_phenotype',
  columns: ['any'],
  source: STATIN_SOURCE,
  byPhenotype: {
    normal_function: { any: STATIN_STANDARD },
    decreased_function: { any: STATIN_STANDARD },
    poor_function: { any: { action: 'limit-dose', text: 'Prescribe ≤ 20 mg/day as a starting dose; if a dose > 20 mg is needed, consider an alternative statin or combination therapy.', strength: 'Moderate', maxDailyMg: 20 } },
  },
};

/** CPIC 2022 statins, CYP2C9 - fluvastatin. */
export const FLUVASTATIN_CYP2C9: GeneDrugGuideline = {
  id: 'cyp2c9-fluvastatin',
  drugs: ['fluvastatin'],
  gene: 'CYP2C9',
  phenotypeFeature: 'cyp2c9_phenotype',
  columns: ['any'],
  source: STATIN_SOURCE,
  byPhenotype: {
    normal_metabolizer: { any: STATIN_STANDARD },
    intermediate_metabolizer: { any: { action: 'limit-dose', text: 'Prescribe ≤ 40 mg/day as a starting dose.', strength: 'Moderate', maxDailyMg: 40 } },
    poor_metabolizer: { any: { action: 'limit-dose', text: 'Prescribe ≤ 20 mg/day as a starting dose; if a higher dose is needed, prescribe an alternative statin.', strength: 'Moderate', maxDailyMg: 20, alternatives: ['rosuvastatin', 'pravastatin'] } },
  },
};

/** CPIC 2012 (2014 update) HLA-B - abacavir; the US label requires HLA-B*57:01 screening before starting. */
export const ABACAVIR_HLA_B: GeneDrugGuideline = {
  id: 'hla-b-abacavir',
  drugs: ['abacavir'],
  gene: 'HLA-B*57:01',
  phenotypeFeature: 'hla_b_5701',
  columns: ['any'],
  source: {
    label: 'CPIC guideline for HLA-B genotype and abacavir dosing (2014 update)',
    url: 'https://cpicpgx.org/guidelines/guideline-for-abacavir-and-hla-b/',
    version: '2014 update (Martin MA et al., Clin Pharmacol Ther 2014;95:499-500)', date: '2014-01',
  },
  byPhenotype: {
    positive: { any: { action: 'avoid', text: 'Abacavir is not recommended (high risk of abacavir hypersensitivity).', strength: 'Strong' } },
    negative: { any: STANDARD('Use abacavir per standard dosing guidelines.') },
  },
  testBeforeFirstDose: {
    text: 'The abacavir label and CPIC call for HLA-B*57:01 screening before the first dose; no result is on file.',
    testName: 'HLA-B*57:01 genotyping',
  },
};

const OPIOID_SOURCE: GuidelineSource = {
  label: 'CPIC guideline for CYP2D6, OPRM1, COMT and opioids (2021)',
  url: 'https://cpicpgx.org/guidelines/guideline-for-codeine-and-cyp2d6/',
  version: '2021 (Crews KR et al., Clin Pharmacol Ther 2021;110:888-896)', date: '2021-02',
};

/** CPIC 2021 opioids, CYP2D6 - codeine. */
export const CODEINE_CYP2D6: GeneDrugGuideline = {
  id: 'cyp2d6-codeine',
  drugs: ['codeine'],
  gene: 'CYP2D6',
  phenotypeFeature: 'cyp2d6_phenotype',
  activityFeature: 'cyp2d6_activity_score',
  columns: ['any'],
  source: OPIOID_SOURCE,
  byPhenotype: {
    ultrarapid_metabolizer: { any: { action: 'alternative', text: 'Avoid codeine because of the potential for serious toxicity. If an opioid is warranted, use a non-tramadol opioid.', strength: 'Strong', alternatives: ['morphine'] } },
    normal_metabolizer: { any: STANDARD('Use a label-recommended age- or weight-specific dose.') },
    intermediate_metabolizer: { any: STANDARD('Use a label-recommended dose; if there is no response and an opioid is warranted, consider a non-tramadol opioid.', 'Moderate') },
    poor_metabolizer: { any: { action: 'alternative', text: 'Avoid codeine because of the possibility of diminished analgesia. If an opioid is warranted, use a non-tramadol opioid.', strength: 'Strong', alternatives: ['morphine'] } },
  },
};

/** CPIC 2021 opioids, CYP2D6 - tramadol (Table 3, checked against PMC8249478/table/T3). */
export const TRAMADOL_CYP2D6: GeneDrugGuideline = {
  id: 'cyp2d6-tramadol',
  drugs: ['tramadol'],
  gene: 'CYP2D6',
  phenotypeFeature: 'cyp2d6_phenotype',
  activityFeature: 'cyp2d6_activity_score',
  columns: ['any'],
  source: OPIOID_SOURCE,
  byPhenotype: {
    ultrarapid_metabolizer: { any: { action: 'alternative', text: 'Avoid tramadol because of the potential for serious toxicity. If an opioid is warranted, use a non-codeine opioid.', strength: 'Strong', alternatives: ['morphine'] } },
    normal_metabolizer: { any: STANDARD('Use a label-recommended age- or weight-specific dose.') },
    intermediate_metabolizer: { any: STANDARD('Use a label-recommended dose; if there is no response and an opioid is warranted, consider a non-codeine opioid.', 'Optional') },
    poor_metabolizer: { any: { action: 'alternative', text: 'Avoid tramadol because of the possibility of diminished analgesia. If an opioid is warranted, use a non-codeine opioid.', strength: 'Strong', alternatives: ['morphine'] } },
  },
};

const THIOPURINE_SOURCE: GuidelineSource = {
  label: 'CPIC guideline for thiopurines and TPMT/NUDT15 (2018 update)',
  url: 'https://cpicpgx.org/guidelines/guideline-for-thiopurines-and-tpmt/',
  version: '2018 update (Relling MV et al., Clin Pharmacol Ther 2019;105:1095-1105)', date: '2018-11',
};

/**
 * Intermediate metabolizer starting dose: mercaptopurine and azathioprine 30-80 % of the normal dose
 * (Strong); thioguanine reduced by 50-80 %, i.e. 20-50 % of the normal dose (Moderate). The update
 * offered is about the middle of the range (50 %, thioguanine 35 %), not pre-selected.
 */
function intermediateRecommendation(drug: 'mercaptopurine' | 'azathioprine' | 'thioguanine'): Recommendation {
  const range: readonly [number, number] = drug === 'thioguanine' ? [0.2, 0.5] : [0.3, 0.8];
  return {
    action: 'reduce-dose',
    text: `Start with a reduced dose (${range[0] * 100}-${range[1] * 100} % of the normal dose) when the normal starting dose is full dose; adjust by myelosuppression and disease-specific guidelines.`,
    strength: drug === 'thioguanine' ? 'Moderate' : 'Strong',
    doseFraction: drug === 'thioguanine' ? 0.35 : 0.5,
    doseFractionRange: range,
  };
}

function thiopurineTable(drug: 'mercaptopurine' | 'azathioprine' | 'thioguanine', gene: 'TPMT' | 'NUDT15'): GeneDrugGuideline['byPhenotype'] {
  const im = intermediateRecommendation(drug);
  const pmMalignant: Recommendation = gene === 'TPMT'
    ? { action: 'reduce-dose', text: 'Start with a drastically reduced dose: reduce the daily dose 10-fold and give it three times a week instead of daily; adjust by myelosuppression.', strength: 'Strong', doseFraction: 0.1, thriceWeekly: true }
    : { action: 'reduce-dose', text: 'Start with a drastically reduced dose (about 10 % of the normal dose, e.g. mercaptopurine 10 mg/m²/day); adjust by myelosuppression.', strength: 'Strong', doseFraction: 0.1 };
  const pmNonMalignant: Recommendation = { action: 'avoid', text: 'For non-malignant conditions, use an alternative non-thiopurine immunosuppressant.', strength: 'Strong' };
  const normal = STANDARD('Start with the normal starting dose and adjust by disease-specific guidelines.');
  return {
    normal_metabolizer: { malignant: normal, nonmalignant: normal },
    intermediate_metabolizer: { malignant: im, nonmalignant: im },
    possible_intermediate_metabolizer: { malignant: im, nonmalignant: im },
    poor_metabolizer: { malignant: pmMalignant, nonmalignant: pmNonMalignant },
  };
}

function thiopurine(drug: 'mercaptopurine' | 'azathioprine' | 'thioguanine', gene: 'TPMT' | 'NUDT15'): GeneDrugGuideline {
  return {
    id: `${gene.toLowerCase()}-${drug}`,
    drugs: [drug],
    gene,
    phenotypeFeature: gene === 'TPMT' ? 'tpmt_phenotype' : 'nudt15_phenotype',
    columns: ['malignant', 'nonmalignant'],
    source: THIOPURINE_SOURCE,
    byPhenotype: thiopurineTable(drug, gene),
  };
}

/**
 * TPMT and NUDT15 both intermediate (or possible intermediate): CPIC March 2024 update to the 2018
 * guideline (cpicpgx.org thiopurine page): start at 20-50 % of the normal dose, for all thiopurines.
 * The update does not restate a classification; the 2018 intermediate-metabolizer classification of
 * the drug is shown.
 */
export function thiopurineBothIntermediate(drug: 'mercaptopurine' | 'azathioprine' | 'thioguanine'): GeneDrugGuideline {
  const rec: Recommendation = {
    action: 'reduce-dose',
    text: 'TPMT and NUDT15 are both reduced: start at 20-50 % of the normal dose (CPIC, March 2024 update); adjust by myelosuppression.',
    strength: drug === 'thioguanine' ? 'Moderate' : 'Strong',
    doseFraction: 0.35,
    doseFractionRange: [0.2, 0.5],
  };
  const row = { malignant: rec, nonmalignant: rec };
  return {
    id: `tpmt-nudt15-${drug}`,
    drugs: [drug],
    gene: 'TPMT and NUDT15',
    phenotypeFeature: 'tpmt_phenotype',
    columns: ['malignant', 'nonmalignant'],
    source: { ...THIOPURINE_SOURCE, version: `${THIOPURINE_SOURCE.version}; March 2024 update (TPMT/NUDT15 intermediate)`, date: '2024-03' },
    byPhenotype: { intermediate_metabolizer: row, possible_intermediate_metabolizer: row },
  };
}

export const THIOPURINES = ['mercaptopurine', 'azathioprine', 'thioguanine'] as const;

const DPYD_SOURCE: GuidelineSource = {
  label: 'CPIC guideline for fluoropyrimidines and DPYD (2017 update)',
  url: 'https://cpicpgx.org/guidelines/guideline-for-fluoropyrimidines-and-dpyd/',
  version: '2017 update with the November 2018 change (Amstutz U et al., Clin Pharmacol Ther 2018;103:210-216)', date: '2018-11',
};
const DPYD_AVOID_05 = 'Avoid fluorouracil and its prodrugs. If no suitable alternative exists, give a strongly reduced dose with early therapeutic drug monitoring.';

/**
 * CPIC 2017 DPYD - fluoropyrimidines (Table 2, checked against PMC5760397/table/T2), by activity
 * score (both sides of each boundary tested). AS 1.5 read "reduce by 25-50 %" in the 2017 text;
 * CPIC's November 2018 update (Henricks et al., Lancet Oncol 2018) made it 50 % for every
 * intermediate metabolizer, which is what is applied here.
 */
export const FLUOROPYRIMIDINE_DPYD: GeneDrugGuideline = {
  id: 'dpyd-fluoropyrimidines',
  drugs: ['capecitabine', 'fluorouracil'],
  gene: 'DPYD',
  phenotypeFeature: 'dpyd_phenotype',
  activityFeature: 'dpyd_activity_score',
  columns: ['any'],
  source: DPYD_SOURCE,
  byActivityScore: {
    '2': STANDARD('Use the label-recommended dose and administration.'),
    '1.5': { action: 'reduce-dose', text: 'Reduce the starting dose by 50 %, then titrate by toxicity (or drug monitoring).', strength: 'Moderate', doseFraction: 0.5 },
    '1': { action: 'reduce-dose', text: 'Reduce the starting dose by 50 %, then titrate by toxicity (or drug monitoring).', strength: 'Strong', doseFraction: 0.5 },
    '0.5': { action: 'avoid', text: DPYD_AVOID_05, strength: 'Strong' },
    '0': { action: 'avoid', text: 'Avoid fluorouracil and its prodrugs (capecitabine).', strength: 'Strong' },
  },
};

/** Every gene-drug table of the first release (warfarin is handled by warfarin-card.ts). */
export const GENE_DRUG_GUIDELINES: readonly GeneDrugGuideline[] = [
  CLOPIDOGREL_CYP2C19, SIMVASTATIN_SLCO1B1, ROSUVASTATIN_ABCG2, FLUVASTATIN_CYP2C9, ABACAVIR_HLA_B,
  CODEINE_CYP2D6, TRAMADOL_CYP2D6,
  thiopurine('mercaptopurine', 'TPMT'), thiopurine('azathioprine', 'TPMT'), thiopurine('thioguanine', 'TPMT'),
  thiopurine('mercaptopurine', 'NUDT15'), thiopurine('azathioprine', 'NUDT15'), thiopurine('thioguanine', 'NUDT15'),
  FLUOROPYRIMIDINE_DPYD,
];

export const WARFARIN_SOURCE: GuidelineSource = {
  label: 'CPIC guideline for warfarin and CYP2C9, VKORC1, CYP4F2 (2017 update); IWPC algorithm (NEJM 2009)',
  url: 'https://cpicpgx.org/guidelines/guideline-for-warfarin-and-cyp2c9-and-vkorc1/',
  version: '2017 update (Johnson JA et al., Clin Pharmacol Ther 2017;102:397-404)', date: '2017-02',
};
