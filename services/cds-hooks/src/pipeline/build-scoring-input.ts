/**
 * The record → the scorer's input: feature vectors for the service's feature sets, draft-order
 * summaries and selections. Nothing that identifies the patient crosses this line: no ids, names,
 * tokens or raw resources (ScoringInput is validated by scoringInputSchema on the way out), and no
 * exact dates or ages (minimise-scoring-input.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { CdsServiceDescriptor, FeatureSetName, ScoringInput } from '@prognos/contracts';
import { buildFeatureSet, extractPatientFeatures, summarizeDraftOrders, toFeaturePayload } from '@prognos/fhir-features';
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
  // The drill-down is for operators only: it stays here and is not part of the scoring input.
  const { excludedByConcept, ...dataQuality } = features.dataQuality;
  if (excludedByConcept) countExclusionsByConcept(excludedByConcept);
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
    dataQuality,
  }, src.asOf);
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
