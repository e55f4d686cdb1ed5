/**
 * Synthetic pharmacogenomic results for generated patients: diplotypes drawn allele by allele from
 * CPIC allele frequency tables (CPIC gene frequency tables, cpicpgx.org/guidelines -> "<gene>
 * frequency table", biogeographic groups European and African American/Afro-Caribbean; values
 * rounded, the reference allele takes the rest), filed as HL7 Genomics Reporting IG genotype
 * Observations (and VKORC1 as a plain laboratory text result, as many EHRs file it).
 *
 * Uses its own random stream (seeded from the patient seed), so adding genotypes does not change
 * anything else the generator draws.
 */
import type { Rng } from './prng';
import { genotypeObservation, labTextObservation } from '../pgx/genomic-observations';
import type { PgxGene } from '../pgx/cpic-allele-tables';

type Freq = readonly [allele: string, frequency: number][];

/** Allele frequencies [European, African ancestry]; the first allele of each list is the reference and takes the remainder. */
export const PGX_ALLELE_FREQUENCIES: Readonly<Record<string, { european: Freq; african: Freq }>> = {
  CYP2C19: { european: [['*1', 0], ['*2', 0.15], ['*3', 0.004], ['*17', 0.21]], african: [['*1', 0], ['*2', 0.18], ['*3', 0.003], ['*17', 0.2]] },
  CYP2D6: {
    european: [['*1', 0], ['*2', 0.28], ['*4', 0.18], ['*5', 0.03], ['*10', 0.03], ['*41', 0.09], ['*1x2', 0.01], ['*9', 0.02]],
    african: [['*1', 0], ['*2', 0.2], ['*4', 0.04], ['*5', 0.06], ['*10', 0.04], ['*17', 0.18], ['*29', 0.1], ['*41', 0.03], ['*1x2', 0.02]],
  },
  CYP2C9: { european: [['*1', 0], ['*2', 0.13], ['*3', 0.07]], african: [['*1', 0], ['*2', 0.02], ['*3', 0.01], ['*5', 0.012], ['*6', 0.006], ['*8', 0.06], ['*11', 0.024]] },
  SLCO1B1: { european: [['*1', 0], ['*5', 0.02], ['*15', 0.14], ['*14', 0.04]], african: [['*1', 0], ['*5', 0.003], ['*15', 0.02], ['*14', 0.01]] },
  TPMT: { european: [['*1', 0], ['*3A', 0.034], ['*3C', 0.004], ['*2', 0.002]], african: [['*1', 0], ['*3C', 0.024], ['*3A', 0.008]] },
  NUDT15: { european: [['*1', 0], ['*3', 0.002]], african: [['*1', 0], ['*3', 0.001]] },
  DPYD: { european: [['Reference', 0], ['c.1129-5923C>G', 0.024], ['c.2846A>T', 0.007], ['c.1905+1G>A', 0.008]], african: [['Reference', 0], ['c.1129-5923C>G', 0.003], ['c.1905+1G>A', 0.001]] },
  CYP4F2: { european: [['*1', 0], ['*3', 0.29]], african: [['*1', 0], ['*3', 0.08]] },
};

/** VKORC1 -1639A (rs9923231 T) frequency; HLA-B*57:01 carrier frequency. */
export const VKORC1_A_FREQUENCY = { european: 0.39, african: 0.11 } as const;
export const HLA_B5701_CARRIER_FREQUENCY = { european: 0.06, african: 0.01 } as const;

function drawAllele(rng: Rng, freq: Freq): string {
  let u = rng.next();
  for (let i = 1; i < freq.length; i++) {
    u -= freq[i]![1];
    if (u < 0) return freq[i]![0];
  }
  return freq[0]![0];
}

/** Sorted so '*1/*2', never '*2/*1' (the way laboratories report). */
function diplotype(a: string, b: string): string {
  const rank = (x: string) => (x.startsWith('*') ? parseFloat(x.slice(1)) : x === 'Reference' ? -1 : 1000);
  return rank(a) <= rank(b) ? `${a}/${b}` : `${b}/${a}`;
}

/** A PGx panel (Observations without ids) for one patient, dated `date`. */
export function drawPgxPanel(rng: Rng, african: boolean, date: string): Record<string, unknown>[] {
  const group = african ? 'african' : 'european';
  const out: Record<string, unknown>[] = [];
  for (const [gene, table] of Object.entries(PGX_ALLELE_FREQUENCIES)) {
    const f = table[group];
    const dip = diplotype(drawAllele(rng, f), drawAllele(rng, f));
    const extra = gene === 'CYP2C9' ? { method: { text: 'Targeted genotyping; CYP2C9 alleles tested: *2, *3, *5, *6, *8, *11' } } : {};
    out.push(genotypeObservation(gene as PgxGene, dip, date, extra));
  }
  const a = VKORC1_A_FREQUENCY[group];
  const letters = [rng.chance(a) ? 'T' : 'C', rng.chance(a) ? 'T' : 'C'].sort().join('/');
  out.push(labTextObservation('VKORC1 rs9923231 genotype', letters, date));
  out.push(labTextObservation('HLA-B*57:01', rng.chance(HLA_B5701_CARRIER_FREQUENCY[group]) ? 'Positive' : 'Negative', date));
  return out;
}
