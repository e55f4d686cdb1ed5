/**
 * Warfarin drafted with CYP2C9 and/or VKORC1 results on file: the IWPC 2009 pharmacogenetic
 * expected maintenance dose (model `iwpc-warfarin`), with CPIC 2017's rules around it
 * (Johnson JA et al., Clin Pharmacol Ther 2017;102:397-404, Figure 2):
 *
 * - African ancestry: if CYP2C9 *5, *6, *8 and *11 were not tested, dose warfarin clinically (no
 *   algorithm dose is offered). If they were tested, use the algorithm and, for a carrier of one of
 *   them, decrease the calculated dose by 15-30 % (the card applies the midpoint, 22.5 %).
 *   CYP4F2 is not used in African ancestry.
 * - Other ancestries: the algorithm dose; a CYP4F2*3 carrier may need 5-10 % more (midpoint 7.5 %).
 * - Neither VKORC1 nor CYP2C9 on file: no pharmacogenomic card (clinical dosing).
 *
 * The card proposes the expected weekly and daily dose and an `update` of the draft to that daily
 * dose (rounded to 0.5 mg, the smallest step of the marketed tablet strengths).
 */
import type { CardDraft, DraftOrderSummary, PredictionRecord } from '@prognos/contracts';
import { describeInputs, formatNumber, markdown, newCard, newSuggestion, section } from '../card-kit';
import { SYSTEM } from '../codes';
import type { FeatureView } from '../feature-view';
import { WARFARIN_SOURCE } from './cpic-recommendations';
import { drugName, resultLine } from './gene-drug-card';

export const IWPC_MODEL_ID = 'iwpc-warfarin';
/** CPIC 2017: CYP2C9 *5/*6/*8/*11 carriers of African ancestry, decrease 15-30 %. */
export const AFRICAN_ALLELE_REDUCTION = 0.225;
/** CPIC 2017: CYP4F2*3 carriers (non-African ancestry), increase 5-10 %. */
export const CYP4F2_INCREASE = 0.075;
/** A drafted daily dose more than this fraction away from the estimate makes the card a warning. */
export const DOSE_MISMATCH_FRACTION = 0.2;

export interface WarfarinContext {
  draft: DraftOrderSummary;
  pgx: FeatureView;
  iwpc: FeatureView;
  predictions: PredictionRecord[];
}

const source = { label: WARFARIN_SOURCE.label, url: WARFARIN_SOURCE.url };

function weeklyDose(predictions: PredictionRecord[]): { value?: number; reason?: string } {
  const p = predictions.find((r) => r.modelId === IWPC_MODEL_ID && r.output === 'weekly_dose_mg');
  if (!p) return { reason: 'the IWPC model did not run' };
  if (p.notComputedReason) return { reason: p.notComputedReason };
  return typeof p.value === 'number' && Number.isFinite(p.value) && p.value > 0 ? { value: p.value } : { reason: 'no finite dose' };
}

function inputLines(c: WarfarinContext): string[] {
  return describeInputs([
    { view: c.iwpc, name: 'age_years', label: 'Age', digits: 0 },
    { view: c.iwpc, name: 'height_cm', label: 'Height', digits: 0 },
    { view: c.iwpc, name: 'weight_kg', label: 'Weight', digits: 1 },
    { view: c.iwpc, name: 'amiodarone', label: 'Amiodarone active', flag: true },
    { view: c.iwpc, name: 'enzyme_inducer', label: 'Enzyme inducer active (carbamazepine, phenytoin, rifampin)', flag: true },
  ]).used;
}

function genotypeLines(c: WarfarinContext): string[] {
  const lines: string[] = [];
  const vk = resultLine(c.pgx, 'vkorc1_1639_a_count');
  lines.push(vk ? `- ${vk}` : '- VKORC1: no result on file (IWPC "unknown" term)');
  const cyp = resultLine(c.pgx, 'cyp2c9_phenotype');
  lines.push(cyp ? `- ${cyp}` : '- CYP2C9: no result on file (IWPC "unknown" term)');
  const f2 = resultLine(c.pgx, 'cyp4f2_star3_count');
  if (f2) lines.push(`- ${f2}`);
  return lines;
}

export function warfarinCard(c: WarfarinContext): CardDraft | undefined {
  const d = c.draft;
  const hasVk = c.pgx.provenance('vkorc1_1639_a_count')?.items.length;
  const hasCyp = c.pgx.provenance('cyp2c9_phenotype')?.items.length;
  if (!hasVk && !hasCyp) return undefined;
  const footer = `Guideline: ${WARFARIN_SOURCE.label}; ${WARFARIN_SOURCE.version}. IWPC, N Engl J Med 2009;360:753-764.`;
  const black = c.iwpc.flag('race_black');
  const africanTested = c.pgx.get('cyp2c9_african_alleles_tested') === 1;
  if (black && !africanTested) {
    return newCard({
      kind: 'pgx.warfarin-dose-clinically',
      summary: 'Warfarin: CYP2C9 *5, *6, *8, *11 not tested; CPIC: dose clinically (African ancestry)',
      indicator: 'info',
      source,
      detail: markdown([
        'CPIC 2017: in patients of African ancestry, CYP2C9 *5, *6, *8 and *11 (and rs12777823) explain part of the dose variability; if they were not tested, dose warfarin clinically rather than by a pharmacogenetic algorithm. The result on file does not show that these alleles were tested, so no algorithm dose is offered.',
        section('Results', genotypeLines(c)),
        `Draft order: ${drugName(d)}.`,
        footer,
      ]),
      draftOrderIndex: d.index,
    });
  }
  const w = weeklyDose(c.predictions);
  if (w.value === undefined) {
    return newCard({
      kind: 'pgx.warfarin-dose-not-computed',
      summary: `Warfarin: genotype on file but the IWPC dose could not be computed (${w.reason})`.slice(0, 139),
      indicator: 'info',
      source,
      detail: markdown([
        `The IWPC pharmacogenetic algorithm needs age, height and weight with the genotype; it was not computed: ${w.reason}.`,
        section('Results', genotypeLines(c)),
        section('Inputs used', inputLines(c)),
        footer,
      ]),
      draftOrderIndex: d.index,
    });
  }
  let weekly = w.value;
  const adjustments: string[] = [];
  const africanCount = c.pgx.get('cyp2c9_african_allele_count') ?? 0;
  const f2 = c.pgx.get('cyp4f2_star3_count') ?? 0;
  if (black && africanCount > 0) {
    weekly *= 1 - AFRICAN_ALLELE_REDUCTION;
    adjustments.push(`CYP2C9 *5/*6/*8/*11 carrier (African ancestry): calculated dose decreased by ${AFRICAN_ALLELE_REDUCTION * 100} % (CPIC 2017: 15-30 %).`);
  } else if (!black && f2 > 0) {
    weekly *= 1 + CYP4F2_INCREASE;
    adjustments.push(`CYP4F2*3 carrier: calculated dose increased by ${CYP4F2_INCREASE * 100} % (CPIC 2017: 5-10 %, optional).`);
  }
  const daily = Math.round((weekly / 7) * 2) / 2;
  const drafted = d.doseMg !== undefined ? d.doseMg * (d.frequencyPerDay ?? 1) : undefined;
  const mismatch = drafted !== undefined && Math.abs(drafted - weekly / 7) > DOSE_MISMATCH_FRACTION * (weekly / 7);
  const update = newSuggestion({
    label: `Set the warfarin dose to ${formatNumber(daily, 1)} mg daily (IWPC ${formatNumber(weekly, 1)} mg/week)`,
    isRecommended: true,
    actions: [{
      type: 'update',
      description: `Change the draft warfarin dose to ${formatNumber(daily, 1)} mg once daily`,
      draftOrderIndex: d.index,
      patch: {
        dosageInstruction: [{
          text: `${formatNumber(daily, 1)} mg by mouth once daily (IWPC pharmacogenetic expected maintenance dose ${formatNumber(weekly, 1)} mg/week); adjust by INR`,
          timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
          doseAndRate: [{ doseQuantity: { value: daily, unit: 'mg', system: SYSTEM.ucum, code: 'mg' } }],
        }],
      },
    }],
  });
  return newCard({
    kind: 'pgx.warfarin-iwpc-dose',
    summary: `Warfarin: genotype-guided dose ${formatNumber(weekly, 1)} mg/week (≈${formatNumber(daily, 1)} mg/day, IWPC)${drafted !== undefined ? `; ordered ${formatNumber(drafted, 1)} mg/day` : ''}`,
    indicator: mismatch ? 'warning' : 'info',
    source,
    detail: markdown([
      `**Expected stable maintenance dose** (IWPC pharmacogenetic algorithm, target INR 2-3): ${formatNumber(weekly, 1)} mg per week, about ${formatNumber(daily, 1)} mg per day. CPIC 2017 (strong): calculate the dose with a validated pharmacogenetic algorithm when VKORC1 and CYP2C9 results are known; adjust by INR.`,
      ...adjustments,
      section('Results', genotypeLines(c)),
      section('Inputs used', inputLines(c)),
      `Draft order: ${drugName(d)}.`,
      footer,
    ]),
    suggestions: [update],
    draftOrderIndex: d.index,
  });
}
