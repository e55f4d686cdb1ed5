import { PGX_PHENOTYPE_CODES } from '@prognos/contracts';
import { buildFeatureSet } from '../build-feature-set';
import { extractPatientFeatures } from '../extract-patient-features';
import { extractGenomics } from './extract-genomics';
import { genotypeObservation, labTextObservation, phenotypeObservation, variantObservation } from './genomic-observations';

const AS_OF = Date.parse('2025-01-01T00:00:00Z');
const tally = () => ({ excluded: {} as Record<string, number>, corrected: {}, used: 0 });
const run = (obs: Record<string, unknown>[]) => extractGenomics(obs, AS_OF, tally());

describe('extractGenomics: Genomics Reporting IG forms', () => {
  it('reads a genotype Observation (84413-4, gene by HGNC id) and its CPIC phenotype', () => {
    const g = run([genotypeObservation('CYP2C19', '*1/*2')]);
    expect(g.CYP2C19).toMatchObject({ form: 'genotype', reported: '*1/*2', date: '2024-03-01', call: { phenotype: 'intermediate_metabolizer', diplotype: '*1/*2' } });
  });

  it('reads VKORC1 the same in both notations: rs9923231 C/T = -1639 G/A = heterozygous variant', () => {
    const forms = [
      labTextObservation('VKORC1 rs9923231', 'C/T'),
      labTextObservation('VKORC1 -1639G>A genotype', 'G/A'),
      labTextObservation('VKORC1 genotype', 'c.-1639G>A GA'),
      genotypeObservation('VKORC1', 'rs9923231 C/T'),
      variantObservation('VKORC1', 'rs9923231', 'heterozygous'),
    ];
    for (const o of forms) expect(run([o]).VKORC1?.altCount).toBe(1);
    expect(run([labTextObservation('VKORC1 rs9923231', 'T/T')]).VKORC1?.altCount).toBe(2);
    expect(run([labTextObservation('VKORC1 -1639G>A', 'A/A')]).VKORC1?.altCount).toBe(2);
    expect(run([labTextObservation('VKORC1 -1639G>A', 'G/G')]).VKORC1?.altCount).toBe(0);
    expect(run([labTextObservation('VKORC1 rs9923231', 'C/C')]).VKORC1?.altCount).toBe(0);
    expect(run([variantObservation('VKORC1', 'rs9923231', 'homozygous')]).VKORC1?.altCount).toBe(2);
    expect(run([variantObservation('VKORC1', 'rs9923231', 'absent')]).VKORC1?.altCount).toBe(0);
  });

  it('does not read a routine lab result as genomic because its text names a gene (its LOINC code says what it is)', () => {
    const lab = (code: string, text: string) => ({ ...labTextObservation(text, 'C/T'), code: { coding: [{ system: 'http://loinc.org', code, display: 'Creatinine' }], text } });
    // The same text with the lab's LOINC code (creatinine 2160-0, eGFR 33914-3) is not a result; without it, it is.
    expect(run([lab('2160-0', 'VKORC1 rs9923231')]).VKORC1).toBeUndefined();
    expect(run([lab('33914-3', 'VKORC1 rs9923231')]).VKORC1).toBeUndefined();
    expect(run([labTextObservation('VKORC1 rs9923231', 'C/T')]).VKORC1?.altCount).toBe(1);
  });

  it('takes the laboratory phenotype (53040-2) when no diplotype is given', () => {
    expect(run([phenotypeObservation('CYP2D6', 'Poor metabolizer')]).CYP2D6?.call.phenotype).toBe('poor_metabolizer');
  });

  it('reads plain laboratory text results', () => {
    const g = run([
      labTextObservation('CYP2C19 genotype', 'CYP2C19 *2/*2'),
      labTextObservation('HLA-B*57:01', 'Positive'),
      labTextObservation('TPMT genotype', '*1/*3A'),
      labTextObservation('DPYD genotype', 'c.1905+1G>A/Reference'),
      labTextObservation('SLCO1B1 rs4149056', 'T/C'),
      labTextObservation('ABCG2 rs2231142', 'T/T'),
    ]);
    expect(g.CYP2C19?.call.phenotype).toBe('poor_metabolizer');
    expect(g['HLA-B']).toMatchObject({ hlaB5701: true, call: { phenotype: 'positive' } });
    expect(g.TPMT?.call.phenotype).toBe('intermediate_metabolizer');
    expect(g.DPYD?.call).toMatchObject({ phenotype: 'intermediate_metabolizer', activityScore: 1 });
    expect(g.SLCO1B1?.call.phenotype).toBe('decreased_function');
    expect(g.ABCG2?.call.phenotype).toBe('poor_function');
  });

  it('reads HLA-B*57:01 negative and typed results', () => {
    expect(run([labTextObservation('HLA-B*57:01', 'Not detected')])['HLA-B']?.hlaB5701).toBe(false);
    expect(run([genotypeObservation('HLA-B', '*57:01/*07:02')])['HLA-B']?.hlaB5701).toBe(true);
    expect(run([genotypeObservation('HLA-B', '*44:02/*07:02')])['HLA-B']?.hlaB5701).toBe(false);
  });

  it('says indeterminate (never normal) for a novel allele or an unreadable value, and counts it', () => {
    const t = tally();
    const g = extractGenomics([genotypeObservation('CYP2C19', '*1/*38'), labTextObservation('CYP2D6 genotype', 'see scanned report')], AS_OF, t);
    expect(g.CYP2C19?.call).toMatchObject({ phenotype: 'indeterminate', reason: expect.stringContaining('*38') });
    expect(g.CYP2D6?.call.phenotype).toBe('indeterminate');
    expect(t.excluded.pgx_unreadable).toBe(1);
  });

  it('keeps the latest result per gene, ignores results after asOf and non-final ones', () => {
    const g = run([
      genotypeObservation('CYP2C19', '*1/*1', '2020-01-01'),
      genotypeObservation('CYP2C19', '*1/*2', '2023-01-01'),
      genotypeObservation('CYP2C19', '*2/*2', '2026-01-01'),
      { ...genotypeObservation('CYP2D6', '*4/*4'), status: 'preliminary' },
    ]);
    expect(g.CYP2C19?.call.phenotype).toBe('intermediate_metabolizer');
    expect(g.CYP2D6).toBeUndefined();
  });

  it('skips a malformed Observation without failing the others', () => {
    const g = run([{ resourceType: 'Observation', status: 'final', code: { text: 'CYP2C19' }, component: 'oops', effectiveDateTime: 5 } as never, genotypeObservation('TPMT', '*1/*1')]);
    expect(g.TPMT?.call.phenotype).toBe('normal_metabolizer');
  });

  it('knows whether CYP2C9 *5/*6/*8/*11 were tested (CPIC 2017, African ancestry)', () => {
    expect(run([genotypeObservation('CYP2C9', '*1/*1')]).CYP2C9?.cyp2c9?.africanTested).toBe(false);
    expect(run([genotypeObservation('CYP2C9', '*1/*1', '2024-03-01', { method: { text: 'Alleles tested: *2, *3, *5, *6, *8, *11' } })]).CYP2C9?.cyp2c9?.africanTested).toBe(true);
    expect(run([genotypeObservation('CYP2C9', '*1/*8')]).CYP2C9?.cyp2c9).toMatchObject({ africanTested: true, africanCount: 1 });
  });
});

describe('pharmacogenomics feature set', () => {
  it('carries codes, scores and the diplotype in provenance; missing genes stay missing', () => {
    const pf = extractPatientFeatures([
      { resourceType: 'Patient', id: 'p', gender: 'female', birthDate: '1960-01-01' },
      genotypeObservation('CYP2C19', '*1/*2'), genotypeObservation('CYP2D6', '*1x2/*41'), labTextObservation('VKORC1 -1639G>A', 'A/A'),
      genotypeObservation('CYP2C9', '*2/*3'),
    ], new Date(AS_OF));
    const v = buildFeatureSet('pharmacogenomics', pf);
    const get = (n: string) => (v.present[v.names.indexOf(n)] ? v.values[v.names.indexOf(n)] : undefined);
    expect(get('cyp2c19_phenotype')).toBe(PGX_PHENOTYPE_CODES.intermediate_metabolizer);
    expect(get('cyp2d6_activity_score')).toBe(2.5);
    expect(get('cyp2d6_phenotype')).toBe(PGX_PHENOTYPE_CODES.ultrarapid_metabolizer);
    expect(get('vkorc1_1639_a_count')).toBe(2);
    expect(get('cyp2c9_star2_count')).toBe(1);
    expect(get('cyp2c9_star3_count')).toBe(1);
    expect(get('tpmt_phenotype')).toBeUndefined();
    expect(v.provenance.find((p) => p.feature === 'tpmt_phenotype')?.note).toBe('no TPMT result on file');
    expect(v.provenance.find((p) => p.feature === 'cyp2c19_phenotype')?.items[0]).toMatchObject({ display: 'CYP2C19 *1/*2', date: '2024-03-01' });
    const w = buildFeatureSet('warfarin-iwpc', pf);
    const wget = (n: string) => w.values[w.names.indexOf(n)];
    expect([wget('vkorc1_aa'), wget('vkorc1_ag'), wget('vkorc1_unknown'), wget('cyp2c9_23'), wget('cyp2c9_unknown'), wget('race_missing_or_mixed')]).toEqual([1, 0, 0, 1, 0, 1]);
  });
});
