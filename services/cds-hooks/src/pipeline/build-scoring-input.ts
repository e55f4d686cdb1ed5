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

export interface ScoringInputSource {
  descriptor: CdsServiceDescriptor;
  resources: Resource[];
  asOf: Date;
  draftOrders?: Bundle;
  /** order-select `selections` (Type/id). */
  selections?: string[];
}

export function buildScoringInput(src: ScoringInputSource): ScoringInput {
  const t0 = performance.now();
  const features = extractPatientFeatures(src.resources, src.asOf);
  for (const [reason, n] of Object.entries(features.dataQuality.excluded)) {
    if (n > 0) dataQualityExclusions.inc({ reason }, n);
  }
  for (const [reason, n] of Object.entries(features.dataQuality.corrected ?? {})) {
    if (n > 0) dataQualityCorrections.inc({ reason }, n);
  }
  const featureSets: ScoringInput['featureSets'] = {};
  for (const name of src.descriptor.featureSets) {
    featureSets[name] = toFeaturePayload(buildFeatureSet(name as FeatureSetName, features));
  }
  // Minimised (whole-year age, days before the hook instead of dates, hook time as a placeholder):
  // see minimise-scoring-input.ts. The same input goes to the in-process scorer and over Redis.
  const input: ScoringInput = minimiseScoringInput({
    correlationId: randomUUID(),
    serviceId: src.descriptor.id,
    asOf: src.asOf.toISOString(),
    featureSets,
    dataQuality: features.dataQuality,
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
  return input;
}
