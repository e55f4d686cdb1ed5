/**
 * Diplotype -> phenotype (and activity score where CPIC uses one), by the rules of each CPIC
 * guideline's diplotype-phenotype table, reading the allele tables in cpic-allele-tables.ts.
 * An allele that is not in the table, or of uncertain function where the rule needs its function,
 * gives "indeterminate": never a guess.
 */
import type { PgxPhenotype } from '@prognos/contracts';
import { ALLELE_TABLES, type AlleleEntry, type AlleleFunction, type PgxGene } from './cpic-allele-tables';

export interface PhenotypeCall {
  phenotype: PgxPhenotype;
  activityScore?: number;
  /** Normalised diplotype ('*1/*2'), when one was parsed. */
  diplotype?: string;
  /** Why the call is indeterminate (unknown allele, unparsable text). */
  reason?: string;
}

/** One allele of a diplotype with its copy number (CYP2D6 '*1x2' = 2 copies of *1). */
export interface ParsedAllele { name: string; copies: number }

/**
 * Splits a diplotype text ('*1/*2', 'CYP2C19 *1/*17', '*1x2/*4', 'c.1905+1G>A/Reference') into two
 * alleles. Returns undefined when the text is not a diplotype.
 */
export function parseDiplotype(gene: PgxGene, text: string): ParsedAllele[] | undefined {
  let t = text.trim().replace(new RegExp(`^${gene.replace('-', '\\-')}\\s*`, 'i'), '').trim();
  t = t.replace(/\s*\/\s*/g, '/');
  const parts = t.split('/');
  if (parts.length !== 2) return undefined;
  const out: ParsedAllele[] = [];
  for (const raw of parts) {
    const p = raw.trim().replace(new RegExp(`^${gene}`, 'i'), '');
    if (p.length === 0 || /\s/.test(p)) return undefined;
    const dup = /^(\*\d+[A-Z]?)\s*[x×]\s*(\d+|N)$/i.exec(p);
    if (dup) {
      out.push({ name: dup[1]!.toUpperCase(), copies: dup[2]!.toUpperCase() === 'N' ? 2 : Number(dup[2]) });
    } else {
      out.push({ name: /^\*/.test(p) ? p.toUpperCase() : p, copies: 1 });
    }
  }
  return out;
}

function entriesOf(gene: PgxGene, alleles: ParsedAllele[]): { entries: AlleleEntry[]; unknown: string[] } {
  const table = ALLELE_TABLES[gene];
  const entries: AlleleEntry[] = [];
  const unknown: string[] = [];
  for (const a of alleles) {
    const e = table?.alleles[a.name] ?? table?.alleles[a.name.replace(/^\*/, '*')];
    if (!e) unknown.push(a.name);
    else entries.push(e);
  }
  return { entries, unknown };
}

const fmt = (alleles: ParsedAllele[]) => alleles.map((a) => (a.copies > 1 ? `${a.name}x${a.copies}` : a.name)).join('/');

/** CYP2D6 (CPIC 2021): AS 0 poor; 0 < AS < 1.25 intermediate; 1.25-2.25 normal; > 2.25 ultrarapid. */
export function cyp2d6PhenotypeOfScore(as: number): PgxPhenotype {
  if (as === 0) return 'poor_metabolizer';
  if (as < 1.25) return 'intermediate_metabolizer';
  if (as <= 2.25) return 'normal_metabolizer';
  return 'ultrarapid_metabolizer';
}

/** CYP2C9 (CPIC 2017/2020): AS 2 normal; 1-1.5 intermediate; 0-0.5 poor. */
export function cyp2c9PhenotypeOfScore(as: number): PgxPhenotype {
  if (as >= 2) return 'normal_metabolizer';
  if (as >= 1) return 'intermediate_metabolizer';
  return 'poor_metabolizer';
}

/** DPYD (CPIC 2017): AS 2 normal; 1-1.5 intermediate; 0-0.5 poor. */
export function dpydPhenotypeOfScore(as: number): PgxPhenotype {
  if (as >= 2) return 'normal_metabolizer';
  if (as >= 1) return 'intermediate_metabolizer';
  return 'poor_metabolizer';
}

const count = (fs: AlleleFunction[], f: AlleleFunction) => fs.filter((x) => x === f).length;

/** CYP2C19, CPIC 2022 Table 1 (function pairs, "likely" phenotypes for decreased-function alleles). */
function cyp2c19(fs: AlleleFunction[]): PgxPhenotype {
  const inc = count(fs, 'increased');
  const norm = count(fs, 'normal');
  const dec = count(fs, 'decreased');
  const no = count(fs, 'no');
  if (count(fs, 'uncertain') > 0) return 'indeterminate';
  if (inc === 2) return 'ultrarapid_metabolizer';
  if (inc === 1 && norm === 1) return 'rapid_metabolizer';
  if (norm === 2) return 'normal_metabolizer';
  if (no === 2) return 'poor_metabolizer';
  if (no === 1 && dec === 1) return 'likely_poor_metabolizer';
  if (no === 1) return 'intermediate_metabolizer'; // with one normal or increased
  if (dec >= 1) return 'likely_intermediate_metabolizer'; // decreased with normal/increased, or two decreased
  return 'indeterminate';
}

/** TPMT / NUDT15, CPIC 2018 (two normal; one no function; two no function; no + uncertain). */
function thiopurineGene(fs: AlleleFunction[]): PgxPhenotype {
  const norm = count(fs, 'normal');
  const no = count(fs, 'no');
  const unc = count(fs, 'uncertain');
  if (norm === 2) return 'normal_metabolizer';
  if (no === 2) return 'poor_metabolizer';
  if (no === 1 && norm === 1) return 'intermediate_metabolizer';
  if (no === 1 && unc === 1) return 'possible_intermediate_metabolizer';
  return 'indeterminate';
}

/** SLCO1B1, CPIC 2022 (increased, normal, decreased, possible decreased, poor function). */
function slco1b1(fs: AlleleFunction[]): PgxPhenotype {
  const inc = count(fs, 'increased');
  const norm = count(fs, 'normal');
  const no = count(fs, 'no');
  const unc = count(fs, 'uncertain');
  if (no === 2) return 'poor_function';
  if (no === 1 && norm + inc === 1) return 'decreased_function';
  if (no === 1 && unc === 1) return 'possible_decreased_function';
  if (inc >= 1 && norm + inc === 2) return 'increased_function';
  if (norm === 2) return 'normal_function';
  return 'indeterminate';
}

/** Phenotype of a star-allele (or DPYD variant) diplotype for a gene with an allele table. */
export function phenotypeOfDiplotype(gene: PgxGene, text: string): PhenotypeCall {
  const alleles = parseDiplotype(gene, text);
  if (!alleles) return { phenotype: 'indeterminate', reason: `not a diplotype: "${text.slice(0, 60)}"` };
  const diplotype = fmt(alleles);
  const { entries, unknown } = entriesOf(gene, alleles);
  if (unknown.length > 0) return { phenotype: 'indeterminate', diplotype, reason: `allele of unknown function: ${unknown.join(', ')}` };
  const fs = entries.map((e) => e.function);
  const activity = () => {
    let s = 0;
    for (let i = 0; i < entries.length; i++) {
      const v = entries[i]!.activity;
      if (v === undefined) return undefined;
      s += v * alleles[i]!.copies;
    }
    return s;
  };
  switch (gene) {
    case 'CYP2C19': return { phenotype: cyp2c19(fs), diplotype };
    case 'TPMT': case 'NUDT15': return { phenotype: thiopurineGene(fs), diplotype };
    case 'SLCO1B1': return { phenotype: slco1b1(fs), diplotype };
    case 'CYP2D6': {
      const as = activity();
      return as === undefined ? { phenotype: 'indeterminate', diplotype, reason: 'no activity value' } : { phenotype: cyp2d6PhenotypeOfScore(as), activityScore: as, diplotype };
    }
    case 'CYP2C9': {
      if (alleles.some((a) => a.copies > 1)) return { phenotype: 'indeterminate', diplotype, reason: 'CYP2C9 copy number not interpretable' };
      const as = activity()!;
      return { phenotype: cyp2c9PhenotypeOfScore(as), activityScore: as, diplotype };
    }
    case 'DPYD': {
      const as = activity()!;
      return { phenotype: dpydPhenotypeOfScore(as), activityScore: as, diplotype };
    }
    default:
      return { phenotype: 'indeterminate', diplotype, reason: `no phenotype rule for ${gene}` };
  }
}

/** rs4149056 (SLCO1B1 c.521T>C) alone, CPIC 2022: TT normal, TC decreased, CC poor function. */
export function slco1b1FromRs4149056(cCount: number): PgxPhenotype {
  return cCount === 0 ? 'normal_function' : cCount === 1 ? 'decreased_function' : 'poor_function';
}

/** rs2231142 (ABCG2 c.421C>A), CPIC 2022: GG (C/C) normal, GT decreased, TT (A/A) poor function. */
export function abcg2FromRs2231142(altCount: number): PgxPhenotype {
  return altCount === 0 ? 'normal_function' : altCount === 1 ? 'decreased_function' : 'poor_function';
}

/**
 * A phenotype the laboratory reported in words ("Intermediate metabolizer", "Poor function",
 * "Likely poor metabolizer", "Positive"). Undefined when the text names none.
 */
export function phenotypeFromText(text: string): PgxPhenotype | undefined {
  const t = text.toLowerCase().replace(/metaboliser/g, 'metabolizer');
  const m = /(likely\s+|possible\s+)?(ultra-?rapid|rapid|normal|extensive|intermediate|poor)\s+metabolizer/.exec(t);
  if (m) {
    const kind = m[2]!.replace('-', '');
    const likely = m[1]?.trim();
    if (kind === 'poor') return likely === 'likely' ? 'likely_poor_metabolizer' : 'poor_metabolizer';
    if (kind === 'intermediate') return likely === 'likely' ? 'likely_intermediate_metabolizer' : likely === 'possible' ? 'possible_intermediate_metabolizer' : 'intermediate_metabolizer';
    if (kind === 'normal' || kind === 'extensive') return 'normal_metabolizer'; // "extensive" is the pre-2017 term for normal
    if (kind === 'rapid') return 'rapid_metabolizer';
    return 'ultrarapid_metabolizer';
  }
  const f = /(possible\s+decreased|decreased|reduced|normal|increased|poor|no)\s+function/.exec(t);
  if (f) {
    const k = f[1]!.replace(/\s+/g, ' ');
    if (k === 'possible decreased') return 'possible_decreased_function';
    if (k === 'decreased' || k === 'reduced') return 'decreased_function';
    if (k === 'normal') return 'normal_function';
    if (k === 'increased') return 'increased_function';
    return 'poor_function';
  }
  if (/\bindeterminate\b/.test(t)) return 'indeterminate';
  return undefined;
}
