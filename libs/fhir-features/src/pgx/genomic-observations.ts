/**
 * Builders of pharmacogenomic Observations as EHRs file them (Genomics Reporting IG STU3 forms and
 * plain laboratory text results), shared by the extraction, service and HTTP tests and the generator.
 */
import { HGNC_IDS, type PgxGene } from './cpic-allele-tables';

type Obs = Record<string, unknown>;
const LOINC = 'http://loinc.org';
const hgncOf = (gene: PgxGene) => Object.entries(HGNC_IDS).find(([, g]) => g === gene)![0];

const geneComponent = (gene: PgxGene) => ({
  code: { coding: [{ system: LOINC, code: '48018-6', display: 'Gene studied [ID]' }] },
  valueCodeableConcept: { coding: [{ system: 'http://www.genenames.org/geneId', code: hgncOf(gene), display: gene }] },
});

const base = (date: string, extra: Obs): Obs => ({
  resourceType: 'Observation', status: 'final', effectiveDateTime: date,
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
  ...extra,
});

/** Genomics Reporting IG genotype: 84413-4 with the diplotype as valueCodeableConcept text. */
export function genotypeObservation(gene: PgxGene, diplotype: string, date = '2024-03-01', extra: Obs = {}): Obs {
  return base(date, {
    code: { coding: [{ system: LOINC, code: '84413-4', display: 'Genotype display name' }] },
    valueCodeableConcept: { text: diplotype },
    component: [geneComponent(gene)],
    ...extra,
  });
}

/** Genomics Reporting IG variant: 69548-6 Present/Absent with the dbSNP id and zygosity. */
export function variantObservation(gene: PgxGene, rsid: string, zygosity: 'heterozygous' | 'homozygous' | 'absent', date = '2024-03-01'): Obs {
  const present = zygosity !== 'absent';
  const component: Obs[] = [
    geneComponent(gene),
    { code: { coding: [{ system: LOINC, code: '81252-9', display: 'Discrete genetic variant' }] }, valueCodeableConcept: { coding: [{ system: 'http://www.ncbi.nlm.nih.gov/projects/SNP', code: rsid, display: rsid }] } },
  ];
  if (present) {
    component.push({
      code: { coding: [{ system: LOINC, code: '53034-5', display: 'Allelic state' }] },
      valueCodeableConcept: { coding: [{ system: LOINC, code: zygosity === 'homozygous' ? 'LA6705-3' : 'LA6706-1', display: zygosity === 'homozygous' ? 'Homozygous' : 'Heterozygous' }] },
    });
  }
  return base(date, {
    code: { coding: [{ system: LOINC, code: '69548-6', display: 'Genetic variant assessment' }] },
    valueCodeableConcept: { coding: [{ system: LOINC, code: present ? 'LA9633-4' : 'LA9634-2', display: present ? 'Present' : 'Absent' }] },
    component,
  });
}

/** Therapeutic implication / phenotype as the laboratory reports it (53040-2 component). */
export function phenotypeObservation(gene: PgxGene, phenotype: string, date = '2024-03-01'): Obs {
  return base(date, {
    code: { coding: [{ system: LOINC, code: '51969-4', display: 'Genetic analysis report' }], text: `${gene} phenotype` },
    component: [
      geneComponent(gene),
      { code: { coding: [{ system: LOINC, code: '53040-2', display: "Genetic variation's effect on drug metabolism" }] }, valueCodeableConcept: { text: phenotype } },
    ],
  });
}

/**
 * A plain laboratory result with a text value, as many EHRs file PGx results: local code (text
 * only), filed under the HL7 v2 diagnostic service section GE (genetics) beside `laboratory`.
 */
export function labTextObservation(name: string, value: string, date = '2024-03-01'): Obs {
  return base(date, {
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'GE', display: 'Genetics' }] },
    ],
    code: { text: name },
    valueString: value,
  });
}
