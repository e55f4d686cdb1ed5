/**
 * `medication-safety` (order-sign; the same rules serve order-select, where only the selected
 * draft orders are checked). Checks context.draftOrders (as DraftOrderSummary) against the record:
 *
 * - Metformin: eGFR < 30 contraindicated → critical, suggest removing the draft (FDA 2016 Drug
 *   Safety Communication; KDIGO 2022 1B "stop when < 30"). eGFR 30 to < 45: starting is not
 *   recommended (FDA) → warning with removal suggested; when already on metformin, reassess
 *   benefit/risk and keep the dose at most 1000 mg/day (KDIGO 2022 practice point) → warning, no
 *   automatic change. No recent eGFR → info with a creatinine order (FDA: obtain eGFR first).
 * - SGLT2 inhibitor started (none active) below its label's initiation eGFR (sglt2i-initiation.ts:
 *   dapagliflozin 25, empagliflozin 20, ...) or on dialysis → warning (continue below once started).
 * - NSAID with an anticoagulant (active or drafted) → critical; with CKD G3+ (eGFR < 60, coded
 *   stage >= 3, dialysis/transplant) → warning (KDIGO: avoid NSAIDs in CKD [MEM: cite the exact
 *   2024 practice point]). Suggest removing the draft.
 * - Anticoagulant drafted while an NSAID is active → warning.
 * - Apixaban for AF (US label §2.2): >= 2 of age >= 80, weight <= 60 kg, creatinine >= 1.5 mg/dL →
 *   2.5 mg twice daily: warning with an `update` of the draft; 2.5 mg drafted with < 2 criteria
 *   (all known) → info with an update to 5 mg (not pre-selected: other indications use 2.5 mg).
 */
import type { ActionDraft, CardDraft, DraftOrderSummary, ScoringInput } from '@prognos/contracts';
import type { CardBuildContext, CardBuildResult, ClinicalService } from '../clinical-service';
import { assessApixabanDose } from './apixaban-dose';
import { SOURCES, describeInputs, formatNumber, markdown, newCard, newSuggestion, section, type InputLine } from './card-kit';
import { DRUGS, LAB_TESTS, type DrugProduct } from './codes';
import { viewFeatureSet, type FeatureView } from './feature-view';
import { createServiceAction, dosageFor, medicationConcept } from './fhir-resources';
import { ACTIVE_MEDICATIONS, CONDITIONS, LOINC, PATIENT, observations } from './prefetch';
import { readRenalLabs, staleCreatinineLabel, type RenalLabs } from './renal';
import { sglt2iInitiationMinEgfr } from './sglt2i-initiation';
import { screenDraftOrders } from '../safety/draft-order-cards';
import { classesOfIngredient, readPatientSafety, strongDualInhibitor } from '../safety/patient-safety';

export const MEDICATION_SAFETY_ID = 'medication-safety';

export const METFORMIN_CONTRAINDICATED_EGFR = 30;
export const METFORMIN_REVIEW_EGFR = 45;
export const NSAID_CKD_EGFR = 60;
/**
 * KDIGO 2022 PP: at eGFR 30-44 halve the maximum dose. US label maxima: 2550 mg/day immediate
 * release, 2000 mg/day extended release.
 */
export function metforminHalfMaxMg(display: string | undefined): number {
  return display !== undefined && /extended release|\b(er|xr)\b/i.test(display) ? 1000 : 1275;
}

const SGLT2I = new Set(['dapagliflozin', 'empagliflozin', 'canagliflozin', 'ertugliflozin', 'sotagliflozin', 'bexagliflozin']);
const NSAIDS = new Set(['ibuprofen', 'naproxen', 'diclofenac', 'celecoxib', 'meloxicam', 'ketorolac', 'indomethacin', 'etodolac', 'nabumetone', 'piroxicam', 'ketoprofen', 'sulindac', 'flurbiprofen', 'oxaprozin', 'diflunisal']);
const DOACS = new Set(['apixaban', 'rivaroxaban', 'edoxaban', 'dabigatran']);

const has = (d: DraftOrderSummary, cls: string[], ingredients: Set<string> | string[]) =>
  d.classes.some((c) => cls.includes(c)) || d.ingredients.some((i) => (ingredients instanceof Set ? ingredients.has(i) : ingredients.includes(i)));

export const isMetformin = (d: DraftOrderSummary) => has(d, ['metformin'], ['metformin']);
export const isSglt2i = (d: DraftOrderSummary) => has(d, ['sglt2i'], SGLT2I);
export const isNsaid = (d: DraftOrderSummary) => has(d, ['nsaid'], NSAIDS);
export const isApixaban = (d: DraftOrderSummary) => d.ingredients.includes('apixaban');
export const isAnticoagulant = (d: DraftOrderSummary) => has(d, ['doac', 'vka', 'warfarin', 'anticoagulant'], [...DOACS, 'warfarin']);

function drugName(d: DraftOrderSummary): string {
  return d.display ?? (d.ingredients.length > 0 ? d.ingredients.join('/') : 'the drafted medication');
}

function deleteSuggestion(d: DraftOrderSummary, label: string, recommended: boolean) {
  const action: ActionDraft = { type: 'delete', description: `Remove the draft order for ${drugName(d)}`, draftOrderIndex: d.index };
  return newSuggestion({ label, isRecommended: recommended, actions: [action] });
}

function updateToProduct(d: DraftOrderSummary, drug: DrugProduct, label: string, recommended: boolean) {
  const action: ActionDraft = {
    type: 'update',
    description: `Change the draft order to ${drug.display}, ${drug.sig}`,
    draftOrderIndex: d.index,
    patch: { medicationCodeableConcept: medicationConcept(drug), dosageInstruction: dosageFor(drug) },
  };
  return newSuggestion({ label, isRecommended: recommended, actions: [action] });
}

interface SafetyState {
  ctx: FeatureView;
  traj: FeatureView;
  labs: RenalLabs;
  egfr?: number;
  renalLines: string[];
  /** An active or co-drafted strong dual CYP3A4 + P-gp inhibitor (apixaban label §2.5). */
  inhibitor?: string;
}

function renalInputs(ctx: FeatureView, traj: FeatureView, extra: InputLine[] = []): string[] {
  return describeInputs([
    { view: traj, name: 'egfr_last', label: 'eGFR', digits: 0 },
    { view: traj, name: 'creatinine_last_mg_dl', label: 'Serum creatinine', digits: 2 },
    ...extra,
  ]).used;
}

function metforminCard(d: DraftOrderSummary, s: SafetyState): CardDraft | undefined {
  const name = drugName(d);
  if (s.egfr === undefined) {
    return newCard({
      kind: 'medsafety.metformin-egfr-unknown',
      summary: `${name}: no eGFR in the record window; check kidney function before signing`,
      indicator: 'info',
      source: SOURCES.metforminFda2016,
      detail: markdown([
        'FDA (2016): obtain eGFR before starting metformin and at least yearly; metformin is contraindicated below eGFR 30 and starting it at 30-45 is not recommended.',
        section('Inputs', s.renalLines.length > 0 ? s.renalLines : ['- No recent eGFR or creatinine']),
      ]),
      suggestions: [newSuggestion({ label: 'Order serum creatinine (eGFR)', isRecommended: true, actions: [createServiceAction(LAB_TESTS.creatinine, 'eGFR before metformin', 'laboratory')] })],
    });
  }
  const egfr = s.egfr;
  if (egfr < METFORMIN_CONTRAINDICATED_EGFR) {
    return newCard({
      kind: 'medsafety.metformin-contraindicated',
      summary: `Metformin ordered with eGFR ${formatNumber(egfr, 1)} (< 30): contraindicated; remove the order`,
      indicator: 'critical',
      source: SOURCES.metforminFda2016,
      detail: markdown([
        'FDA (2016) labeling: metformin is contraindicated in patients with eGFR below 30 mL/min/1.73 m² (lactic acidosis risk). KDIGO 2022 Diabetes in CKD: stop metformin when eGFR falls below 30 (1B).',
        `Draft order: ${name}.`,
        section('Inputs used', s.renalLines),
      ]),
      suggestions: [deleteSuggestion(d, `Remove ${name} from the order`, true)],
    });
  }
  if (egfr < METFORMIN_REVIEW_EGFR) {
    const continuing = s.ctx.flag('on_metformin');
    const daily = d.doseMg !== undefined && d.frequencyPerDay !== undefined ? d.doseMg * d.frequencyPerDay : undefined;
    if (continuing) {
      return newCard({
        kind: 'medsafety.metformin-dose-review',
        summary: `Metformin at eGFR ${formatNumber(egfr, 1)} (30-45): reassess benefit/risk; halve the maximum dose${daily !== undefined ? ` (ordered ${formatNumber(daily, 0)} mg/day)` : ''}`,
        indicator: 'warning',
        source: SOURCES.kdigo2022Diabetes,
        detail: markdown([
          'FDA (2016): in patients already taking metformin whose eGFR falls to 30-45, assess the benefit and risk of continuing. KDIGO 2022 Diabetes in CKD (practice point): at eGFR 30-44, halve the maximum dose and monitor eGFR every 3-6 months (with the usual 2000-2550 mg/day maximum, about 1000 mg/day).',
          daily !== undefined && daily > metforminHalfMaxMg(d.display) ? `The draft order is ${formatNumber(daily, 0)} mg/day, more than half the labelled maximum (2550 mg/day for immediate release, 2000 mg/day extended release): reduce the dose.` : undefined,
          `Draft order: ${name}.`,
          section('Inputs used', s.renalLines),
        ]),
      });
    }
    return newCard({
      kind: 'medsafety.metformin-initiation',
      summary: `Starting metformin at eGFR ${formatNumber(egfr, 1)} (30-45) is not recommended (FDA)`,
      indicator: 'warning',
      source: SOURCES.metforminFda2016,
      detail: markdown([
        'FDA (2016) labeling: starting metformin in patients with eGFR between 30 and 45 mL/min/1.73 m² is not recommended. Consider an SGLT2 inhibitor (eGFR ≥ 20) or a GLP-1 receptor agonist (KDIGO 2022).',
        `Draft order: ${name}. No metformin is active in the record.`,
        section('Inputs used', s.renalLines),
      ]),
      suggestions: [deleteSuggestion(d, `Remove ${name} from the order`, true)],
    });
  }
  return undefined;
}

function sglt2iCard(d: DraftOrderSummary, s: SafetyState): CardDraft | undefined {
  if (!s.ctx.known('on_sglt2i') || s.ctx.flag('on_sglt2i')) return undefined; // continuation below the threshold is fine (KDIGO)
  const { min, agent } = sglt2iInitiationMinEgfr(d.ingredients);
  const dialysis = s.ctx.flag('dialysis_or_transplant') && (s.egfr === undefined || s.egfr < 15);
  if (!dialysis && (s.egfr === undefined || s.egfr >= min)) return undefined;
  const name = drugName(d);
  const label = agent ? `the ${agent} label` : 'KDIGO 2024';
  return newCard({
    kind: 'medsafety.sglt2i-low-egfr',
    summary: dialysis
      ? `SGLT2 inhibitor started on kidney replacement therapy: not recommended (KDIGO 2024)`
      : `${agent ?? 'SGLT2 inhibitor'} started at eGFR ${formatNumber(s.egfr!, 1)} (< ${min}): initiation not recommended (${agent ? 'label' : 'KDIGO 2024'})`,
    indicator: 'warning',
    source: SOURCES.kdigo2024,
    detail: markdown([
      `Initiation thresholds differ by agent (US labels): dapagliflozin from eGFR 25, empagliflozin from 20, canagliflozin and bexagliflozin from 30, ertugliflozin from 45; KDIGO 2024 sets the class threshold at 20 (Rec 3.7.1-3.7.3). Here ${label} gives ${min}. Once started, SGLT2 inhibitors may be continued below the threshold until dialysis or transplant.`,
      `Draft order: ${name}. No SGLT2 inhibitor is active in the record.`,
      section('Inputs used', s.renalLines),
    ]),
    suggestions: [deleteSuggestion(d, `Remove ${name} from the order`, true)],
  });
}

function nsaidCard(d: DraftOrderSummary, s: SafetyState): CardDraft | undefined {
  // NSAID + anticoagulant is a screening-stage interaction now (src/safety/interaction-rules.ts);
  // this card is the kidney part only.
  const stage = s.ctx.get('ckd_stage');
  const ckd3 = (s.egfr !== undefined && s.egfr < NSAID_CKD_EGFR) || (stage !== undefined && stage >= 3) || s.ctx.flag('dialysis_or_transplant');
  if (!ckd3) return undefined;
  const name = drugName(d);
  const why = s.egfr !== undefined && s.egfr < NSAID_CKD_EGFR ? `CKD with eGFR ${formatNumber(s.egfr, 1)}` : 'CKD stage 3 or worse';
  return newCard({
    kind: 'medsafety.nsaid-ckd',
    summary: `NSAID ordered with ${why}: risk of kidney injury; avoid`,
    indicator: 'warning',
    source: SOURCES.kdigo2012,
    detail: markdown([
      'KDIGO 2012 CKD guideline ch. 4.4 (medication management): avoid prolonged NSAID therapy when GFR is below 60 and NSAIDs altogether below 30 or with RAS inhibitors and diuretics (acute kidney injury, hyperkalaemia). The KDIGO 2024 guideline has no NSAID-specific practice point; its PP 4.1.1 and 4.1.3 (drug stewardship in CKD) apply. Prefer acetaminophen (paracetamol) for analgesia.',
      `Draft order: ${name}.`,
      section('Inputs used', renalInputs(s.ctx, s.traj, [{ view: s.ctx, name: 'ckd_stage', label: 'Coded CKD stage', digits: 1 }])),
    ]),
    suggestions: [deleteSuggestion(d, `Remove ${name} from the order`, true)],
  });
}

function apixabanCard(d: DraftOrderSummary, s: SafetyState, asOf: string): CardDraft | undefined {
  // The 2-of-3 dose-reduction rule is the label's AF dosing; other indications dose differently.
  if (!s.ctx.flag('atrial_fibrillation')) return undefined;
  const dose = assessApixabanDose({
    ageYears: s.ctx.get('age_years'), weightKg: s.ctx.get('weight_kg'),
    creatinineMgDl: s.labs.creatinine?.recent ? s.labs.creatinine.value : undefined,
    ...(s.inhibitor ? { strongDualInhibitor: s.inhibitor } : {}),
    creatinineUnknownAs: staleCreatinineLabel(s.traj, asOf),
  });
  const drafted = d.doseMg ?? d.strengthMg;
  const inputs = renalInputs(s.ctx, s.traj, [
    { view: s.ctx, name: 'age_years', label: 'Age', digits: 0 },
    { view: s.ctx, name: 'weight_kg', label: 'Body weight', digits: 1 },
  ]);
  const criteria = `Label criteria (US prescribing information §2.2): 2.5 mg twice daily with at least two of age ≥ 80 years, body weight ≤ 60 kg, serum creatinine ≥ 1.5 mg/dL. Met: ${dose.met.length > 0 ? dose.met.join('; ') : 'none'}.`;
  if (dose.reduce && drafted !== 2.5) {
    return newCard({
      kind: 'medsafety.apixaban-dose-reduce',
      summary: `Apixaban: ${dose.met.length} dose-reduction criteria met; use 2.5 mg twice daily${drafted !== undefined ? ` (ordered ${formatNumber(drafted, 1)} mg)` : ''}`,
      indicator: 'warning',
      source: SOURCES.apixabanLabel,
      detail: markdown([criteria, `Draft order: ${drugName(d)}.`, section('Inputs used', inputs)]),
      suggestions: [updateToProduct(d, DRUGS.apixaban2_5, 'Change to apixaban 2.5 mg twice daily', true)],
    });
  }
  if (!dose.reduce && !dose.undetermined && drafted === 2.5) {
    return newCard({
      kind: 'medsafety.apixaban-underdose',
      summary: `Apixaban 2.5 mg ordered for AF with ${dose.met.length} of 3 reduction criteria: label dose is 5 mg twice daily`,
      indicator: 'info',
      source: SOURCES.apixabanLabel,
      detail: markdown([
        criteria,
        'Off-label dose reduction in AF is associated with less protection against stroke. Keep 2.5 mg only for another indication (e.g. extended VTE prophylaxis) or a documented reason.',
        `Draft order: ${drugName(d)}.`,
        section('Inputs used', inputs),
      ]),
      suggestions: [updateToProduct(d, DRUGS.apixaban5, 'Change to apixaban 5 mg twice daily', false)],
    });
  }
  if (dose.undetermined) {
    return newCard({
      kind: 'medsafety.apixaban-dose-unverified',
      summary: `Apixaban dose not verifiable: ${dose.unknown.join(', ')} unknown`,
      indicator: 'info',
      source: SOURCES.apixabanLabel,
      detail: markdown([criteria, `Not known: ${dose.unknown.join(', ')}.`, `Draft order: ${drugName(d)}.`, section('Inputs used', inputs)]),
      ...(dose.creatinineUnknown
        ? { suggestions: [newSuggestion({ label: 'Order serum creatinine', actions: [createServiceAction(LAB_TESTS.creatinine, 'Apixaban dose check', 'laboratory')] })] }
        : {}),
    });
  }
  return undefined;
}

function buildCards(bctx: CardBuildContext): CardBuildResult {
  const { input, config } = bctx;
  const drafts = input.draftOrders ?? [];
  if (drafts.length === 0) return { cards: [] };
  const selected = input.selectedDraftOrderIndexes && input.selectedDraftOrderIndexes.length > 0
    ? drafts.filter((d) => input.selectedDraftOrderIndexes!.includes(d.index))
    : drafts;
  const ctx = viewFeatureSet(input, 'clinical-context');
  const traj = viewFeatureSet(input, 'egfr-trajectory');
  const labs = readRenalLabs(traj, config.LAB_MAX_AGE_DAYS);
  const s: SafetyState = { ctx, traj, labs, egfr: labs.egfr?.recent ? labs.egfr.value : undefined, renalLines: renalInputs(ctx, traj) };

  // The clinical safety screening stage (allergies, pregnancy, contraindications, potassium,
  // interactions incl. NSAID + anticoagulant) screens every drafted medication first; the kidney
  // and dose rules below add what is specific to this service.
  const patient = readPatientSafety(input, config.LAB_MAX_AGE_DAYS);
  const screened = screenDraftOrders(drafts, selected, patient);
  const drafted = drafts.flatMap((o) => o.ingredients.map((ingredient) => ({ ingredient, classes: classesOfIngredient(ingredient), evidence: { resourceType: 'MedicationRequest' } })));
  const inhibitor = strongDualInhibitor(patient, drafted);
  if (inhibitor) s.inhibitor = inhibitor;
  const cards: CardDraft[] = [...screened.cards];
  for (const d of selected) {
    if (d.resourceType !== 'MedicationRequest') continue;
    if (screened.blocked.has(d.index)) continue; // already answered with "do not sign"
    const candidates = [
      isMetformin(d) ? metforminCard(d, s) : undefined,
      isSglt2i(d) ? sglt2iCard(d, s) : undefined,
      isNsaid(d) ? nsaidCard(d, s) : undefined,
      isApixaban(d) ? apixabanCard(d, s, input.asOf) : undefined,
    ];
    for (const c of candidates) if (c) cards.push(c);
  }
  return { cards };
}

export const medicationSafetyService: ClinicalService = {
  descriptor: {
    id: MEDICATION_SAFETY_ID,
    hook: 'order-sign',
    title: 'Medication safety: contraindications, interactions, kidney function and DOAC dosing',
    description: 'Screens every drafted medication against allergies, pregnancy, contraindicating conditions, potassium and interactions (the clinical safety stage), and checks metformin by eGFR and dialysis (FDA, KDIGO 2022), SGLT2 inhibitor starts below each label\'s eGFR, NSAIDs with CKD G3+, and the apixaban dose by its label criteria (with an update of the draft order).',
    prefetch: {
      patient: PATIENT,
      renalLabs: observations([...LOINC.creatinine, ...LOINC.egfr], 100),
      vitals: observations(LOINC.body, 20),
      conditions: CONDITIONS,
      medications: ACTIVE_MEDICATIONS,
    },
    requiredPrefetch: ['patient', 'renalLabs', 'conditions', 'medications'],
    featureSets: ['clinical-context', 'egfr-trajectory'],
    usesDraftOrders: true,
    models: [],
    origin: 'bundled',
  },
  modelRuns: (_input: ScoringInput) => [],
  buildCards,
};
