/**
 * Pharmacogenomic results in FHIR R4 -> one interpreted result per gene (the latest as of asOf).
 *
 * Accepted forms:
 * - HL7 Genomics Reporting IG (STU3) genotype Observations: code LOINC 84413-4 "Genotype display
 *   name", component 48018-6 "Gene studied" (HGNC coding), diplotype in valueCodeableConcept
 *   (text or coding display) or valueString.
 * - Variant Observations: LOINC 69548-6 "Genetic variant assessment", value Present/Absent, the
 *   variant in component 81252-9 (dbSNP id) or 48004-6 (DNA change, HGVS), zygosity in 53034-5.
 * - Phenotype / therapeutic-implication results: LOINC 53040-2 "Genetic variation's effect on drug
 *   metabolism" (as code or component), the phenotype in words.
 * - Plain laboratory Observations with a text value ("CYP2C19 genotype" = "*1/*2",
 *   "VKORC1 -1639G>A" = "G/A", "rs9923231" = "C/T", "HLA-B*57:01" = "Positive").
 *
 * An Observation that names a gene but whose value cannot be read yields an indeterminate result
 * (counted as `pgx_unreadable`): a result exists, so the patient is not "untested".
 */
import type { PgxPhenotype } from '@prognos/contracts';
import { BP_PANEL_CODES, LOINC_SYSTEM, LOINC_TO_CONCEPT } from '../codes/observation-concepts';
import { bump, observationTime, type ObservationTally } from '../extract-observations';
import { asArray, asObject, asString, codingsOf, own, textOf, type Json } from '../fhir-read';
import { CYP2C9_AFRICAN_ALLELES, HGNC_IDS, PGX_GENES, VARIANTS, type PgxGene, type VariantEntry } from './cpic-allele-tables';
import { abcg2FromRs2231142, parseDiplotype, phenotypeFromText, phenotypeOfDiplotype, slco1b1FromRs4149056, type PhenotypeCall } from './pgx-phenotype';

export const LOINC_GENOTYPE = '84413-4';
export const LOINC_VARIANT = '69548-6';
export const LOINC_DRUG_METABOLISM = '53040-2';
export const LOINC_MEDICATION_ASSESSED = '51963-7';
export const LOINC_GENE_STUDIED = '48018-6';
export const LOINC_VARIANT_ID = '81252-9';
export const LOINC_DNA_CHANGE = '48004-6';
export const LOINC_ALLELIC_STATE = '53034-5';

const USABLE_STATUS: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);

/** One interpreted result for one gene. */
export interface GenomicResult {
  gene: PgxGene;
  t: number;
  date: string;
  /** Which form it came in. */
  form: 'genotype' | 'variant' | 'phenotype' | 'lab-text';
  /** The result as reported (diplotype, genotype or phenotype words), at most 80 characters. */
  reported: string;
  /** Phenotype (derived from the diplotype, else as reported by the laboratory). */
  call: PhenotypeCall;
  /** Variant genes: number of counted (risk) alleles, in dbSNP forward-strand terms. */
  altCount?: number;
  /** HLA-B: HLA-B*57:01 carried. */
  hlaB5701?: boolean;
  /** CYP2C9: star-allele counts and whether *5/*6/*8/*11 were covered. */
  cyp2c9?: { star2: number; star3: number; africanTested: boolean; africanCount: number };
  /** CYP4F2: *3 count. */
  cyp4f2Star3?: number;
}

const GENOMIC_CODES: ReadonlySet<string> = new Set([LOINC_GENOTYPE, LOINC_VARIANT, LOINC_DRUG_METABOLISM, '51969-4']);
/** One pass over a code text: a gene symbol or a genotype/phenotype word. */
const GENOMIC_HINT = /CYP2C|CYP2D6|CYP4F2|SLCO1B1|ABCG2|TPMT|NUDT15|DPYD|HLA-?B|VKORC1|genotyp|pharmacogen|metaboli[sz]er|diplotype|\brs\d{4,}/i;
const GENE_PATTERN = new RegExp(`\\b(${PGX_GENES.map((g) => g.replace('-', '-?')).join('|')})`, 'i');

function geneOfSymbol(text: string | undefined): PgxGene | undefined {
  if (!text) return undefined;
  if (/HLA-?B\s*\*?\s*57:?01/i.test(text)) return 'HLA-B';
  const m = GENE_PATTERN.exec(text);
  if (!m) return undefined;
  const sym = m[1]!.toUpperCase().replace(/^HLAB$/, 'HLA-B');
  return PGX_GENES.find((g) => g === sym);
}

function loincCodes(concept: unknown): string[] {
  return codingsOf(concept).filter((c) => c.system === undefined || c.system === 'http://loinc.org').map((c) => c.code);
}

function conceptText(concept: unknown): string {
  const cc = asObject(concept);
  if (!cc) return '';
  const parts: string[] = [];
  const t = asString(cc.text);
  if (t) parts.push(t);
  for (const c of codingsOf(cc)) parts.push(c.display ?? c.code);
  return parts.join(' ');
}

/** Text of an element's value[x] (CodeableConcept, string, Quantity not used). */
function valueText(el: Json): string | undefined {
  const s = asString(own(el, 'valueString'));
  if (s) return s;
  const cc = own(el, 'valueCodeableConcept');
  if (cc) {
    const t = textOf(cc);
    const codes = codingsOf(cc);
    // Prefer a display that looks like a result over a bare LOINC answer code.
    return t ?? codes.map((c) => c.display ?? c.code).join(' ');
  }
  return undefined;
}

function components(obs: Json): { codes: string[]; text: string; el: Json }[] {
  const out: { codes: string[]; text: string; el: Json }[] = [];
  for (const raw of asArray(own(obs, 'component')) ?? []) {
    const el = asObject(raw);
    if (!el) continue;
    out.push({ codes: loincCodes(el.code), text: conceptText(el.code), el });
  }
  return out;
}

function geneStudied(comps: ReturnType<typeof components>): PgxGene | undefined {
  for (const c of comps) {
    if (!c.codes.includes(LOINC_GENE_STUDIED)) continue;
    const v = own(c.el, 'valueCodeableConcept');
    for (const coding of codingsOf(v)) {
      const byId = HGNC_IDS[coding.code] ?? HGNC_IDS[`HGNC:${coding.code}`];
      if (byId) return byId;
      const bySym = geneOfSymbol(coding.display) ?? geneOfSymbol(coding.code);
      if (bySym) return bySym;
    }
    const t = geneOfSymbol(textOf(v));
    if (t) return t;
  }
  return undefined;
}

/** Genotype letters 'C/T', 'CT', 'C>T'-free forms, in the order written. */
function genotypeLetters(text: string): [string, string] | undefined {
  const m = /(?:^|[^A-Za-z0-9>.*-])([ACGT])\s*[/|;]\s*([ACGT])(?![A-Za-z0-9>])/i.exec(text) ?? /(?:^|[\s:(=])([ACGT])([ACGT])(?![A-Za-z0-9>])/i.exec(text);
  return m ? [m[1]!.toUpperCase(), m[2]!.toUpperCase()] : undefined;
}

/** Counted-allele number of a genotype written in either notation of the variant. */
export function countVariantAlleles(entry: VariantEntry, text: string): number | undefined {
  const letters = genotypeLetters(text.replace(entry.rsid, ' ').replace(/c\.-?\d+[ACGT]>[ACGT]/gi, ' ').replace(/-?\d+\s*[ACGT]\s*>\s*[ACGT]/gi, ' '));
  if (!letters) return undefined;
  const notations = [{ ref: entry.ref, alt: entry.alt }, ...entry.aliases.filter((a) => a.pattern.test(text))];
  // The rsid names the forward strand; an HGVS alias names the gene's strand. Try the one named first.
  const ordered = new RegExp(entry.rsid, 'i').test(text) ? notations : [...notations.slice(1), notations[0]!];
  for (const n of ordered) {
    if (letters.every((l) => l === n.ref || l === n.alt)) return letters.filter((l) => l === n.alt).length;
  }
  for (const a of entry.aliases) {
    if (letters.every((l) => l === a.ref || l === a.alt)) return letters.filter((l) => l === a.alt).length;
  }
  return undefined;
}

function variantEntryIn(text: string, gene: PgxGene | undefined): VariantEntry | undefined {
  for (const v of VARIANTS) {
    if (new RegExp(`\\b${v.rsid}\\b`, 'i').test(text)) return v;
  }
  for (const v of VARIANTS) {
    if ((gene === undefined || gene === v.gene) && v.aliases.some((a) => a.pattern.test(text))) return v;
  }
  // VKORC1 reported with no variant name: its only clinically reported variant is -1639G>A.
  if (gene === 'VKORC1') return VARIANTS.find((v) => v.gene === 'VKORC1');
  return undefined;
}

const POSITIVE = /\b(positive|present|detected|carrier)\b/i;
const NEGATIVE = /\b(negative|absent|not\s+detected|non-?carrier|not\s+present)\b/i;

function hlaResult(text: string): boolean | undefined {
  if (NEGATIVE.test(text)) return false;
  if (POSITIVE.test(text)) return true;
  // A typed HLA-B result ('*57:01/*07:02'): positive when either allele is *57:01.
  const typed = /\*\s*\d{2}:\d{2}/.test(text);
  if (typed) return /\*\s*57:01/.test(text);
  return undefined;
}

function diplotypeText(text: string): string | undefined {
  const m = /((?:\*\d+[A-Z]?(?:\s*[x×]\s*(?:\d+|N))?|c\.[-+\w>]+|HapB3|Reference)\s*\/\s*(?:\*\d+[A-Z]?(?:\s*[x×]\s*(?:\d+|N))?|c\.[-+\w>]+|HapB3|Reference))/i.exec(text);
  return m ? m[1] : undefined;
}

const shorten = (s: string) => (s.length > 80 ? `${s.slice(0, 79)}…` : s).trim();

/** Interprets one Observation; undefined when it is not a pharmacogenomic result. */
/** A code text or display that names a gene or a genotype/phenotype word. */
const hintsGenomic = (t: unknown): boolean => typeof t === 'string' && GENOMIC_HINT.test(t);

/**
 * Allocation-free pre-check (most Observations of a record are not genomic): a genomic LOINC code,
 * or a gene name or genotype/phenotype word in the code's text or displays. An Observation coded as
 * one of the routine labs, vitals or panels the features read (LOINC_TO_CONCEPT, the blood-pressure
 * panels) is never a pharmacogenomic result, so its texts are not scanned (the scan was ~2 % of a
 * hook's CPU on a 1,000-resource record).
 */
function mayBeGenomic(code: unknown): boolean {
  const cc = asObject(code);
  if (!cc) return false;
  const list = Array.isArray(cc.coding) ? cc.coding : undefined;
  if (list) {
    for (const raw of list) {
      const c = asObject(raw);
      if (c && typeof c.code === 'string' && (c.system === LOINC_SYSTEM || c.system === undefined)
        && (LOINC_TO_CONCEPT.has(c.code) || BP_PANEL_CODES.has(c.code))) return false;
    }
  }
  if (hintsGenomic(cc.text)) return true;
  if (!list) return false;
  for (const raw of list) {
    const c = asObject(raw);
    if (!c) continue;
    if (typeof c.code === 'string' && GENOMIC_CODES.has(c.code)) return true;
    if (hintsGenomic(c.display)) return true;
  }
  return false;
}

export function interpretGenomicObservation(obs: Json): Omit<GenomicResult, 't' | 'date'> | undefined {
  if (!mayBeGenomic(own(obs, 'code'))) return undefined;
  const codes = loincCodes(own(obs, 'code'));
  const codeText = conceptText(own(obs, 'code'));
  const comps = components(obs);
  const compCodes = comps.flatMap((c) => c.codes);
  const isGenotype = codes.includes(LOINC_GENOTYPE);
  const isVariant = codes.includes(LOINC_VARIANT);
  const isPhenotype = codes.includes(LOINC_DRUG_METABOLISM) || compCodes.includes(LOINC_DRUG_METABOLISM);
  const value = valueText(obs) ?? '';
  const compTexts = comps.filter((c) => !c.codes.includes(LOINC_GENE_STUDIED) && !c.codes.includes(LOINC_MEDICATION_ASSESSED))
    .map((c) => `${valueText(c.el) ?? ''}`).join(' ');
  const gene = geneStudied(comps) ?? geneOfSymbol(codeText) ?? geneOfSymbol(value);
  if (!gene) return undefined;
  const form: GenomicResult['form'] = isGenotype ? 'genotype' : isVariant ? 'variant' : isPhenotype ? 'phenotype' : 'lab-text';
  const all = `${codeText} ${value} ${compTexts}`;
  const reported = shorten(value || compTexts || codeText);

  if (gene === 'HLA-B') {
    const hla = hlaResult(`${value} ${compTexts}`);
    if (hla === undefined) return { gene, form, reported, call: { phenotype: 'indeterminate', reason: 'HLA-B*57:01 result not readable' } };
    return { gene, form, reported, call: { phenotype: hla ? 'positive' : 'negative' }, hlaB5701: hla };
  }

  // Phenotype reported in words (therapeutic implication or a text result).
  const reportedPhenotype = phenotypeFromText(`${value} ${compTexts}`);

  // Single-variant genes and variant results.
  const entry = gene === 'VKORC1' || isVariant || /\brs\d+\b/i.test(all) ? variantEntryIn(all, gene) : undefined;
  if (entry && entry.gene === gene) {
    let altCount: number | undefined;
    if (isVariant) {
      const present = /\b(absent|negative|not detected)\b/i.test(value) ? false : /\b(present|positive|detected)\b/i.test(value) ? true : undefined;
      const zyg = comps.find((c) => c.codes.includes(LOINC_ALLELIC_STATE));
      const zygText = zyg ? (valueText(zyg.el) ?? '') : '';
      if (present === false) altCount = 0;
      else if (present === true && /homozygous/i.test(zygText)) altCount = 2;
      else if (present === true && /heterozygous/i.test(zygText)) altCount = 1;
      else altCount = countVariantAlleles(entry, all);
    } else {
      altCount = countVariantAlleles(entry, all);
    }
    if (altCount === undefined) {
      return { gene, form, reported, call: reportedPhenotype ? { phenotype: reportedPhenotype } : { phenotype: 'indeterminate', reason: `${entry.rsid} genotype not readable` } };
    }
    const base = { gene, form, reported, altCount };
    if (gene === 'SLCO1B1') return { ...base, call: { phenotype: slco1b1FromRs4149056(altCount) } };
    if (gene === 'ABCG2') return { ...base, call: { phenotype: abcg2FromRs2231142(altCount) } };
    if (gene === 'CYP4F2') return { ...base, call: { phenotype: 'indeterminate', reason: 'no CPIC phenotype for CYP4F2' }, cyp4f2Star3: altCount };
    // VKORC1: CPIC gives no phenotype term; the genotype is what the algorithm reads.
    return { ...base, call: { phenotype: 'indeterminate', reason: 'VKORC1 has no CPIC phenotype term' } };
  }

  const dip = diplotypeText(`${value} ${compTexts}`);
  if (dip && gene !== 'VKORC1' && gene !== 'ABCG2') {
    const call = phenotypeOfDiplotype(gene, dip);
    const out: Omit<GenomicResult, 't' | 'date'> = { gene, form, reported, call: call.phenotype === 'indeterminate' && reportedPhenotype ? { ...call, phenotype: reportedPhenotype } : call };
    const alleles = parseDiplotype(gene, dip) ?? [];
    if (gene === 'CYP2C9') {
      const names = alleles.map((a) => a.name);
      const method = `${textOf(own(obs, 'method')) ?? ''} ${(asArray(own(obs, 'note')) ?? []).map((n) => asString(asObject(n)?.text) ?? '').join(' ')}`;
      const tested = new Set((method.match(/\*\d+/g) ?? []));
      const africanCount = names.filter((n) => CYP2C9_AFRICAN_ALLELES.includes(n)).length;
      out.cyp2c9 = {
        star2: names.filter((n) => n === '*2').length,
        star3: names.filter((n) => n === '*3').length,
        africanTested: africanCount > 0 || CYP2C9_AFRICAN_ALLELES.every((a) => tested.has(a)),
        africanCount,
      };
    }
    if (gene === 'CYP4F2') out.cyp4f2Star3 = alleles.filter((a) => a.name === '*3').length;
    return out;
  }
  if (reportedPhenotype) return { gene, form, reported, call: { phenotype: reportedPhenotype } };
  return { gene, form, reported, call: { phenotype: 'indeterminate', reason: 'result not readable' } };
}

/**
 * All pharmacogenomic results of the record as of asOf, the latest per gene (a later result
 * replaces an earlier one; on the same date a readable result beats an indeterminate one).
 */
export function extractGenomics(observations: readonly Json[], asOfMs: number, tally: ObservationTally): Partial<Record<PgxGene, GenomicResult>> {
  const out: Partial<Record<PgxGene, GenomicResult>> = {};
  for (const obs of observations) {
    try {
      const r = interpretGenomicObservation(obs);
      if (!r) continue;
      const status = asString(own(obs, 'status'));
      if (!status || !USABLE_STATUS.has(status)) { bump(tally.excluded, 'not_final'); continue; }
      const when = observationTime(obs);
      if (!when) { bump(tally.excluded, 'no_date'); continue; }
      if (when.t > asOfMs) { bump(tally.excluded, 'after_as_of'); continue; }
      if (r.call.phenotype === 'indeterminate' && r.altCount === undefined && r.cyp4f2Star3 === undefined && r.hlaB5701 === undefined && r.call.diplotype === undefined) bump(tally.excluded, 'pgx_unreadable');
      tally.used++;
      const res: GenomicResult = { ...r, t: when.t, date: when.date };
      const prev = out[r.gene];
      const informative = (g: GenomicResult) => g.call.phenotype !== 'indeterminate' || g.altCount !== undefined || g.cyp4f2Star3 !== undefined;
      if (!prev || res.t > prev.t || (res.t === prev.t && informative(res) && !informative(prev))) out[r.gene] = res;
    } catch {
      bump(tally.excluded, 'malformed_resource');
    }
  }
  return out;
}

export type { PgxPhenotype };
