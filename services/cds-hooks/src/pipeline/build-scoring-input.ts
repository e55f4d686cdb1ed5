/**
 * The record → the scorer's input: feature vectors for the service's feature sets, draft-order
 * summaries and selections. Nothing that identifies the patient crosses this line: no ids, names,
 * tokens or raw resources (ScoringInput is validated by scoringInputSchema on the way out), and no
 * exact dates or ages (minimise-scoring-input.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { CdsServiceDescriptor, FeatureSetName, ScoringInput } from '@prognos/contracts';
import { buildFeatureSet, buildSequence, extractPatientFeatures, summarizeDraftOrders, toFeaturePayload } from '@prognos/fhir-features';
import { dataQualityCorrections, dataQualityExclusions, stageDuration } from '../metrics';
import { minimiseScoringInput } from './minimise-scoring-input';
import { countExclusionsByConcept } from '../ops/data-quality-detail';

export interface ScoringInputSource {
  descriptor: CdsServiceDescriptor;
  resources: Resource[];
  asOf: Date;
  draftOrders?: Bundle;
  /** order-select `selections` (Type/id). */
  selections?: string[];
  /**
   * LAB_MAX_AGE_DAYS: latest values older than this are not used by any feature (they stay in
   * provenance, so cards can say what is there and why it was not used). @defaultValue 365
   */
  labMaxAgeDays?: number;
}

/** The eGFR trajectory (count, slope, change) looks back three years, or further when LAB_MAX_AGE_DAYS is longer. */
export const TRAJECTORY_WINDOW_DAYS = 1096;

/** buildScoringInput's answer plus what stays on the HTTP side: RiskAssessment.basis references per feature set. */
export interface ScoringInputWithBasis {
  input: ScoringInput;
  /** Feature set -> 'Observation/<id>' its present features were computed from (never sent to a scorer). */
  basis: Record<string, string[]>;
}

export function buildScoringInput(src: ScoringInputSource): ScoringInput {
  return buildScoringInputWithBasis(src).input;
}

export function buildScoringInputWithBasis(src: ScoringInputSource): ScoringInputWithBasis {
  const t0 = performance.now();
  const latestMaxAgeDays = src.labMaxAgeDays ?? 365;
  const features = extractPatientFeatures(src.resources, src.asOf, {
    latestMaxAgeDays, windowDays: Math.max(TRAJECTORY_WINDOW_DAYS, latestMaxAgeDays),
  });
  for (const [reason, n] of Object.entries(features.dataQuality.excluded)) {
    if (n > 0) dataQualityExclusions.inc({ reason }, n);
  }
  for (const [reason, n] of Object.entries(features.dataQuality.corrected ?? {})) {
    if (n > 0) dataQualityCorrections.inc({ reason }, n);
  }
  // The drill-down is for operators only: it stays here and is not part of the scoring input.
  const { excludedByConcept, ...dataQuality } = features.dataQuality;
  if (excludedByConcept) countExclusionsByConcept(excludedByConcept);
  const featureSets: ScoringInput['featureSets'] = {};
  const basis: Record<string, string[]> = {};
  for (const name of src.descriptor.featureSets) {
    const vector = buildFeatureSet(name as FeatureSetName, features);
    featureSets[name] = toFeaturePayload(vector);
    const refs = [...new Set((vector.refs ?? []).flat())];
    if (refs.length > 0) basis[name] = refs;
  }
  // Minimised (whole-year age, days before the hook instead of dates, hook time as a placeholder):
  // see minimise-scoring-input.ts. The same input goes to the in-process scorer and over Redis.
  const input: ScoringInput = minimiseScoringInput({
    correlationId: randomUUID(),
    serviceId: src.descriptor.id,
    asOf: src.asOf.toISOString(),
    featureSets,
    dataQuality,
  }, src.asOf);
  // Learned models' sequences: the same builder the training dataset uses. Minimised by
  // construction (whole days before the hook, whole-year age: build-sequence.ts); the queue checks
  // it with unminimisedField like the feature sets.
  if (src.descriptor.sequences && src.descriptor.sequences.length > 0) {
    input.sequences = Object.fromEntries(src.descriptor.sequences.map((name) => [name, buildSequence(name, features)]));
  }
  if (src.descriptor.usesDraftOrders) {
    input.draftOrders = summarizeDraftOrders(src.draftOrders);
    // Only order-select validates `selections`; other hooks may carry anything under that name.
    if (Array.isArray(src.selections) && src.draftOrders) {
      const index = new Map((src.draftOrders.entry ?? []).map((e, i) => [`${e.resource?.resourceType}/${e.resource?.id}`, i]));
      input.selectedDraftOrderIndexes = src.selections.map((s) => index.get(s)).filter((i): i is number => i !== undefined);
    }
  }
  stageDuration.observe({ service: src.descriptor.id, stage: 'extract' }, (performance.now() - t0) / 1000);
  return { input, basis };
}
