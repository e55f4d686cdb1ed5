import { cyp2c9PhenotypeOfScore, cyp2d6PhenotypeOfScore, dpydPhenotypeOfScore, phenotypeFromText, phenotypeOfDiplotype } from './pgx-phenotype';

// Expected phenotypes are CPIC's diplotype-phenotype assignments (guideline Table 1 of each
// guideline; cited in cpic-allele-tables.ts), one row per phenotype.
describe('CYP2C19 diplotype -> phenotype (CPIC 2022 Table 1)', () => {
  it.each([
    ['*17/*17', 'ultrarapid_metabolizer'],
    ['*1/*17', 'rapid_metabolizer'],
    ['*1/*1', 'normal_metabolizer'],
    ['*1/*9', 'likely_intermediate_metabolizer'],
    ['*9/*9', 'likely_intermediate_metabolizer'],
    ['*17/*9', 'likely_intermediate_metabolizer'],
    ['*1/*2', 'intermediate_metabolizer'],
    ['*2/*17', 'intermediate_metabolizer'],
    ['*2/*9', 'likely_poor_metabolizer'],
    ['*2/*2', 'poor_metabolizer'],
    ['*2/*3', 'poor_metabolizer'],
    ['CYP2C19 *1/*2', 'intermediate_metabolizer'],
    ['*1 / *35', 'intermediate_metabolizer'],
  ])('%s is %s', (d, p) => {
    expect(phenotypeOfDiplotype('CYP2C19', d).phenotype).toBe(p);
  });
  it('says indeterminate for an allele of unknown function, naming it', () => {
    expect(phenotypeOfDiplotype('CYP2C19', '*1/*99')).toMatchObject({ phenotype: 'indeterminate', reason: expect.stringContaining('*99') });
    expect(phenotypeOfDiplotype('CYP2C19', 'pending').phenotype).toBe('indeterminate');
  });
});

describe('CYP2D6 activity score (CPIC 2021): both sides of every boundary', () => {
  it.each([
    [0, 'poor_metabolizer'], [0.25, 'intermediate_metabolizer'], [1, 'intermediate_metabolizer'],
    [1.25, 'normal_metabolizer'], [2.25, 'normal_metabolizer'], [2.5, 'ultrarapid_metabolizer'], [3, 'ultrarapid_metabolizer'],
  ])('AS %s is %s', (as, p) => expect(cyp2d6PhenotypeOfScore(as)).toBe(p));
  it.each([
    ['*4/*4', 0, 'poor_metabolizer'],
    ['*4/*10', 0.25, 'intermediate_metabolizer'],
    ['*1/*4', 1, 'intermediate_metabolizer'],
    ['*10/*41', 0.75, 'intermediate_metabolizer'],
    ['*1/*10', 1.25, 'normal_metabolizer'],
    ['*1/*41', 1.5, 'normal_metabolizer'],
    ['*1/*2', 2, 'normal_metabolizer'],
    ['*1x2/*41', 2.5, 'ultrarapid_metabolizer'],
    ['*1x2/*1', 3, 'ultrarapid_metabolizer'],
    ['*2xN/*10', 2.25, 'normal_metabolizer'],
    ['*4x2/*4', 0, 'poor_metabolizer'],
  ])('%s: AS %s, %s', (d, as, p) => {
    expect(phenotypeOfDiplotype('CYP2D6', d)).toMatchObject({ phenotype: p, activityScore: as });
  });
});

describe('CYP2C9 activity score (CPIC): 2 normal, 1-1.5 intermediate, 0-0.5 poor', () => {
  it.each([[2, 'normal_metabolizer'], [1.5, 'intermediate_metabolizer'], [1, 'intermediate_metabolizer'], [0.5, 'poor_metabolizer'], [0, 'poor_metabolizer']])(
    'AS %s is %s', (as, p) => expect(cyp2c9PhenotypeOfScore(as)).toBe(p));
  it.each([['*1/*1', 2], ['*1/*2', 1.5], ['*1/*3', 1], ['*2/*2', 1], ['*2/*3', 0.5], ['*3/*3', 0], ['*1/*8', 1.5], ['*6/*11', 0.5]])(
    '%s has AS %s', (d, as) => expect(phenotypeOfDiplotype('CYP2C9', d).activityScore).toBe(as));
});

describe('DPYD activity score (CPIC 2017)', () => {
  it.each([[2, 'normal_metabolizer'], [1.5, 'intermediate_metabolizer'], [1, 'intermediate_metabolizer'], [0.5, 'poor_metabolizer'], [0, 'poor_metabolizer']])(
    'AS %s is %s', (as, p) => expect(dpydPhenotypeOfScore(as)).toBe(p));
  it.each([
    ['Reference/Reference', 2], ['c.2846A>T/Reference', 1.5], ['c.1129-5923C>G/c.2846A>T', 1], ['c.1905+1G>A/Reference', 1],
    ['c.1905+1G>A/c.2846A>T', 0.5], ['c.1905+1G>A/c.1679T>G', 0], ['*2A/*1', 1], ['HapB3/HapB3', 1],
  ])('%s has AS %s', (d, as) => expect(phenotypeOfDiplotype('DPYD', d).activityScore).toBe(as));
});

describe('TPMT / NUDT15 (CPIC 2018)', () => {
  it.each([
    ['TPMT', '*1/*1', 'normal_metabolizer'], ['TPMT', '*1/*3A', 'intermediate_metabolizer'], ['TPMT', '*3A/*3C', 'poor_metabolizer'],
    ['TPMT', '*3A/*8', 'possible_intermediate_metabolizer'], ['TPMT', '*1/*42', 'indeterminate'],
    ['NUDT15', '*1/*1', 'normal_metabolizer'], ['NUDT15', '*1/*3', 'intermediate_metabolizer'], ['NUDT15', '*3/*3', 'poor_metabolizer'],
    ['NUDT15', '*2/*5', 'possible_intermediate_metabolizer'],
  ] as const)('%s %s is %s', (g, d, p) => expect(phenotypeOfDiplotype(g, d).phenotype).toBe(p));
});

describe('SLCO1B1 (CPIC 2022)', () => {
  it.each([['*1/*1', 'normal_function'], ['*1/*14', 'increased_function'], ['*14/*14', 'increased_function'], ['*1/*5', 'decreased_function'], ['*14/*15', 'decreased_function'], ['*5/*15', 'poor_function']])(
    '%s is %s', (d, p) => expect(phenotypeOfDiplotype('SLCO1B1', d).phenotype).toBe(p));
});

describe('phenotypes reported in words', () => {
  it.each([
    ['Intermediate metabolizer', 'intermediate_metabolizer'], ['Likely poor metaboliser', 'likely_poor_metabolizer'],
    ['Ultrarapid Metabolizer', 'ultrarapid_metabolizer'], ['Extensive metabolizer', 'normal_metabolizer'],
    ['Decreased function', 'decreased_function'], ['Poor function', 'poor_function'], ['Possible decreased function', 'possible_decreased_function'],
  ])('%s', (t, p) => expect(phenotypeFromText(t)).toBe(p));
  it('finds none in unrelated text', () => expect(phenotypeFromText('see report')).toBeUndefined());
});
