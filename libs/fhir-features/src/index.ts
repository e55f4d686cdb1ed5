/**
 * Public API of @prognos/fhir-features (pure: resources + asOf in, numbers + provenance out).
 * PLACEHOLDER SIGNATURES: the feature-extraction work replaces these bodies.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { DataQualityReport, DraftOrderSummary, FeatureProvenance, FeatureSetName, FeatureVectorPayload } from '@prognos/contracts';

/** A feature vector in process: Float32Array in the set's fixed order, a presence mask, provenance. */
export interface FeatureVector {
  set: FeatureSetName;
  version: string;
  names: readonly string[];
  values: Float32Array;
  /** 1 = present, 0 = missing. */
  present: Uint8Array;
  provenance: FeatureProvenance[];
}

/** Everything extracted from one record as of one instant; opaque to callers beyond these fields. */
export interface PatientFeatures {
  asOf: Date;
  dataQuality: DataQualityReport;
}

/**
 * Accepts what CDS Hooks delivers: Bundles (searchset, collection, transaction), single resources,
 * arrays of either; unknown resource types are ignored, malformed ones skipped and counted.
 */
export function extractPatientFeatures(_record: unknown, _asOf: Date): PatientFeatures {
  throw new Error('not implemented yet');
}

export function buildFeatureSet(_name: FeatureSetName, _features: PatientFeatures): FeatureVector {
  throw new Error('not implemented yet');
}

export function toFeaturePayload(_vector: FeatureVector): FeatureVectorPayload {
  throw new Error('not implemented yet');
}

/** context.draftOrders (a Bundle) reduced to what medication rules need; no ids leave. */
export function summarizeDraftOrders(_draftOrders: Bundle | undefined): DraftOrderSummary[] {
  throw new Error('not implemented yet');
}

/** CKD-EPI 2021 race-free creatinine equation (Inker 2021). Scr mg/dL, age years. */
export function ckdEpi2021(_creatinineMgDl: number, _ageYears: number, _sex: 'male' | 'female'): number {
  throw new Error('not implemented yet');
}
