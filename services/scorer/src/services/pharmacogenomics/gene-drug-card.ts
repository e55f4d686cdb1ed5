/**
 * One draft order x one CPIC gene-drug table -> a card, or none when the genotype calls for no
 * change. Reads the `pharmacogenomics` feature set by name; the recommendation comes from the table
 * (cpic-recommendations.ts), the dose arithmetic is here.
 *
 * - No result on file: no card, except where the label/CPIC require the test before the first dose
 *   (abacavir: order HLA-B*57:01).
 * - Indeterminate result: an info card saying so (never treated as normal).
 * - Standard dosing or no CPIC recommendation: no card.
 */
import {
  PATIENT_REFERENCE, pgxPhenotypeLabel, pgxPhenotypeOf,
  type ActionDraft, type CardDraft, type DraftOrderSummary, type PgxPhenotype, type ScoringInput, type SuggestionDraft,
} from '@prognos/contracts';
import { formatNumber, markdown, newCard, newSuggestion, provenanceDate, section } from '../card-kit';
import { SYSTEM } from '../codes';
import { latestItem, type FeatureView } from '../feature-view';
import { ALTERNATIVE_PRODUCTS, FLUVASTATIN_INGREDIENT, ROSUVASTATIN_INGREDIENT, SIMVASTATIN_INGREDIENT } from './pgx-products';
import type { GeneDrugGuideline, IndicationColumn, Recommendation } from './cpic-recommendations';
import { proposeAlternative } from './propose-alternative';

export interface GeneDrugContext {
  draft: DraftOrderSummary;
  pgx: FeatureView;
  input: ScoringInput;
}

export const drugName = (d: DraftOrderSummary): string => d.display ?? (d.ingredients.length > 0 ? d.ingredients.join('/') : 'the drafted medication');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The result line: "CYP2C19 *1/*2 (2024-03-01)" from the feature's provenance. */
export function resultLine(view: FeatureView, feature: string): string | undefined {
  const item = latestItem(view.provenance(feature));
  if (!item) return undefined;
  const date = provenanceDate(item);
  return `${item.display ?? feature}${date ? ` (${date})` : ''}`;
}

function phenotypeOf(g: GeneDrugGuideline, pgx: FeatureView): PgxPhenotype | 'missing' {
  const v = pgx.get(g.phenotypeFeature);
  if (v === undefined) {
    // A result on file whose phenotype could not be read is indeterminate, not missing.
    return pgx.provenance(g.phenotypeFeature)?.items.length ? 'indeterminate' : 'missing';
  }
  if (g.phenotypeFeature === 'hla_b_5701') return v === 1 ? 'positive' : 'negative';
  return pgxPhenotypeOf(v) ?? 'indeterminate';
}

interface Column { column: IndicationColumn; known: boolean; note?: string }

function columnFor(g: GeneDrugGuideline, pgx: FeatureView): Column {
  if (g.columns.includes('acs_pci')) {
    const acs = pgx.get('acs_or_pci');
    if (acs === undefined) return { column: 'acs_pci', known: false, note: 'Indication not known from the record (no conditions): the ACS/PCI recommendation is shown.' };
    return acs === 1 ? { column: 'acs_pci', known: true, note: 'Indication: acute coronary syndrome or PCI in the record.' } : { column: 'other', known: true, note: 'Indication: cardiovascular, without ACS or PCI in the record.' };
  }
  if (g.columns.includes('malignant')) {
    const m = pgx.get('malignancy');
    if (m === undefined) return { column: 'malignant', known: false, note: 'Indication not known from the record (no conditions): the recommendation for malignant conditions is shown.' };
    return m === 1 ? { column: 'malignant', known: true, note: 'Indication: malignant condition in the record.' } : { column: 'nonmalignant', known: true, note: 'Indication: no malignant condition in the record (non-malignant).' };
  }
  return { column: 'any', known: true };
}

function recommendationFor(g: GeneDrugGuideline, phenotype: PgxPhenotype, pgx: FeatureView, col: Column): { rec?: Recommendation; score?: number } {
  if (g.byActivityScore && g.activityFeature) {
    const score = pgx.get(g.activityFeature);
    if (score !== undefined) return { rec: g.byActivityScore[String(score)], score };
    // Phenotype reported without a score: the score band of that phenotype.
    const band = phenotype === 'normal_metabolizer' ? '2' : phenotype === 'intermediate_metabolizer' ? '1' : phenotype === 'poor_metabolizer' ? '0' : undefined;
    return { rec: band ? g.byActivityScore[band] : undefined };
  }
  const row = g.byPhenotype?.[phenotype];
  return { rec: row?.[col.column], score: g.activityFeature ? pgx.get(g.activityFeature) : undefined };
}

function dosage(doseMg: number, perDay: number | undefined, text: string, thriceWeekly = false): Record<string, unknown>[] {
  const timing = thriceWeekly
    ? { repeat: { frequency: 3, period: 1, periodUnit: 'wk' } }
    : { repeat: { frequency: perDay ?? 1, period: 1, periodUnit: 'd' } };
  return [{
    text,
    timing,
    doseAndRate: [{ doseQuantity: { value: doseMg, unit: 'mg', system: SYSTEM.ucum, code: 'mg' } }],
  }];
}

const roundDose = (mg: number) => (mg >= 10 ? Math.round(mg) : Math.round(mg * 2) / 2);

function updateDose(d: DraftOrderSummary, label: string, description: string, patch: Record<string, unknown>, recommended: boolean): SuggestionDraft {
  const action: ActionDraft = { type: 'update', description, draftOrderIndex: d.index, patch };
  return newSuggestion({ label, isRecommended: recommended, actions: [action] });
}

function deleteDraft(d: DraftOrderSummary, recommended: boolean): SuggestionDraft {
  return newSuggestion({
    label: `Remove ${drugName(d)} from the order`,
    isRecommended: recommended,
    actions: [{ type: 'delete', description: `Remove the draft order for ${drugName(d)}`, draftOrderIndex: d.index }],
  });
}

const STATIN_INGREDIENTS: Record<string, { system: string; code: string; display: string }> = {
  simvastatin: SIMVASTATIN_INGREDIENT, rosuvastatin: ROSUVASTATIN_INGREDIENT, fluvastatin: FLUVASTATIN_INGREDIENT,
};

function dailyMg(d: DraftOrderSummary): number | undefined {
  const dose = d.doseMg ?? d.strengthMg;
  return dose !== undefined ? dose * (d.frequencyPerDay ?? 1) : undefined;
}

function suggestionsFor(rec: Recommendation, g: GeneDrugGuideline, c: GeneDrugContext, phenotypeText: string): { suggestions: SuggestionDraft[]; notes: string[] } {
  const d = c.draft;
  const out: SuggestionDraft[] = [];
  const notes: string[] = [];
  const reason = `${g.gene} ${phenotypeText}: ${g.source.label}`;
  if (rec.action === 'alternative' || (rec.action === 'limit-dose' && rec.alternatives)) {
    rec.alternatives?.forEach((key, i) => {
      const s = proposeAlternative({ draft: d, alternative: ALTERNATIVE_PRODUCTS[key], reason, recommended: rec.action === 'alternative' && i === 0, input: c.input });
      if (s) out.push(s);
    });
  }
  if (rec.maxDailyMg !== undefined) {
    const ingredient = d.ingredients.find((i) => STATIN_INGREDIENTS[i]);
    const daily = dailyMg(d);
    if (ingredient && (daily === undefined || daily > rec.maxDailyMg)) {
      const concept = STATIN_INGREDIENTS[ingredient]!;
      out.push(updateDose(d, `Change to ${concept.display} ${rec.maxDailyMg} mg once daily`, `Change the draft order to ${concept.display} ${rec.maxDailyMg} mg once daily`, {
        medicationCodeableConcept: { coding: [concept], text: `${concept.display} ${rec.maxDailyMg} mg` },
        dosageInstruction: dosage(rec.maxDailyMg, 1, `${rec.maxDailyMg} mg by mouth once daily`),
      }, rec.action === 'limit-dose'));
      if (daily === undefined) notes.push('The drafted daily dose could not be read.');
    }
  }
  if (rec.action === 'reduce-dose' && rec.doseFraction !== undefined) {
    const dose = d.doseMg;
    if (dose === undefined) {
      notes.push('The drafted dose could not be read: reduce it by hand.');
    } else {
      const mg = roundDose(dose * rec.doseFraction);
      const pct = Math.round(rec.doseFraction * 100);
      const range = rec.doseFractionRange ? ` (CPIC range ${rec.doseFractionRange[0] * 100}-${rec.doseFractionRange[1] * 100} %)` : '';
      const when = rec.thriceWeekly ? 'three times a week' : d.frequencyPerDay && d.frequencyPerDay !== 1 ? `${formatNumber(d.frequencyPerDay, 0)} times daily` : 'once daily';
      out.push(updateDose(d, `Reduce to ${formatNumber(mg, 1)} mg ${when} (${pct} % of the drafted ${formatNumber(dose, 1)} mg)${range}`,
        `Change the draft dose to ${formatNumber(mg, 1)} mg ${when}`,
        { dosageInstruction: dosage(mg, d.frequencyPerDay, `${formatNumber(mg, 1)} mg ${when} (${g.gene} ${phenotypeText}, CPIC)`, rec.thriceWeekly) },
        rec.doseFractionRange === undefined));
    }
  }
  if (rec.action === 'avoid') out.push(deleteDraft(d, true));
  return { suggestions: out, notes };
}

/** ServiceRequest for a pharmacogenomic test (text-coded: no verified LOINC order code is shipped). */
function testOrder(testName: string, reason: string): ActionDraft {
  return {
    type: 'create',
    description: `Order: ${testName}`,
    resource: {
      resourceType: 'ServiceRequest',
      status: 'draft',
      intent: 'order',
      category: [{ coding: [{ system: SYSTEM.snomed, code: '108252007', display: 'Laboratory procedure' }] }],
      code: { text: testName },
      subject: { reference: PATIENT_REFERENCE },
      reasonCode: [{ text: reason }],
    },
  };
}

/** The card for one draft and one guideline, or undefined (no change called for / no result). */
export function geneDrugCard(g: GeneDrugGuideline, c: GeneDrugContext): CardDraft | undefined {
  const d = c.draft;
  const name = drugName(d);
  const drug = capital(d.ingredients.find((i) => g.drugs.includes(i)) ?? name);
  const phenotype = phenotypeOf(g, c.pgx);
  const source = { label: g.source.label, url: g.source.url };
  const footer = `Guideline: ${g.source.label}, ${g.source.version}.`;
  if (phenotype === 'missing') {
    if (!g.testBeforeFirstDose) return undefined;
    return newCard({
      kind: `pgx.${g.id}-test-needed`,
      summary: `${drug}: no ${g.gene} result on file; order the test before the first dose`,
      indicator: 'warning',
      source,
      detail: markdown([g.testBeforeFirstDose.text, `Draft order: ${name}.`, footer]),
      suggestions: [newSuggestion({ label: `Order ${g.testBeforeFirstDose.testName}`, isRecommended: true, actions: [testOrder(g.testBeforeFirstDose.testName, `Before ${drug.toLowerCase()} (${g.source.label})`)] })],
      draftOrderIndex: d.index,
    });
  }
  const result = resultLine(c.pgx, g.phenotypeFeature) ?? `${g.gene} result`;
  if (phenotype === 'indeterminate') {
    const note = c.pgx.provenance(g.phenotypeFeature)?.note;
    return newCard({
      kind: `pgx.${g.id}-indeterminate`,
      summary: `${drug}: ${g.gene} result is indeterminate; the CPIC recommendation cannot be applied`,
      indicator: 'info',
      source,
      detail: markdown([
        `The ${g.gene} result on file could not be translated into a CPIC phenotype${note ? ` (${note})` : ''}. It is not assumed normal: prescribe by clinical judgement, and consider confirming the genotype with a laboratory that reports CPIC star alleles.`,
        section('Result', [`- ${result}`]),
        `Draft order: ${name}.`,
        footer,
      ]),
      draftOrderIndex: d.index,
    });
  }
  const col = columnFor(g, c.pgx);
  const { rec, score } = recommendationFor(g, phenotype, c.pgx, col);
  if (!rec || rec.action === 'standard' || rec.action === 'none') return undefined;
  const phenotypeText = pgxPhenotypeLabel(phenotype);
  if (rec.action === 'limit-dose' && rec.maxDailyMg !== undefined) {
    const daily = dailyMg(d);
    if (daily !== undefined && daily <= rec.maxDailyMg) return undefined; // already within the limit
  }
  const { suggestions, notes } = suggestionsFor(rec, g, c, phenotypeText);
  const scoreText = score !== undefined ? `, activity score ${formatNumber(score, 2)}` : '';
  const shortAction = rec.action === 'avoid' ? 'avoid' : rec.action === 'alternative' ? 'use an alternative' : rec.action === 'limit-dose' ? `limit to ${rec.maxDailyMg} mg/day` : 'reduce the dose';
  const other = col.known || g.columns.length < 2 ? undefined
    : g.columns.filter((k) => k !== col.column).map((k) => {
      const r = g.byPhenotype?.[phenotype]?.[k];
      return r ? `For ${k === 'other' ? 'other cardiovascular indications' : k === 'nonmalignant' ? 'non-malignant conditions' : k}: ${r.text} (${r.strength})` : undefined;
    }).filter((x): x is string => x !== undefined);
  return newCard({
    kind: `pgx.${g.id}-${rec.action}`,
    summary: `${drug}: ${g.gene} ${phenotypeText}${scoreText}; CPIC: ${shortAction} (${rec.strength.toLowerCase()})`,
    indicator: rec.action === 'avoid' ? 'critical' : 'warning',
    source,
    detail: markdown([
      `**CPIC recommendation** (${rec.strength}): ${rec.text}`,
      col.note,
      other && other.length > 0 ? other.join('\n\n') : undefined,
      section('Result', [`- ${result}: ${g.gene} ${phenotypeText}${scoreText}`]),
      ...notes,
      `Draft order: ${name}.`,
      footer,
    ]),
    ...(suggestions.length > 0 ? { suggestions } : {}),
    draftOrderIndex: d.index,
  });
}

