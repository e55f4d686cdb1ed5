/**
 * The learned progression model inside `ckd-progression`: which run to ask for, and the card that
 * shows its 2- and 5-year kidney failure risks beside KFRE's, with a RiskAssessment whose `method`
 * names the model id and version. Shown only for the KFRE population (the model's intended use),
 * never instead of KFRE: KFRE stays the validated equation the KDIGO thresholds are applied to.
 * A model trained on synthetic data says so on the card.
 */
import type { CardDraft, ScoringInput } from '@prognos/contracts';
import type { CardBuildContext, ModelRun } from '../clinical-service';
import type { ScorerConfig } from '../config';
import { formatPercent, markdown, newCard, newSuggestion, section } from './card-kit';
import { OUTCOMES } from './codes';
import { createRiskAssessmentAction } from './fhir-resources';
import { SYNTHETIC_STATEMENT } from '../learned/learned-manifest';
import { computedOutput } from './predictions';

export const LEARNED_SEQUENCE_SET = 'ckd-progression-seq';
/** Said on every card of a model whose intended use carries it (all models trained by the simulator). */
export const SYNTHETIC_WARNING = SYNTHETIC_STATEMENT;

/** The learned model run, when enabled and the patient is in the KFRE population. */
export function learnedProgressionRuns(input: ScoringInput, config: ScorerConfig, kfreEligible: boolean): ModelRun[] {
  if (!kfreEligible || config.CKD_LEARNED_MODEL === 'none' || !input.sequences?.[LEARNED_SEQUENCE_SET]) return [];
  return [{ modelId: config.CKD_LEARNED_MODEL, featureSet: LEARNED_SEQUENCE_SET, sequenceSet: LEARNED_SEQUENCE_SET }];
}

/** The learned-risk card, or undefined when the model did not run. */
export function learnedProgressionCard(ctx: CardBuildContext, kfre: { r2: number; r5: number; title: string } | undefined, trajectory: string[]): CardDraft | undefined {
  const id = ctx.config.CKD_LEARNED_MODEL;
  const r2 = computedOutput(ctx.predictions, id, 'risk_2y');
  const r5 = computedOutput(ctx.predictions, id, 'risk_5y');
  if (!r2 || !r5) return undefined; // not run, or not computed (the reason is in the predictions and metrics)
  const info = ctx.modelInfo?.(id);
  const title = info?.title ?? id;
  const synthetic = (info?.intendedUse ?? SYNTHETIC_WARNING).toLowerCase().includes(SYNTHETIC_WARNING);
  const warning = synthetic ? `Model ${SYNTHETIC_WARNING}.` : 'Model trained on local data: validate locally before clinical use.';
  const versus = kfre ? ` (KFRE 5-year ${formatPercent(kfre.r5)})` : '';
  return newCard({
    kind: 'ckd.learned-risk',
    summary: `Trajectory model: 5-year kidney failure risk ${formatPercent(r5.value)}, 2-year ${formatPercent(r2.value)}${versus}${synthetic ? '; synthetic-trained' : ''}`,
    indicator: 'info',
    source: { label: `${title} (${id} v${r5.modelVersion})${synthetic ? `: ${SYNTHETIC_WARNING}` : ''}` },
    detail: markdown([
      `**${warning}**`,
      `**${title}** (${id} v${r5.modelVersion}): 2-year risk ${formatPercent(r2.value)}, 5-year risk ${formatPercent(r5.value)} of kidney failure (dialysis, transplant or sustained eGFR < 15).`,
      kfre ? `KFRE (${kfre.title}, the validated equation the KDIGO thresholds use): 2-year ${formatPercent(kfre.r2)}, 5-year ${formatPercent(kfre.r5)}.` : undefined,
      'Unlike KFRE, which reads one visit, this network reads the last five years of eGFR, urine ACR, blood pressure and HbA1c with their dates, and the SGLT2 inhibitor and ACE inhibitor/ARB treatment at this visit: a fall from 55 to 30 in three years reads differently from a stable 30.',
      section('eGFR trajectory', trajectory),
      `Model card: MODEL_CARD.md in the model bundle \`${id}\` (data, intended use, metrics beside KFRE, limits). Intended use: ${info?.intendedUse ?? 'see the model card'}`,
    ]),
    suggestions: [newSuggestion({
      label: `File the learned-model risk assessment (${id} v${r5.modelVersion}) in the record`,
      isRecommended: false,
      actions: [createRiskAssessmentAction({
        modelId: id, modelVersion: r5.modelVersion, modelTitle: `${title}, ${synthetic ? SYNTHETIC_WARNING : 'locally trained'}`, asOf: ctx.input.asOf,
        predictions: [r2, r5].map((record) => ({ record, outcome: OUTCOMES.kidneyFailure, horizonYears: record.horizonYears ?? (record.output === 'risk_2y' ? 2 : 5) })),
      })],
    })],
    ...(ctx.config.MODEL_CARD_BASE_URL
      ? { links: [{ label: `Model card: ${title} v${r5.modelVersion}`, url: `${ctx.config.MODEL_CARD_BASE_URL.replace(/\/+$/, '')}/models/${encodeURIComponent(id)}/card`, type: 'absolute' as const }] }
      : {}),
    selectionBehavior: 'any',
    overrideReasons: false,
  });
}
