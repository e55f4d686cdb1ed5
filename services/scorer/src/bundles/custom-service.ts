/**
 * A custom model bundle served as a CDS service: one model run, cards from the declarative policy.
 */
import { randomUUID } from 'node:crypto';
import {
  PATIENT_REFERENCE, daysBeforeToken, type CardDraft, type CdsServiceDescriptor, type FeatureVectorPayload, type PredictionRecord,
  type SuggestionDraft,
} from '@prognos/contracts';
import type { CardBuildContext, CardBuildResult, ClinicalService } from '../clinical-service';
import { renderTemplate, type TemplateValues } from './card-template';
import type { CardPolicy } from './card-policy';
import type { ModelManifest } from './model-manifest';
import { withSafetyScreening } from '../safety/safety-prefetch';

const SUMMARY_MAX = 139;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function fmtValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}

/** Markdown list of the inputs the model used, with values, units and dates (from provenance). */
export function describeInputs(m: ModelManifest, payload: FeatureVectorPayload | undefined): string {
  if (!payload) return '';
  return m.inputs.map((input) => {
    const i = payload.names.indexOf(input.name);
    const known = i >= 0 && payload.present[i] === 1;
    const items = payload.provenance.find((p) => p.feature === input.name)?.items ?? [];
    const latestDays = items.map((it) => it.daysBefore).filter((d): d is number => d !== undefined).sort((a, b) => a - b)[0];
    const date = items.map((it) => it.date).filter((d): d is string => !!d).sort().at(-1)
      ?? (latestDays !== undefined ? daysBeforeToken(latestDays) : undefined);
    // Ages in completed years, as every built-in card shows them (issue 11).
    const shown = input.unit === 'a' ? String(Math.floor(payload.values[i]!)) : fmtValue(payload.values[i]!);
    const value = known ? `${shown}${input.unit === '1' ? '' : ` ${input.unit === 'a' ? 'years' : input.unit}`}` : 'missing';
    return `- ${input.description ?? input.name}: ${value}${date ? ` (${date.slice(0, 10)})` : ''}`;
  }).join('\n');
}

/** A FHIR RiskAssessment for one prediction (subject bound to the context patient by the HTTP side). */
export function riskAssessmentResource(m: ModelManifest, p: PredictionRecord, asOf: string): Record<string, unknown> {
  const out = m.outputs.find((o) => o.name === p.output);
  const horizon = p.horizonYears ?? out?.horizonYears;
  return {
    resourceType: 'RiskAssessment',
    status: 'preliminary',
    subject: { reference: PATIENT_REFERENCE },
    occurrenceDateTime: asOf,
    method: { text: `${m.title} (${m.id} v${m.version})` },
    prediction: [{
      outcome: { text: out?.description ?? p.output },
      probabilityDecimal: p.value,
      ...(horizon !== undefined ? {
        whenRange: {
          low: { value: 0, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
          high: { value: horizon, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
        },
      } : {}),
    }],
  };
}

function suggestionResource(s: NonNullable<CardPolicy['suggestion']>): Record<string, unknown> {
  const base = { status: 'draft', intent: 'proposal', subject: { reference: PATIENT_REFERENCE } };
  if (s.resource.resourceType === 'ServiceRequest') {
    return { resourceType: 'ServiceRequest', ...base, code: { coding: [s.resource.code], text: s.resource.code.display } };
  }
  return {
    resourceType: 'MedicationRequest', ...base,
    medicationCodeableConcept: { coding: [s.resource.medication], text: s.resource.medication.display },
  };
}

/** Builds the ClinicalService of a custom bundle. */
export function createCustomService(manifest: ModelManifest, policy: CardPolicy): ClinicalService {
  const base: CdsServiceDescriptor = {
    id: policy.service.id,
    hook: policy.service.hook,
    title: policy.service.title,
    description: policy.service.description,
    prefetch: policy.service.prefetch,
    requiredPrefetch: policy.service.requiredPrefetch,
    featureSets: [manifest.featureSet],
    usesDraftOrders: false,
    models: [manifest.id],
    origin: 'custom',
  };
  // A bundle that suggests a medication gets the safety feature set and prefetch keys; its
  // suggestion is screened like a built-in one (in-process-scorer.ts).
  const descriptor = policy.suggestion?.resource.resourceType === 'MedicationRequest' ? withSafetyScreening(base) : base;
  const bands = [...policy.thresholds].sort((a, b) => b.atLeast - a.atLeast);
  const sourceUrl = policy.source?.url ?? manifest.url ?? (manifest.doi ? `https://doi.org/${manifest.doi}` : undefined);
  const source = { label: policy.source?.label ?? manifest.title, ...(sourceUrl ? { url: sourceUrl } : {}) };

  return {
    descriptor,
    modelRuns: () => [{ modelId: manifest.id, featureSet: manifest.featureSet }],
    buildCards(ctx: CardBuildContext): CardBuildResult {
      const mine = ctx.predictions.filter((p) => p.modelId === manifest.id);
      const main = mine.find((p) => p.output === policy.output);
      if (main?.value === undefined) return { cards: [] };
      const band = bands.find((b) => main.value! >= b.atLeast);
      if (!band) return { cards: [] };
      const values: TemplateValues = {
        output: main.value,
        threshold: band.atLeast,
        'model.title': manifest.title,
        'model.id': manifest.id,
        'model.version': manifest.version,
        'model.citation': manifest.citation,
        'service.title': policy.service.title,
      };
      for (const p of mine) values[`outputs.${p.output}`] = p.value;
      const payload = ctx.input.featureSets[manifest.featureSet];
      const detail = policy.detail !== undefined ? renderTemplate(policy.detail, values)
        : [`**Model:** ${manifest.title} v${manifest.version}. ${manifest.citation}`,
          `**Inputs used:**\n${describeInputs(manifest, payload)}`,
          `**Intended use:** ${manifest.intendedUse}`].join('\n\n');
      const suggestions: SuggestionDraft[] = [];
      if (policy.suggestion && band.suggest) {
        suggestions.push({
          label: policy.suggestion.label,
          uuid: randomUUID(),
          ...(policy.suggestion.isRecommended !== undefined ? { isRecommended: policy.suggestion.isRecommended } : {}),
          actions: [{ type: 'create', description: policy.suggestion.label, resource: suggestionResource(policy.suggestion) }],
        });
      }
      if (policy.riskAssessment) {
        suggestions.push({
          label: 'File this risk assessment in the record',
          uuid: randomUUID(),
          actions: [{ type: 'create', description: `RiskAssessment: ${manifest.title}`, resource: riskAssessmentResource(manifest, main, ctx.input.asOf) }],
        });
      }
      const card: CardDraft = {
        uuid: randomUUID(),
        kind: `custom.${policy.service.id}`,
        summary: clip(renderTemplate(band.summary ?? policy.summary, values), SUMMARY_MAX),
        detail,
        indicator: band.indicator,
        source,
        ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
        ...(policy.overrideReasons ? { overrideReasons: policy.overrideReasons } : {}),
      };
      return { cards: [card] };
    },
  };
}
