/**
 * `ckd-progression` (patient-view): CKD-EPI 2021 eGFR and its slope, KFRE 2- and 5-year kidney
 * failure risk for CKD G3-G5, and KDIGO 2024 / KDIGO 2022 treatment logic.
 *
 * Rules (clinical-reference.md §2; issue 4):
 * - KFRE (Tangri 2011/2016) for eGFR < 60 with a recent urine ACR, not on dialysis / transplant
 *   (KDIGO 2024 Rec 2.2.1: externally validated risk equation in CKD G3-G5). The 8-variable model
 *   is run as well when its four extra labs are present and is preferred for the card.
 * - Nephrology referral when 5-year risk >= KFRE_REFERRAL_THRESHOLD (KDIGO 2024 PP 2.2.1: 3-5%).
 * - KRT preparation when 2-year risk > 40% (KDIGO 2024 PP 2.2.3: "A 2-year kidney failure risk
 *   threshold of >40% can be used to determine the modality education, timing of preparation for
 *   KRT including vascular access planning or referral for transplantation"). PP 2.2.2 (2-year risk
 *   > 10%: timing of multidisciplinary care) is stated in the KFRE card. Wording as quoted in several
 *   public KDIGO 2024 extracts (find_string "Practice Point 2.2.3").
 * - SGLT2 inhibitor: CKD, eGFR >= 20 and (ACR >= 200 mg/g or heart failure) (KDIGO 2024, 1A) or
 *   type 2 diabetes (KDIGO 2022, 1A), none active. The agent follows the US labels and trials:
 *   dapagliflozin from eGFR 25 (DAPA-CKD enrolled eGFR 25-75; label: initiation not recommended
 *   below 25), empagliflozin from eGFR 20 (EMPA-KIDNEY enrolled eGFR >= 20; label 10 mg from 20).
 * - ACE inhibitor or ARB for albuminuria, G1-G4 (KDIGO; PMC9970101 table T3): diabetes with A2-A3
 *   (1B), no diabetes with A3 (1B) or A2 (2C); none of ACEi / ARB / ARNI active.
 * - An order for the missing test (creatinine 2160-0, urine ACR 9318-7) when KFRE cannot be
 *   computed for lack of a result within LAB_MAX_AGE_DAYS, in patients with evident CKD or type 2
 *   diabetes (KDIGO 2022: yearly eGFR and ACR in diabetes).
 */
import type { ActionDraft, CardDraft, ScoringInput, SuggestionDraft } from '@prognos/contracts';
import type { CardBuildContext, CardBuildResult, ClinicalService, ModelRun } from '../clinical-service';
import type { ScorerConfig } from '../config';
import {
  SOURCES, describeInputs, formatDaysAgo, formatNumber, formatPercent, markdown, newCard, newSuggestion, section, unitLabel, type InputLine,
} from './card-kit';
import { DRUGS, LAB_TESTS, OUTCOMES, PROCEDURES } from './codes';
import { viewFeatureSet, type FeatureView } from './feature-view';
import { unknownMedicationCard } from './medication-unknown';
import { createMedicationAction, createRiskAssessmentAction, createServiceAction, horizonOf } from './fhir-resources';
import { ACTIVE_MEDICATIONS, CONDITIONS, LOINC, PATIENT, observations } from './prefetch';
import { computedOutput, modelTitle, notComputedReasons, ranModel, type ComputedPrediction } from './predictions';
import { SGLT2I_LABEL_MIN_EGFR } from './sglt2i-initiation';
import { RAPID_DECLINE_PER_YEAR, SUSTAINED_FALL_REFERRAL_PCT, albuminuriaCategory, gfrCategory, readRenalLabs, staleLab, type RenalLabs, type StaleLab } from './renal';
import { LEARNED_SEQUENCE_SET, learnedProgressionCard, learnedProgressionRuns } from './ckd-learned-progression';

export const CKD_PROGRESSION_ID = 'ckd-progression';

/** KDIGO 2024 PP 2.2.3: 2-year risk above this → KRT preparation (modality education, access, transplant referral). */
export const KRT_PREPARATION_2Y_RISK = 0.4;
/** KDIGO 2024 PP 2.2.2: 2-year risk above this → timing of multidisciplinary care. */
export const MULTIDISCIPLINARY_CARE_2Y_RISK = 0.1;
/** Dapagliflozin US label: initiation not recommended below this eGFR (DAPA-CKD enrolled eGFR >= 25). */
export const DAPAGLIFLOZIN_MIN_EGFR = SGLT2I_LABEL_MIN_EGFR.dapagliflozin!;
/** KDIGO 2024 3.7 / KDIGO 2022: SGLT2i initiation threshold, mL/min/1.73 m². */
export const SGLT2I_MIN_EGFR = 20;
/** KDIGO 2024 3.7.1: ACR at or above this (mg/g) is an SGLT2i indication on its own. */
export const SGLT2I_ACR_MG_G = 200;
/** KDIGO 2024 Rec 3.7.3 (2B): eGFR 20 to 45 with urine ACR < 200 mg/g. */
export const SGLT2I_REC_373_MAX_EGFR = 45;
/** KFRE population: CKD G3-G5 (eGFR < 60). */
export const KFRE_MAX_EGFR = 60;

const KFRE8_EXTRA = ['albumin_g_dl', 'phosphate_mg_dl', 'bicarbonate_mmol_l', 'calcium_mg_dl'] as const;

function kfreIds(config: ScorerConfig): { four: string; eight: string; regionLabel: string } {
  const r = config.KFRE_REGION === 'other' ? 'other' : 'na';
  return { four: `kfre-4var-${r}`, eight: `kfre-8var-${r}`, regionLabel: r === 'na' ? 'North American' : 'non-North American' };
}

interface CkdState {
  ctx: FeatureView;
  /** cha2ds2-vasc set: its `diabetes` flag covers diabetes of any type. */
  cha: FeatureView;
  /** Any diabetes (type 1, type 2 or unspecified): KDIGO's RAS inhibitor table is by "diabetes", not type. */
  anyDiabetes: boolean;
  k4: FeatureView;
  k8: FeatureView;
  traj: FeatureView;
  labs: RenalLabs;
  onKrt: boolean;
  /** eGFR recent and < 60 and urine ACR recent, not on KRT. */
  kfreEligible: boolean;
  /** CKD evident: coded CKD, latest eGFR < 60 or latest ACR >= 30 (any age of result). */
  ckdEvident: boolean;
}

function assess(input: ScoringInput, config: ScorerConfig): CkdState {
  const ctx = viewFeatureSet(input, 'clinical-context');
  const traj = viewFeatureSet(input, 'egfr-trajectory');
  const labs = readRenalLabs(traj, config.LAB_MAX_AGE_DAYS);
  const onKrt = ctx.flag('dialysis_or_transplant');
  // Any age of result: an eGFR or ACR older than LAB_MAX_AGE_DAYS is still evidence of CKD (its
  // value comes from provenance, where the extractor keeps it).
  const anyEgfr = labs.egfr?.value ?? staleLab(traj, 'egfr_last', input.asOf)?.value;
  const anyUacr = labs.uacr?.value ?? staleLab(traj, 'uacr_last', input.asOf)?.value;
  const ckdEvident = ctx.flag('ckd') || (anyEgfr !== undefined && anyEgfr < KFRE_MAX_EGFR)
    || (anyUacr !== undefined && anyUacr >= 30);
  const kfreEligible = !onKrt && labs.egfr?.recent === true && labs.egfr.value < KFRE_MAX_EGFR && labs.uacr?.recent === true;
  // clinical-context only carries type 2 diabetes; the cha2ds2-vasc set carries diabetes of any type.
  const cha = viewFeatureSet(input, 'cha2ds2-vasc');
  const anyDiabetes = ctx.flag('type2_diabetes') || cha.flag('diabetes');
  return {
    ctx, cha, traj, labs, onKrt, ckdEvident, kfreEligible, anyDiabetes,
    k4: viewFeatureSet(input, 'kfre-4var'),
    k8: viewFeatureSet(input, 'kfre-8var'),
  };
}

function modelRuns(input: ScoringInput, config: ScorerConfig): ModelRun[] {
  const s = assess(input, config);
  if (!s.kfreEligible) return [];
  const ids = kfreIds(config);
  const runs: ModelRun[] = [{ modelId: ids.four, featureSet: 'kfre-4var' }];
  if (s.k8.available && ['age_years', 'sex_male', 'egfr', 'uacr_mg_g', ...KFRE8_EXTRA].every((n) => s.k8.known(n))) {
    runs.push({ modelId: ids.eight, featureSet: 'kfre-8var' });
  }
  return [...runs, ...learnedProgressionRuns(input, config, s.kfreEligible)];
}

interface KfreResult {
  modelId: string;
  modelVersion: string;
  risk2: ComputedPrediction;
  risk5: ComputedPrediction;
  inputs: FeatureView;
  eightVariable: boolean;
}

function kfreResult(ctx: CardBuildContext, modelId: string, inputs: FeatureView, eightVariable: boolean): KfreResult | undefined {
  const risk2 = computedOutput(ctx.predictions, modelId, 'risk_2y');
  const risk5 = computedOutput(ctx.predictions, modelId, 'risk_5y');
  if (!risk2 || !risk5) return undefined;
  return { modelId, modelVersion: risk5.modelVersion, risk2, risk5, inputs, eightVariable };
}

function riskAssessmentSuggestion(k: KfreResult, asOf: string, recommended: boolean): SuggestionDraft {
  const title = modelTitle(k.modelId);
  return newSuggestion({
    label: `File ${k.eightVariable ? '8' : '4'}-variable KFRE risk assessment in the record`,
    isRecommended: recommended,
    actions: [createRiskAssessmentAction({
      modelId: k.modelId, modelVersion: k.modelVersion, modelTitle: title, asOf,
      predictions: [k.risk2, k.risk5].map((record) => ({ record, outcome: OUTCOMES.kidneyFailure, horizonYears: horizonOf(record) ?? (record.output === 'risk_2y' ? 2 : 5) })),
    })],
  });
}

function kfreInputLines(k: KfreResult): InputLine[] {
  const v = k.inputs;
  const lines: InputLine[] = [
    { view: v, name: 'age_years', label: 'Age', digits: 0 },
    { view: v, name: 'sex_male', label: 'Male sex', flag: true },
    { view: v, name: 'egfr', label: 'eGFR (CKD-EPI 2021)', digits: 0 },
    { view: v, name: 'uacr_mg_g', label: 'Urine albumin/creatinine ratio', digits: 0 },
  ];
  if (k.eightVariable) {
    lines.push(
      { view: v, name: 'albumin_g_dl', label: 'Serum albumin', digits: 1 },
      { view: v, name: 'phosphate_mg_dl', label: 'Serum phosphate', digits: 1 },
      { view: v, name: 'bicarbonate_mmol_l', label: 'Serum bicarbonate', digits: 0 },
      { view: v, name: 'calcium_mg_dl', label: 'Serum calcium', digits: 1 },
    );
  }
  return lines;
}

function trajectoryLines(labs: RenalLabs): string[] {
  const lines: string[] = [];
  if (labs.egfr) {
    lines.push(`- Latest eGFR ${formatNumber(labs.egfr.value, 1)} mL/min/1.73 m² (${gfrCategory(labs.egfr.value)}${labs.egfr.ageDays !== undefined ? `, ${formatDaysAgo(labs.egfr.ageDays)}` : ''})`);
  }
  if (labs.slopePerYear !== undefined) {
    const rapid = labs.slopePerYear < RAPID_DECLINE_PER_YEAR ? ': rapid decline (KDIGO 2012: more than 5 mL/min/1.73 m² per year)' : '';
    lines.push(`- Slope ${formatNumber(labs.slopePerYear, 1)} mL/min/1.73 m² per year over ${labs.egfrCount !== undefined ? `${formatNumber(labs.egfrCount, 0)} values` : 'the window'}${rapid}`);
  } else {
    lines.push('- Slope not computed (needs at least 3 eGFR values over at least 90 days)');
  }
  if (labs.changeFromBaselinePct !== undefined) {
    const fall = labs.changeFromBaselinePct < -SUSTAINED_FALL_REFERRAL_PCT
      ? ` (a fall of more than ${SUSTAINED_FALL_REFERRAL_PCT}%: KDIGO 2024 refers a sustained decline of > 20%, or > 30% after starting haemodynamically active drugs; confirm it is sustained)`
      : '';
    lines.push(`- Change from the earliest value in the window: ${formatNumber(labs.changeFromBaselinePct, 0)}%${fall}`);
  }
  if (labs.uacr) {
    lines.push(`- Latest urine ACR ${formatNumber(labs.uacr.value, 0)} mg/g (${albuminuriaCategory(labs.uacr.value)}${labs.uacr.ageDays !== undefined ? `, ${formatDaysAgo(labs.uacr.ageDays)}` : ''})`);
  }
  return lines;
}

function slopeText(labs: RenalLabs): string {
  return labs.slopePerYear !== undefined ? `, slope ${formatNumber(labs.slopePerYear, 1)}/yr` : '';
}

function buildCards(bctx: CardBuildContext): CardBuildResult {
  const { input, config, predictions } = bctx;
  const s = assess(input, config);
  if (s.onKrt) return { cards: [] }; // KFRE and these initiation rules do not apply on dialysis or after transplant.
  const ids = kfreIds(config);
  const cards: CardDraft[] = [];
  const labs = s.labs;

  const k8 = kfreResult(bctx, ids.eight, s.k8, true);
  const k4 = kfreResult(bctx, ids.four, s.k4, false);
  const chosen = k8 ?? k4;
  const excluded: string[] = [];
  for (const id of [ids.eight, ids.four]) {
    for (const r of notComputedReasons(predictions, id)) excluded.push(`- ${modelTitle(id)} not computed: ${r}`);
  }
  if (s.kfreEligible && !ranModel(predictions, ids.eight)) {
    excluded.push('- 8-variable KFRE not run: albumin, phosphate, bicarbonate or calcium missing');
  }

  if (chosen) {
    const r5 = chosen.risk5.value;
    const r2 = chosen.risk2.value;
    const egfr = labs.egfr?.value ?? chosen.inputs.get('egfr');
    const refer = r5 >= config.KFRE_REFERRAL_THRESHOLD;
    const { used, missing } = describeInputs(kfreInputLines(chosen));
    const suggestions = [riskAssessmentSuggestion(chosen, input.asOf, true)];
    if (k8 && k4) suggestions.push(riskAssessmentSuggestion(k4, input.asOf, false));
    cards.push(newCard({
      kind: 'ckd.kfre-risk',
      summary: `5-year kidney failure risk ${formatPercent(r5)} (KFRE), 2-year ${formatPercent(r2)}; eGFR ${egfr !== undefined ? formatNumber(egfr, 1) : 'n/a'}${slopeText(labs)}`,
      indicator: refer ? 'warning' : 'info',
      source: SOURCES.kfre,
      detail: markdown([
        `**${modelTitle(chosen.modelId)}** v${chosen.modelVersion}: 2-year risk ${formatPercent(r2)}, 5-year risk ${formatPercent(r5)} of kidney failure (dialysis or transplant).`,
        egfr !== undefined && labs.uacr ? `CKD ${gfrCategory(egfr)} ${albuminuriaCategory(labs.uacr.value)} (KDIGO).` : undefined,
        section('eGFR trajectory', trajectoryLines(labs)),
        section('Inputs used', used),
        section('Missing or excluded', [...missing.map((m) => `${m} (not available)`), ...excluded]),
        r2 > MULTIDISCIPLINARY_CARE_2Y_RISK
          ? `KDIGO 2024 PP 2.2.2: a 2-year kidney failure risk above 10% (here ${formatPercent(r2)}) can be used to time multidisciplinary CKD care.`
          : undefined,
        `Risk equation: Tangri 2011 (doi:10.1001/jama.2011.451), multinational recalibration Tangri 2016, ${ids.regionLabel} baseline (KFRE_REGION). KDIGO 2024 Rec 2.2.1: use an externally validated risk equation in CKD G3-G5; PP 2.2.1: 5-year risk of 3-5% can guide nephrology referral (threshold here ${formatPercent(config.KFRE_REFERRAL_THRESHOLD)}). A risk estimate is not a diagnosis; interpret it with the clinical picture.`,
      ]),
      suggestions,
      selectionBehavior: 'any',
      overrideReasons: false,
    }));

    if (refer) {
      cards.push(newCard({
        kind: 'ckd.nephrology-referral',
        summary: `Refer to nephrology: 5-year kidney failure risk ${formatPercent(r5)} ≥ ${formatPercent(config.KFRE_REFERRAL_THRESHOLD)} (KFRE, KDIGO 2024)`,
        indicator: 'warning',
        source: SOURCES.kdigo2024,
        detail: markdown([
          `KDIGO 2024 PP 2.2.1: a 5-year kidney failure risk of 3-5% can be used to determine the need for nephrology referral, in addition to criteria based on eGFR or urine ACR. This patient's ${chosen.eightVariable ? '8' : '4'}-variable KFRE 5-year risk is ${formatPercent(r5)} (threshold ${formatPercent(config.KFRE_REFERRAL_THRESHOLD)}).`,
          section('Inputs used', used),
        ]),
        suggestions: [newSuggestion({
          label: 'Refer to nephrology',
          isRecommended: true,
          actions: [createServiceAction(PROCEDURES.nephrologyReferral, `5-year kidney failure risk ${formatPercent(r5)} (KFRE)`, 'referral')],
        })],
      }));
    }

    if (r2 > KRT_PREPARATION_2Y_RISK) {
      cards.push(newCard({
        kind: 'ckd.krt-preparation',
        summary: `2-year kidney failure risk ${formatPercent(r2)} > 40%: prepare for kidney replacement therapy (KDIGO 2024)`,
        indicator: 'warning',
        source: SOURCES.kdigo2024,
        detail: markdown([
          `KDIGO 2024 PP 2.2.3: a 2-year kidney failure risk above 40% can be used to determine modality education and the timing of preparation for kidney replacement therapy, including vascular access planning or referral for transplantation, in addition to eGFR-based criteria. KFRE 2-year risk: ${formatPercent(r2)}.`,
          'Consider: shared decision-making on dialysis modality, pre-emptive transplant evaluation, vascular access planning, and conservative kidney management where appropriate.',
          section('Inputs used', used),
        ]),
        suggestions: [newSuggestion({
          label: 'Refer for kidney transplant evaluation',
          actions: [createServiceAction(PROCEDURES.transplantReferral, `2-year kidney failure risk ${formatPercent(r2)} (KFRE)`, 'referral')],
        })],
      }));
    }
  }

  const learned = learnedProgressionCard(bctx, chosen ? { r2: chosen.risk2.value, r5: chosen.risk5.value, title: modelTitle(chosen.modelId) } : undefined, trajectoryLines(labs));
  if (learned) cards.push(learned);

  const sglt2 = sglt2iCard(s);
  if (sglt2) cards.push(sglt2);
  const ras = rasCard(s);
  if (ras) cards.push(ras);

  const missingTest = missingTestCard(s, config, input.asOf);
  if (missingTest) cards.push(missingTest);

  if (!chosen && !missingTest && labs.egfr?.recent && s.ckdEvident) {
    cards.push(newCard({
      kind: 'ckd.egfr-trajectory',
      summary: `eGFR ${formatNumber(labs.egfr.value, 1)} mL/min/1.73 m² (${gfrCategory(labs.egfr.value)})${slopeText(labs)}`,
      indicator: labs.slopePerYear !== undefined && labs.slopePerYear < RAPID_DECLINE_PER_YEAR ? 'warning' : 'info',
      source: SOURCES.kdigo2024,
      detail: markdown([
        section('eGFR trajectory', trajectoryLines(labs)),
        labs.egfr.value >= KFRE_MAX_EGFR ? 'KFRE not computed: it is validated for CKD G3-G5 (eGFR below 60).' : undefined,
        section('Missing or excluded', excluded),
      ]),
      overrideReasons: false,
    }));
  }
  return { cards };
}

function medsKnown(ctx: FeatureView, names: string[]): boolean {
  return names.every((n) => ctx.known(n));
}

function sglt2iCard(s: CkdState): CardDraft | undefined {
  const { ctx, labs } = s;
  if (ctx.flag('on_sglt2i')) return undefined;
  if (!labs.egfr?.recent || labs.egfr.value < SGLT2I_MIN_EGFR || !s.ckdEvident) return undefined;
  const age = ctx.get('age_years');
  if (age !== undefined && age < 18) return undefined;
  const reasons: string[] = [];
  if (labs.uacr?.recent && labs.uacr.value >= SGLT2I_ACR_MG_G) reasons.push(`urine ACR ${formatNumber(labs.uacr.value, 0)} mg/g ≥ 200`);
  if (ctx.flag('heart_failure')) reasons.push('heart failure');
  if (ctx.flag('type2_diabetes')) reasons.push('type 2 diabetes');
  const egfr = labs.egfr.value;
  // KDIGO 2024 Rec 3.7.3 (2B): eGFR 20-45 with urine ACR < 200 mg/g, no other indication needed.
  const rec373 = reasons.length === 0 && egfr <= SGLT2I_REC_373_MAX_EGFR;
  if (reasons.length === 0 && !rec373) return undefined;
  if (rec373) reasons.push(`eGFR 20-45${labs.uacr?.recent ? ` and urine ACR ${formatNumber(labs.uacr.value, 0)} mg/g < 200` : ''}`);
  // Some active medicines are unidentified: an SGLT2 inhibitor may already be taken (issue 11).
  if (!medsKnown(ctx, ['on_sglt2i'])) {
    return unknownMedicationCard({ kind: 'ckd.sglt2i-medication-unknown', therapy: 'an SGLT2 inhibitor', indication: `CKD with ${reasons.join(', ')}`, view: ctx, flags: ['on_sglt2i'], source: SOURCES.kdigo2024 });
  }
  const { used } = describeInputs([
    { view: s.traj, name: 'egfr_last', label: 'eGFR', digits: 0 },
    { view: s.traj, name: 'uacr_last', label: 'Urine ACR', digits: 0 },
    { view: ctx, name: 'type2_diabetes', label: 'Type 2 diabetes', flag: true },
    { view: ctx, name: 'heart_failure', label: 'Heart failure', flag: true },
    { view: ctx, name: 'on_sglt2i', label: 'SGLT2 inhibitor active', flag: true },
  ]);
  return newCard({
    kind: 'ckd.sglt2i',
    summary: rec373
      ? `Consider an SGLT2 inhibitor: CKD with eGFR ${formatNumber(egfr, 1)} (20-45) (KDIGO 2024 Rec 3.7.3, 2B)`
      : `Start an SGLT2 inhibitor: CKD, eGFR ${formatNumber(egfr, 1)} ≥ 20 with ${reasons.join(', ')} (KDIGO 1A)`,
    indicator: rec373 ? 'info' : 'warning',
    source: SOURCES.kdigo2024,
    detail: markdown([
      rec373
        ? 'KDIGO 2024 Rec 3.7.3: we suggest treating adults with eGFR 20 to 45 mL/min/1.73 m² and urine ACR < 200 mg/g with an SGLT2 inhibitor (2B). With type 2 diabetes, urine ACR ≥ 200 mg/g or heart failure the recommendation is 1A (Rec 3.7.1-3.7.2).'
        : 'KDIGO 2024 (Rec 3.7.1-3.7.2) and KDIGO 2022 Diabetes in CKD: treat adults with CKD and eGFR ≥ 20 mL/min/1.73 m² with an SGLT2 inhibitor when they have type 2 diabetes, urine ACR ≥ 200 mg/g, or heart failure (1A). Once started, continue below eGFR 20 until dialysis or transplant.',
      'Initiation thresholds differ by agent (US labels): dapagliflozin from eGFR 25, empagliflozin from 20; glycaemic-only agents start higher (canagliflozin 30, ertugliflozin 45) and are not offered here.',
      'No SGLT2 inhibitor is active in the record. An initial eGFR dip is expected; give sick-day guidance (pause during acute illness or fasting).',
      egfr < DAPAGLIFLOZIN_MIN_EGFR
        ? `At eGFR ${formatNumber(egfr, 1)} only empagliflozin is offered: the dapagliflozin label does not recommend starting it below eGFR 25 (DAPA-CKD enrolled eGFR ≥ 25), while empagliflozin 10 mg is labelled from eGFR 20 (EMPA-KIDNEY).`
        : undefined,
      section('Inputs used', used),
    ]),
    suggestions: sglt2iSuggestions(egfr, `CKD with ${reasons.join(', ')} (KDIGO SGLT2i recommendation)`, !rec373),
  });
}

/** The SGLT2 inhibitor products a clinician may order at this eGFR (US labels), first one recommended. */
function sglt2iSuggestions(egfr: number, reason: string, recommendFirst = true): SuggestionDraft[] {
  // Each agent from its own label's initiation eGFR (sglt2i-initiation.ts).
  const agents = [{ drug: DRUGS.dapagliflozin10, agent: 'dapagliflozin' }, { drug: DRUGS.empagliflozin10, agent: 'empagliflozin' }];
  const drugs = agents.filter((a) => egfr >= (SGLT2I_LABEL_MIN_EGFR[a.agent] ?? SGLT2I_MIN_EGFR)).map((a) => a.drug);
  return drugs.map((drug, i) => newSuggestion({
    label: `Order ${drug.display}, ${drug.sig}`,
    isRecommended: recommendFirst && i === 0,
    actions: [createMedicationAction(drug, reason)],
  }));
}

function rasCard(s: CkdState): CardDraft | undefined {
  const { ctx, labs } = s;
  if (ctx.flag('on_acei') || ctx.flag('on_arb') || ctx.flag('on_arni')) return undefined;
  if (!labs.uacr?.recent || labs.uacr.value < 30) return undefined;
  if (!labs.egfr?.recent || labs.egfr.value < 15) return undefined; // KDIGO table covers G1-G4.
  if (!medsKnown(ctx, ['on_acei', 'on_arb', 'on_arni'])) {
    return unknownMedicationCard({ kind: 'ckd.ras-inhibitor-medication-unknown', therapy: 'an ACE inhibitor or ARB', indication: `Albuminuria ${albuminuriaCategory(labs.uacr.value)} in CKD`, view: ctx, flags: ['on_acei', 'on_arb', 'on_arni'], source: SOURCES.kdigo2024 });
  }
  const diabetes = s.anyDiabetes;
  const a = albuminuriaCategory(labs.uacr.value);
  // PMC9970101 T3: diabetes A2-A3 strong (1B); no diabetes A3 strong (1B), A2 weak (2C).
  const strong = diabetes || a === 'A3';
  const grade = strong ? '1B' : '2C';
  const potassium = ctx.get('potassium_mmol_l');
  const highK = potassium !== undefined && potassium >= 5.5;
  const { used } = describeInputs([
    { view: s.traj, name: 'uacr_last', label: 'Urine ACR', digits: 0 },
    { view: s.traj, name: 'egfr_last', label: 'eGFR', digits: 0 },
    { view: ctx, name: 'type2_diabetes', label: 'Type 2 diabetes', flag: true },
    { view: s.cha, name: 'diabetes', label: 'Diabetes (any type)', flag: true },
    { view: ctx, name: 'potassium_mmol_l', label: 'Potassium', digits: 1 },
  ]);
  const suggestions: SuggestionDraft[] = [];
  const reason = `Albuminuria ${a} (urine ACR ${formatNumber(labs.uacr.value, 0)} mg/g) in CKD`;
  // Lisinopril label: initial 5 mg when CrCl 10-30 mL/min; offer the 10 mg product only from eGFR 30.
  if (labs.egfr.value >= 30) {
    suggestions.push(newSuggestion({ label: `Order ${DRUGS.lisinopril10.display}, ${DRUGS.lisinopril10.sig}`, actions: [createMedicationAction(DRUGS.lisinopril10, reason)] }));
  }
  suggestions.push(newSuggestion({ label: `Order ${DRUGS.losartan50.display}, ${DRUGS.losartan50.sig}`, actions: [createMedicationAction(DRUGS.losartan50, reason)] }));
  return newCard({
    kind: 'ckd.ras-inhibitor',
    summary: `Albuminuria ${a} (ACR ${formatNumber(labs.uacr.value, 0)} mg/g) without ACEi/ARB: start one (KDIGO ${grade})`,
    indicator: strong && !highK ? 'warning' : 'info',
    source: diabetes ? SOURCES.kdigo2022Diabetes : SOURCES.kdigo2024,
    detail: markdown([
      `KDIGO: start an ACE inhibitor or ARB in CKD G1-G4 with ${diabetes ? 'diabetes and albuminuria A2-A3 (1B)' : a === 'A3' ? 'albuminuria A3 without diabetes (1B)' : 'albuminuria A2 without diabetes (2C)'}, titrated to the maximum tolerated dose. Never combine ACEi, ARB and direct renin inhibitor.`,
      'No ACE inhibitor, ARB or ARNI is active in the record. Check potassium and creatinine 2-4 weeks after starting; continue unless creatinine rises by more than 30%.',
      highK ? `Potassium ${formatNumber(potassium!, 1)} mmol/L: correct hyperkalaemia before starting.` : undefined,
      section('Inputs used', used),
    ]),
    suggestions,
  });
}

function missingTestCard(s: CkdState, config: ScorerConfig, asOf: string): CardDraft | undefined {
  const { ctx, labs } = s;
  if (!(s.ckdEvident || ctx.flag('type2_diabetes'))) return undefined;
  const needCreatinine = !labs.egfr?.recent;
  // Urine ACR enables KFRE only in G3-G5; when eGFR is unknown it is ordered alongside creatinine.
  const needUacr = !labs.uacr?.recent && (needCreatinine || labs.egfr!.value < KFRE_MAX_EGFR);
  if (!needCreatinine && !needUacr) return undefined;
  const days = config.LAB_MAX_AGE_DAYS;
  const actions: ActionDraft[] = [];
  const missing: string[] = [];
  // Say what is there and why it was not used (issue 11), never "no result" when an old one exists.
  const stale = (l: { value: number; ageDays?: number } | undefined, old: StaleLab | undefined, what: string, unit: string) =>
    l ? `- ${what}: last ${formatNumber(l.value, 0)} ${unit}${l.ageDays !== undefined ? ` ${formatDaysAgo(l.ageDays)}` : ' (date unknown)'}, older than the ${days}-day window; order a new test`
      : old ? `- ${what}: last ${formatNumber(old.value, 0)} ${unit} on ${old.date} (${formatDaysAgo(old.ageDays)}), older than the ${days}-day window (LAB_MAX_AGE_DAYS); order a new test`
        : `- ${what}: no result in the record`;
  if (needCreatinine) {
    actions.push(createServiceAction(LAB_TESTS.creatinine, 'eGFR (CKD-EPI 2021) for kidney failure risk', 'laboratory'));
    missing.push(stale(labs.egfr, staleLab(s.traj, 'egfr_last', asOf), 'eGFR', unitLabel('mL/min/{1.73_m2}')));
  }
  if (needUacr) {
    actions.push(createServiceAction(LAB_TESTS.uacr, 'Urine albumin/creatinine ratio for kidney failure risk', 'laboratory'));
    missing.push(stale(labs.uacr, staleLab(s.traj, 'uacr_last', asOf), 'Urine albumin/creatinine ratio', 'mg/g'));
  }
  const tests = [needCreatinine ? 'creatinine' : undefined, needUacr ? 'urine ACR' : undefined].filter(Boolean).join(' and ');
  const oldEgfr = needCreatinine ? staleLab(s.traj, 'egfr_last', asOf) : undefined;
  const oldUacr = needUacr ? staleLab(s.traj, 'uacr_last', asOf) : undefined;
  const staleSummary = oldEgfr
    ? `Kidney failure risk not computable: last eGFR ${formatNumber(oldEgfr.value, 0)} on ${oldEgfr.date}, older than the ${days}-day window; order ${tests}`
    : oldUacr && !needCreatinine
      ? `Kidney failure risk not computable: last urine ACR ${formatNumber(oldUacr.value, 0)} mg/g on ${oldUacr.date}, older than the ${days}-day window; order a new test`
      : undefined;
  return newCard({
    kind: 'ckd.missing-test',
    summary: staleSummary ?? `Kidney failure risk not computable: no ${tests} in the last ${days} days; order ${needCreatinine && needUacr ? 'them' : 'it'}`,
    indicator: 'info',
    source: SOURCES.kdigo2024,
    detail: markdown([
      'KFRE needs a recent eGFR (from serum creatinine) and urine albumin/creatinine ratio. KDIGO 2024 recommends using a validated risk equation in CKD G3-G5 and monitoring eGFR and ACR at least yearly in CKD and in diabetes.',
      section('Missing', missing),
    ]),
    suggestions: [newSuggestion({ label: `Order ${tests}`, isRecommended: true, actions })],
  });
}

export const ckdProgressionService: ClinicalService = {
  descriptor: {
    id: CKD_PROGRESSION_ID,
    hook: 'patient-view',
    title: 'CKD progression: kidney failure risk (KFRE) and KDIGO 2024 therapy',
    description: 'CKD-EPI 2021 eGFR and slope, KFRE 2- and 5-year kidney failure risk for CKD G3-G5, nephrology referral and KRT preparation by KDIGO 2024 thresholds, SGLT2 inhibitor and ACE inhibitor/ARB when indicated and not active, and an order for a missing creatinine or urine ACR. Beside KFRE, a learned model that reads the eGFR and ACR history gives its own 2- and 5-year risks (trained on synthetic data, not validated for clinical use).',
    prefetch: {
      patient: PATIENT,
      renalLabs: observations([...LOINC.creatinine, ...LOINC.egfr, ...LOINC.uacr]),
      // Also blood pressure and HbA1c history for the learned model's sequence (one query, not a new key:
      // every key is one more FHIR query on the fallback path).
      kfreLabs: observations([...LOINC.kfre8, ...LOINC.potassium, ...LOINC.bloodPressure, ...LOINC.hba1c], 200),
      conditions: CONDITIONS,
      medications: ACTIVE_MEDICATIONS,
    },
    // Without the medication list a therapy card could repeat an active drug: required, like labs.
    requiredPrefetch: ['patient', 'renalLabs', 'conditions', 'medications'],
    featureSets: ['kfre-4var', 'kfre-8var', 'egfr-trajectory', 'clinical-context', 'cha2ds2-vasc'],
    sequences: [LEARNED_SEQUENCE_SET],
    usesDraftOrders: false,
    models: ['kfre-4var-na', 'kfre-4var-other', 'kfre-8var-na', 'kfre-8var-other', 'ckd-progression-gru'],
    origin: 'bundled',
  },
  modelRuns,
  buildCards,
};
