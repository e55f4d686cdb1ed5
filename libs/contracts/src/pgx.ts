/**
 * Pharmacogenomic phenotypes as numbers, so they can cross the scoring contract as features
 * (the `pharmacogenomics` feature set). Producer (libs/fhir-features pgx) and consumer
 * (services/scorer pharmacogenomics) share this one table. Terms are CPIC's standardized
 * phenotype terms (Caudle KE et al., Genet Med 2017;19:215-223, doi:10.1038/gim.2016.87) plus
 * the "likely" terms CPIC introduced for CYP2C19 (2022) and SLCO1B1's "possible decreased".
 */
export const PGX_PHENOTYPE_CODES = {
  indeterminate: 0,
  poor_metabolizer: 1,
  likely_poor_metabolizer: 2,
  intermediate_metabolizer: 3,
  likely_intermediate_metabolizer: 4,
  normal_metabolizer: 5,
  rapid_metabolizer: 6,
  ultrarapid_metabolizer: 7,
  /** TPMT/NUDT15: one no-function allele with one allele of uncertain function (CPIC 2018). */
  possible_intermediate_metabolizer: 8,
  poor_function: 11,
  decreased_function: 12,
  possible_decreased_function: 13,
  normal_function: 14,
  increased_function: 15,
  /** HLA-B*57:01 and similar presence results: positive / negative. */
  positive: 21,
  negative: 22,
} as const;

export type PgxPhenotype = keyof typeof PGX_PHENOTYPE_CODES;

const BY_CODE = new Map<number, PgxPhenotype>(Object.entries(PGX_PHENOTYPE_CODES).map(([k, v]) => [v, k as PgxPhenotype]));

/** The phenotype of a numeric code, or undefined for a code that is not in the table. */
export function pgxPhenotypeOf(code: number | undefined): PgxPhenotype | undefined {
  return code === undefined ? undefined : BY_CODE.get(code);
}

/** "CYP2C19 intermediate metabolizer" style wording of a phenotype (CPIC terms, lower case). */
export function pgxPhenotypeLabel(p: PgxPhenotype): string {
  return p.replace(/_/g, ' ');
}
