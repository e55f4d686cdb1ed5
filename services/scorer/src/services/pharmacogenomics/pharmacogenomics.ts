/**
 * `pharmacogenomics` (order-sign) and `pharmacogenomics-select` (order-select): one logic, two
 * hooks. Each drafted MedicationRequest (at order-select: the selected ones) for a drug with a CPIC
 * gene-drug guideline gets a card when the patient's genotype calls for a change, and none when it
 * does not (gene-drug-card.ts, warfarin-card.ts). Both services share the alert group
 * `pharmacogenomics`, so an alert shown at order-select for a draft is not repeated at order-sign
 * for the same draft within ALERT_DEDUP_WINDOW_S (the HTTP side, alert-dedup.ts).
 */
import type { CardDraft, CdsServiceDescriptor, DraftOrderSummary, ScoringInput } from '@prognos/contracts';
import type { CardBuildContext, CardBuildResult, ClinicalService, ModelRun } from '../../clinical-service';
import { viewFeatureSet } from '../feature-view';
import { ACTIVE_MEDICATIONS, CONDITIONS, PATIENT, observations } from '../prefetch';
import { PGX_PHENOTYPE_CODES } from '@prognos/contracts';
import { GENE_DRUG_GUIDELINES, THIOPURINES, thiopurineBothIntermediate } from './cpic-recommendations';
import { geneDrugCard } from './gene-drug-card';
import { IWPC_MODEL_ID, warfarinCard } from './warfarin-card';

export const PHARMACOGENOMICS_ID = 'pharmacogenomics';
export const PHARMACOGENOMICS_SELECT_ID = 'pharmacogenomics-select';
/** Alert group shared by the two services (order-select -> order-sign de-duplication). */
export const PHARMACOGENOMICS_ALERT_GROUP = 'pharmacogenomics';

/**
 * Genomic results: Genomics Reporting IG genotype (84413-4), variant (69548-6), genetic analysis
 * report / therapeutic implication (51969-4, 53040-2) codes, and (second key) everything the
 * laboratory files under the HL7 v2 diagnostic service section "GE" (genetics), which catches plain
 * text PGx results whatever their local code.
 */
export const PGX_LOINC = ['84413-4', '69548-6', '51969-4', '53040-2'] as const;
const GENETICS_SECTION = 'Observation?patient={{context.patientId}}&category=http://terminology.hl7.org/CodeSystem/v2-0074|GE&_count=200';

const isWarfarin = (d: DraftOrderSummary) => d.ingredients.includes('warfarin');

function drafts(input: ScoringInput): DraftOrderSummary[] {
  const all = (input.draftOrders ?? []).filter((d) => d.resourceType === 'MedicationRequest');
  const sel = input.selectedDraftOrderIndexes;
  return sel && sel.length > 0 ? all.filter((d) => sel.includes(d.index)) : all;
}

function modelRuns(input: ScoringInput): ModelRun[] {
  return drafts(input).some(isWarfarin) ? [{ modelId: IWPC_MODEL_ID, featureSet: 'warfarin-iwpc' }] : [];
}

function buildCards(bctx: CardBuildContext): CardBuildResult {
  const { input, predictions } = bctx;
  const pgx = viewFeatureSet(input, 'pharmacogenomics');
  const iwpc = viewFeatureSet(input, 'warfarin-iwpc');
  const cards: CardDraft[] = [];
  const reduced = (feature: string) => {
    const v = pgx.get(feature);
    return v === PGX_PHENOTYPE_CODES.intermediate_metabolizer || v === PGX_PHENOTYPE_CODES.possible_intermediate_metabolizer;
  };
  const bothThiopurineGenesReduced = reduced('tpmt_phenotype') && reduced('nudt15_phenotype');
  for (const draft of drafts(input)) {
    const thiopurine = THIOPURINES.find((t) => draft.ingredients.includes(t));
    if (thiopurine && bothThiopurineGenesReduced) {
      // One card for the combination (CPIC 2024), instead of one per gene.
      const card = geneDrugCard(thiopurineBothIntermediate(thiopurine), { draft, pgx, input });
      if (card) cards.push(card);
    }
    for (const g of GENE_DRUG_GUIDELINES) {
      if (!draft.ingredients.some((i) => g.drugs.includes(i))) continue;
      if (thiopurine && bothThiopurineGenesReduced && (g.gene === 'TPMT' || g.gene === 'NUDT15')) continue;
      const card = geneDrugCard(g, { draft, pgx, input });
      if (card) cards.push(card);
    }
    if (isWarfarin(draft)) {
      const card = warfarinCard({ draft, pgx, iwpc, predictions });
      if (card) cards.push(card);
    }
  }
  return { cards };
}

function descriptor(id: string, hook: 'order-sign' | 'order-select'): CdsServiceDescriptor {
  return {
    id,
    hook,
    title: 'Pharmacogenomics: genotype-guided prescribing (CPIC)',
    description: 'Checks drafted drugs against the patient\'s pharmacogenomic results (CPIC): CYP2C19-clopidogrel, SLCO1B1/ABCG2/CYP2C9-statins, HLA-B*57:01-abacavir, CYP2D6-codeine/tramadol, TPMT/NUDT15-thiopurines, DPYD-fluoropyrimidines, and the IWPC genotype-guided warfarin dose.',
    prefetch: {
      patient: PATIENT,
      genomics: observations(PGX_LOINC, 200),
      geneticsLabs: GENETICS_SECTION,
      // Height and weight for the IWPC warfarin dose.
      vitals: observations(['8302-2', '8306-3', '29463-7', '3141-9'], 20),
      // Indications (ACS/PCI for clopidogrel, malignancy for thiopurines).
      conditions: CONDITIONS,
      // Amiodarone and enzyme inducers (IWPC).
      medications: ACTIVE_MEDICATIONS,
    },
    requiredPrefetch: ['patient', 'genomics'],
    featureSets: ['pharmacogenomics', 'warfarin-iwpc'],
    usesDraftOrders: true,
    models: [IWPC_MODEL_ID],
    origin: 'bundled',
    alertGroup: PHARMACOGENOMICS_ALERT_GROUP,
  };
}

export const pharmacogenomicsService: ClinicalService = { descriptor: descriptor(PHARMACOGENOMICS_ID, 'order-sign'), modelRuns, buildCards };
export const pharmacogenomicsSelectService: ClinicalService = { descriptor: descriptor(PHARMACOGENOMICS_SELECT_ID, 'order-select'), modelRuns, buildCards };
