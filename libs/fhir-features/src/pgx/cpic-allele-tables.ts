/**
 * CPIC allele function tables (data, not code): per gene, each allele's clinical function and,
 * where CPIC uses one, its activity value. The diplotype -> phenotype rules that read them are in
 * pgx-phenotype.ts. Every table names the CPIC guideline (and its gene resource table) it was
 * taken from, with version and date. Alleles that are not listed are "unknown": a diplotype that
 * contains one is reported as indeterminate, never guessed.
 *
 * Only the alleles a clinical PGx panel commonly reports are listed; alleles CPIC lists with
 * "uncertain function" are marked so (they make a phenotype indeterminate or "possible").
 */

export type AlleleFunction = 'normal' | 'decreased' | 'no' | 'increased' | 'uncertain';

export interface AlleleEntry {
  function: AlleleFunction;
  /** CPIC activity value (CYP2D6, CYP2C9, DPYD). */
  activity?: number;
}

export interface AlleleTable {
  gene: PgxGene;
  /** Guideline and table the entries come from. */
  citation: string;
  /** Guideline (or table) version as published, and its date. */
  version: string;
  date: string;
  url: string;
  alleles: Readonly<Record<string, AlleleEntry>>;
}

export type PgxGene = 'CYP2C19' | 'CYP2D6' | 'CYP2C9' | 'SLCO1B1' | 'ABCG2' | 'TPMT' | 'NUDT15' | 'DPYD' | 'HLA-B' | 'VKORC1' | 'CYP4F2';

export const PGX_GENES: readonly PgxGene[] = ['CYP2C19', 'CYP2D6', 'CYP2C9', 'SLCO1B1', 'ABCG2', 'TPMT', 'NUDT15', 'DPYD', 'HLA-B', 'VKORC1', 'CYP4F2'];

/**
 * HGNC ids (clinical-reference.md §8 for CYP2C19, CYP2C9, VKORC1, SLCO1B1, HLA-B). The others:
 * - CYP2D6 HGNC:2625 [CHECKED 2026-12-04: HL7 Genomics Reporting IG STU2 example, gene studied "CYP2D6 (geneId#HGNC:2625)",
 *   https://hl7.org/fhir/uv/genomics-reporting/STU2/Observation-GenotypeExamplePharmVar.html].
 * - TPMT HGNC:12014, NUDT15 HGNC:23063, DPYD HGNC:3012, ABCG2 HGNC:74 [CHECKED 2026-12-04: public code maps only, which
 *   agree (ClinGen gene-validity listings, a FHIR ValueSet expansion with "HGNC:12014" TPMT and "HGNC:3012" DPYD, PharmGKB
 *   gene tables, NCBIGene:9429 ABCG2 = HGNC:74); not checked against genenames.org itself].
 * - CYP4F2 HGNC:2645 [MEM]: no public source found that shows this id with CYP4F2; verify at genenames.org.
 */
export const HGNC_IDS: Readonly<Record<string, PgxGene>> = {
  'HGNC:2621': 'CYP2C19', 'HGNC:2625': 'CYP2D6', 'HGNC:2623': 'CYP2C9', 'HGNC:10959': 'SLCO1B1',
  'HGNC:74': 'ABCG2', 'HGNC:12014': 'TPMT', 'HGNC:23063': 'NUDT15', 'HGNC:3012': 'DPYD',
  'HGNC:4932': 'HLA-B', 'HGNC:23663': 'VKORC1', 'HGNC:2645': 'CYP4F2',
};

const N = (activity?: number): AlleleEntry => (activity === undefined ? { function: 'normal' } : { function: 'normal', activity });
const D = (activity?: number): AlleleEntry => (activity === undefined ? { function: 'decreased' } : { function: 'decreased', activity });
const NO = (activity?: number): AlleleEntry => (activity === undefined ? { function: 'no' } : { function: 'no', activity });
const INC: AlleleEntry = { function: 'increased' };
const U: AlleleEntry = { function: 'uncertain' };

/**
 * CYP2C19: CPIC 2022 clopidogrel guideline (Lee CR et al., Clin Pharmacol Ther 2022;112:959-967,
 * doi:10.1002/cpt.2526), CYP2C19 allele functionality table. *2-*8 and *35: no function;
 * *9, *10: decreased; *17: increased.
 */
export const CYP2C19_ALLELES: AlleleTable = {
  gene: 'CYP2C19', version: 'CPIC 2022 update', date: '2022-01',
  citation: 'Lee CR et al. CPIC guideline for CYP2C19 genotype and clopidogrel therapy: 2022 update. Clin Pharmacol Ther 2022;112:959-967',
  url: 'https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/',
  alleles: {
    '*1': N(), '*2': NO(), '*3': NO(), '*4': NO(), '*5': NO(), '*6': NO(), '*7': NO(), '*8': NO(), '*35': NO(),
    '*9': D(), '*10': D(), '*17': INC,
  },
};

/**
 * CYP2D6: CPIC 2021 opioid guideline (Crews KR et al., Clin Pharmacol Ther 2021;110:888-896,
 * doi:10.1002/cpt.2149) with the CPIC/DPWG activity-score consensus (Caudle KE et al., Clin Transl
 * Sci 2020;13:116-124): normal 1, *10 0.25, other decreased 0.5, no function 0. A duplication
 * (xN) multiplies the allele's value by its copy number (xN without a number: 2 copies counted).
 */
export const CYP2D6_ALLELES: AlleleTable = {
  gene: 'CYP2D6', version: 'CPIC 2021 opioids; 2019 activity-score consensus', date: '2021-02',
  citation: 'Crews KR et al. CPIC guideline for CYP2D6, OPRM1 and COMT genotypes and select opioid therapy. Clin Pharmacol Ther 2021;110:888-896',
  url: 'https://cpicpgx.org/guidelines/guideline-for-codeine-and-cyp2d6/',
  alleles: {
    '*1': N(1), '*2': N(1), '*35': N(1),
    '*9': D(0.5), '*10': D(0.25), '*17': D(0.5), '*29': D(0.5), '*41': D(0.5),
    '*3': NO(0), '*4': NO(0), '*5': NO(0), '*6': NO(0), '*7': NO(0), '*8': NO(0), '*36': NO(0),
  },
};

/**
 * CYP2C9: CPIC 2017 warfarin guideline (Johnson JA et al., Clin Pharmacol Ther 2017;102:397-404,
 * doi:10.1002/cpt.668) and the 2020 CYP2C9 activity-score tables (CPIC NSAID/phenytoin guidelines):
 * *1 1; *2, *5, *8, *11: decreased 0.5; *3, *6: no function 0.
 */
export const CYP2C9_ALLELES: AlleleTable = {
  gene: 'CYP2C9', version: 'CPIC 2017 warfarin; 2020 activity scores', date: '2017-02',
  citation: 'Johnson JA et al. CPIC guideline for pharmacogenetics-guided warfarin dosing: 2017 update. Clin Pharmacol Ther 2017;102:397-404',
  url: 'https://cpicpgx.org/guidelines/guideline-for-warfarin-and-cyp2c9-and-vkorc1/',
  alleles: {
    '*1': N(1), '*2': D(0.5), '*5': D(0.5), '*8': D(0.5), '*11': D(0.5), '*3': NO(0), '*6': NO(0),
  },
};

/** CYP2C9 alleles CPIC 2017 requires to have been tested before dosing patients of African ancestry by algorithm. */
export const CYP2C9_AFRICAN_ALLELES: readonly string[] = ['*5', '*6', '*8', '*11'];

/**
 * SLCO1B1: CPIC 2022 statin guideline (Cooper-DeHoff RM et al., Clin Pharmacol Ther
 * 2022;111:1007-1021, doi:10.1002/cpt.2557). *1 normal, *14 increased, *5 and *15 no function
 * (both carry c.521T>C, rs4149056). rs4149056 alone: see SLCO1B1_RS4149056 in pgx-phenotype.ts.
 */
export const SLCO1B1_ALLELES: AlleleTable = {
  gene: 'SLCO1B1', version: 'CPIC 2022 statins', date: '2022-01',
  citation: 'Cooper-DeHoff RM et al. CPIC guideline for SLCO1B1, ABCG2 and CYP2C9 genotypes and statin-associated musculoskeletal symptoms. Clin Pharmacol Ther 2022;111:1007-1021',
  url: 'https://cpicpgx.org/guidelines/cpic-guideline-for-statins/',
  alleles: { '*1': N(), '*14': INC, '*5': NO(), '*15': NO() },
};

/**
 * TPMT: CPIC 2018 thiopurine guideline (Relling MV et al., Clin Pharmacol Ther 2019;105:1095-1105,
 * doi:10.1002/cpt.1304): *1 normal; *2, *3A, *3B, *3C, *4 no function.
 */
export const TPMT_ALLELES: AlleleTable = {
  gene: 'TPMT', version: 'CPIC 2018 thiopurines', date: '2018-11',
  citation: 'Relling MV et al. CPIC guideline for thiopurine dosing based on TPMT and NUDT15 genotypes: 2018 update. Clin Pharmacol Ther 2019;105:1095-1105',
  url: 'https://cpicpgx.org/guidelines/guideline-for-thiopurines-and-tpmt/',
  alleles: { '*1': N(), '*2': NO(), '*3A': NO(), '*3B': NO(), '*3C': NO(), '*4': NO(), '*8': U },
};

/** NUDT15: same guideline; *1 normal, *2 and *3 no function, *4 and *5 uncertain. */
export const NUDT15_ALLELES: AlleleTable = {
  gene: 'NUDT15', version: 'CPIC 2018 thiopurines', date: '2018-11',
  citation: TPMT_ALLELES.citation,
  url: TPMT_ALLELES.url,
  alleles: { '*1': N(), '*2': NO(), '*3': NO(), '*4': U, '*5': U },
};

/**
 * DPYD: CPIC 2017 fluoropyrimidine guideline (Amstutz U et al., Clin Pharmacol Ther
 * 2018;103:210-216, doi:10.1002/cpt.911), activity values: c.1905+1G>A (*2A) and c.1679T>G (*13)
 * no function 0; c.2846A>T and c.1129-5923C>G (HapB3) decreased 0.5; reference 1.
 */
export const DPYD_ALLELES: AlleleTable = {
  gene: 'DPYD', version: 'CPIC 2017 fluoropyrimidines (Nov 2018 update)', date: '2017-10',
  citation: 'Amstutz U et al. CPIC guideline for dihydropyrimidine dehydrogenase genotype and fluoropyrimidine dosing: 2017 update. Clin Pharmacol Ther 2018;103:210-216',
  url: 'https://cpicpgx.org/guidelines/guideline-for-fluoropyrimidines-and-dpyd/',
  alleles: {
    'Reference': N(1), '*1': N(1),
    'c.1905+1G>A': NO(0), '*2A': NO(0), 'c.1679T>G': NO(0), '*13': NO(0),
    'c.2846A>T': D(0.5), 'c.1129-5923C>G': D(0.5), 'HapB3': D(0.5),
  },
};

/** CYP4F2: *3 (rs2108622, V433M) lowers vitamin K oxidation; counted for CPIC 2017 warfarin. */
export const CYP4F2_ALLELES: AlleleTable = {
  gene: 'CYP4F2', version: CYP2C9_ALLELES.version, date: CYP2C9_ALLELES.date, citation: CYP2C9_ALLELES.citation, url: CYP2C9_ALLELES.url,
  alleles: { '*1': N(), '*3': D() },
};

export const ALLELE_TABLES: Readonly<Partial<Record<PgxGene, AlleleTable>>> = {
  CYP2C19: CYP2C19_ALLELES, CYP2D6: CYP2D6_ALLELES, CYP2C9: CYP2C9_ALLELES, SLCO1B1: SLCO1B1_ALLELES,
  TPMT: TPMT_ALLELES, NUDT15: NUDT15_ALLELES, DPYD: DPYD_ALLELES, CYP4F2: CYP4F2_ALLELES,
};

/**
 * Single variants that stand for a gene's result (Genomics Reporting IG variant Observations, or
 * plain laboratory results "rs9923231 C/T"). `countAllele` is the allele counted in the notation
 * given; the other notation of the same variant is listed in `aliases` with its own letters.
 * VKORC1 rs9923231 is reported on the forward strand as C>T and in the gene's own orientation as
 * -1639G>A (c.-1639G>A): C = G and T = A, so rs9923231 C/T and -1639 G/A are the same genotype.
 */
export interface VariantEntry {
  gene: PgxGene;
  rsid: string;
  /** Reference and counted allele in dbSNP forward-strand notation. */
  ref: string;
  alt: string;
  /** Other names with their own letters (gene-orientation HGVS). */
  aliases: readonly { pattern: RegExp; ref: string; alt: string }[];
}

export const VARIANTS: readonly VariantEntry[] = [
  { gene: 'VKORC1', rsid: 'rs9923231', ref: 'C', alt: 'T', aliases: [{ pattern: /-1639\s*G\s*>\s*A|1639G>A|-1639/i, ref: 'G', alt: 'A' }] },
  { gene: 'CYP4F2', rsid: 'rs2108622', ref: 'C', alt: 'T', aliases: [{ pattern: /1297C>T|V433M/i, ref: 'C', alt: 'T' }] },
  { gene: 'SLCO1B1', rsid: 'rs4149056', ref: 'T', alt: 'C', aliases: [{ pattern: /521T>C/i, ref: 'T', alt: 'C' }] },
  { gene: 'ABCG2', rsid: 'rs2231142', ref: 'G', alt: 'T', aliases: [{ pattern: /421C>A|Q141K/i, ref: 'C', alt: 'A' }] },
];
