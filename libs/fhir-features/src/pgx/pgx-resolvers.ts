/**
 * Resolvers of the `pharmacogenomics` and `warfarin-iwpc` feature sets (contracts features.ts),
 * merged into build-feature-set.ts's resolver table. A gene without a result on file is missing
 * (with the note "no ... result on file"), never assumed normal.
 */
import { PGX_PHENOTYPE_CODES, type ProvenanceItem } from '@prognos/contracts';
import { aggregateSeries } from '../aggregate-series';
import { CONCEPT_UNITS } from '../codes/observation-concepts';
import type { ConditionConcept } from '../codes/condition-concepts';
import type { MedicationClass } from '../codes/rxnorm-table';
import type { PatientFeaturesInternal as PatientFeatures } from '../types';
import type { PgxGene } from './cpic-allele-tables';
import type { GenomicResult } from './extract-genomics';
import { unresolvedMedicationNote } from '../unresolved-medications';

interface Resolved { value?: number; items: ProvenanceItem[]; note?: string }
type Resolver = (pf: PatientFeatures) => Resolved;

/** Provenance of a genomic result: gene, what was reported, form and date (display carries the diplotype). */
export function genomicItem(r: GenomicResult): ProvenanceItem {
  const item: ProvenanceItem = {
    concept: `pgx:${r.gene}`,
    date: r.date,
    resourceType: 'Observation',
    display: `${r.gene} ${r.reported}`.slice(0, 120),
    derivation: r.form === 'phenotype' ? 'reported' : 'coded',
  };
  if (r.call.activityScore !== undefined) item.value = r.call.activityScore;
  return item;
}

const noResult = (gene: PgxGene): Resolved => ({ items: [], note: `no ${gene} result on file` });

function withResult(gene: PgxGene, read: (r: GenomicResult) => { value?: number; note?: string }): Resolver {
  return (pf) => {
    const r = pf.genomics[gene];
    if (!r) return noResult(gene);
    const v = read(r);
    const out: Resolved = { items: [genomicItem(r)] };
    if (v.value !== undefined) out.value = v.value;
    const note = v.note ?? (r.call.phenotype === 'indeterminate' ? `indeterminate${r.call.reason ? `: ${r.call.reason}` : ''}` : undefined);
    if (note) out.note = note;
    return out;
  };
}

const phenotype = (gene: PgxGene): Resolver => withResult(gene, (r) => ({ value: PGX_PHENOTYPE_CODES[r.call.phenotype] }));
const activity = (gene: PgxGene): Resolver => withResult(gene, (r) => (r.call.activityScore === undefined ? { note: 'no activity score (indeterminate diplotype)' } : { value: r.call.activityScore }));

function cyp2c9Count(pick: (c: NonNullable<GenomicResult['cyp2c9']>) => number): Resolver {
  return withResult('CYP2C9', (r) => (r.cyp2c9 && r.call.phenotype !== 'indeterminate' ? { value: pick(r.cyp2c9) } : { note: 'CYP2C9 star alleles not readable' }));
}

// ---------- warfarin-iwpc ----------

/** IWPC CYP2C9 terms: the six genotypes it estimated (others fall under "unknown"). */
const IWPC_CYP2C9: Record<string, string> = { '*1/*2': 'cyp2c9_12', '*1/*3': 'cyp2c9_13', '*2/*2': 'cyp2c9_22', '*2/*3': 'cyp2c9_23', '*3/*3': 'cyp2c9_33', '*1/*1': 'reference' };

function iwpcCyp2c9Term(pf: PatientFeatures): { term: string; items: ProvenanceItem[]; note?: string } {
  const r = pf.genomics.CYP2C9;
  if (!r || !r.call.diplotype || r.call.phenotype === 'indeterminate') return { term: 'cyp2c9_unknown', items: r ? [genomicItem(r)] : [], note: r ? 'CYP2C9 result not interpretable: IWPC "unknown" term' : 'no CYP2C9 result: IWPC "unknown" term' };
  const sorted = r.call.diplotype.split('/').sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).join('/');
  const term = IWPC_CYP2C9[sorted];
  if (!term) return { term: 'cyp2c9_unknown', items: [genomicItem(r)], note: `${sorted} is not one of the IWPC genotypes (*1, *2, *3): "unknown" term` };
  return { term, items: [genomicItem(r)] };
}

function cyp2c9Indicator(name: string): Resolver {
  return (pf) => {
    const t = iwpcCyp2c9Term(pf);
    const out: Resolved = { value: t.term === name ? 1 : 0, items: t.term === name ? t.items : [] };
    if (t.note && name === 'cyp2c9_unknown') out.note = t.note;
    return out;
  };
}

function vkorc1Term(pf: PatientFeatures): { term: 'ref' | 'ag' | 'aa' | 'unknown'; items: ProvenanceItem[] } {
  const r = pf.genomics.VKORC1;
  if (!r || r.altCount === undefined) return { term: 'unknown', items: r ? [genomicItem(r)] : [] };
  return { term: r.altCount === 0 ? 'ref' : r.altCount === 1 ? 'ag' : 'aa', items: [genomicItem(r)] };
}

function vkorc1Indicator(term: 'ag' | 'aa' | 'unknown'): Resolver {
  return (pf) => {
    const t = vkorc1Term(pf);
    const out: Resolved = { value: t.term === term ? 1 : 0, items: t.term === term ? t.items : [] };
    if (term === 'unknown' && t.term === 'unknown') out.note = pf.genomics.VKORC1 ? 'VKORC1 genotype not readable: IWPC "unknown" term' : 'no VKORC1 result: IWPC "unknown" term';
    return out;
  };
}

const OMB_ASIAN = '2028-9';
const OMB_BLACK = '2054-5';

function raceTerm(which: 'asian' | 'black' | 'missing'): Resolver {
  return (pf) => {
    if (!pf.patient.present) return { items: [], note: 'no Patient resource' };
    const omb = pf.patient.raceOmb ?? [];
    const black = pf.patient.raceBlack === true || omb.includes(OMB_BLACK);
    const mixed = omb.length > 1;
    const missing = omb.length === 0 && !black;
    const item: ProvenanceItem = { concept: 'race', resourceType: 'Patient', derivation: 'coded', display: missing ? 'race not recorded' : mixed ? 'more than one race' : black ? 'Black or African American' : omb.includes(OMB_ASIAN) ? 'Asian' : 'other' };
    // IWPC: one race term at most; mixed race counts as "missing or mixed". race_black (shared
    // with PCE, build-feature-set.ts) is 1 for any Black race code, so a mixed race including
    // Black takes the Black term only.
    const v = which === 'missing' ? ((missing || mixed) && !black) : which === 'black' ? (black && !mixed) : (omb.includes(OMB_ASIAN) && !mixed && !black);
    return { value: v ? 1 : 0, items: [item] };
  };
}

function activeClass(cls: MedicationClass, label: string): Resolver {
  return (pf) => {
    const meds = pf.medications.filter((m) => m.classes.includes(cls));
    if (meds.length > 0) {
      return {
        value: 1,
        items: meds.slice(0, 6).map((m) => {
          const i: ProvenanceItem = { concept: `medication:${cls}`, resourceType: m.resourceType, derivation: 'coded' };
          if (m.date) i.date = m.date;
          if (m.display) i.display = m.display;
          return i;
        }),
      };
    }
    // An unidentified active medicine may be this one (issue 11): unknown, never "not taking it".
    if (pf.medicationsUnresolved > 0) return { items: [], note: unresolvedMedicationNote(pf.medicationsUnresolved) };
    return pf.typesPresent.medications ? { value: 0, items: [] } : { value: 0, items: [], note: `no medication resources in the record; ${label} 0 assumed` };
  };
}

function heightCm(pf: PatientFeatures): Resolved {
  const s = aggregateSeries(pf.series.height, pf.asOf.getTime(), pf.options.latestMaxAgeDays, pf.options.windowDays);
  if (!s.last) return { items: [], note: pf.series.height.length > 0 ? 'latest height is too old' : 'no height in the record' };
  return { value: s.last.value, items: [{ concept: 'body_height', value: Math.round(s.last.value * 10) / 10, unit: CONCEPT_UNITS.height.unit, date: s.last.date, resourceType: 'Observation', derivation: 'measured' }] };
}

function conditionFlag(concepts: ConditionConcept[], label: string): Resolver {
  return (pf) => {
    const facts = concepts.flatMap((c) => pf.conditions[c] ?? []);
    if (facts.length > 0) {
      return {
        value: 1,
        items: facts.slice(-6).map((f) => {
          const i: ProvenanceItem = { concept: `condition:${f.concept}`, resourceType: f.resourceType, derivation: 'coded' };
          if (f.date) i.date = f.date;
          if (f.display) i.display = f.display;
          return i;
        }),
      };
    }
    return pf.typesPresent.conditions ? { value: 0, items: [] } : { items: [], note: `no Condition resources in the record: ${label} unknown` };
  };
}

export const PGX_RESOLVERS: Readonly<Record<string, Resolver>> = {
  cyp2c19_phenotype: phenotype('CYP2C19'),
  cyp2d6_phenotype: phenotype('CYP2D6'),
  cyp2d6_activity_score: activity('CYP2D6'),
  cyp2c9_phenotype: phenotype('CYP2C9'),
  cyp2c9_activity_score: activity('CYP2C9'),
  slco1b1_phenotype: phenotype('SLCO1B1'),
  abcg2_phenotype: phenotype('ABCG2'),
  tpmt_phenotype: phenotype('TPMT'),
  nudt15_phenotype: phenotype('NUDT15'),
  dpyd_phenotype: phenotype('DPYD'),
  dpyd_activity_score: activity('DPYD'),
  hla_b_5701: withResult('HLA-B', (r) => (r.hlaB5701 === undefined ? {} : { value: r.hlaB5701 ? 1 : 0 })),
  vkorc1_1639_a_count: withResult('VKORC1', (r) => (r.altCount === undefined ? { note: 'VKORC1 genotype not readable' } : { value: r.altCount, note: '' })),
  cyp2c9_star2_count: cyp2c9Count((c) => c.star2),
  cyp2c9_star3_count: cyp2c9Count((c) => c.star3),
  cyp2c9_african_alleles_tested: withResult('CYP2C9', (r) => ({ value: r.cyp2c9?.africanTested ? 1 : 0, note: r.cyp2c9?.africanTested ? '' : 'the result does not show that CYP2C9 *5, *6, *8 and *11 were tested' })),
  cyp2c9_african_allele_count: cyp2c9Count((c) => c.africanCount),
  cyp4f2_star3_count: withResult('CYP4F2', (r) => (r.cyp4f2Star3 === undefined ? { note: 'CYP4F2 genotype not readable' } : { value: r.cyp4f2Star3, note: '' })),
  acs_or_pci: conditionFlag(['myocardial_infarction', 'revascularisation'], 'ACS/PCI indication'),
  malignancy: conditionFlag(['malignancy'], 'malignancy'),
  height_cm: heightCm,
  vkorc1_ag: vkorc1Indicator('ag'),
  vkorc1_aa: vkorc1Indicator('aa'),
  vkorc1_unknown: vkorc1Indicator('unknown'),
  cyp2c9_12: cyp2c9Indicator('cyp2c9_12'),
  cyp2c9_13: cyp2c9Indicator('cyp2c9_13'),
  cyp2c9_22: cyp2c9Indicator('cyp2c9_22'),
  cyp2c9_23: cyp2c9Indicator('cyp2c9_23'),
  cyp2c9_33: cyp2c9Indicator('cyp2c9_33'),
  cyp2c9_unknown: cyp2c9Indicator('cyp2c9_unknown'),
  race_asian: raceTerm('asian'),
  race_missing_or_mixed: raceTerm('missing'),
  enzyme_inducer: activeClass('enzyme_inducer', 'enzyme inducer'),
  amiodarone: activeClass('amiodarone', 'amiodarone'),
};
