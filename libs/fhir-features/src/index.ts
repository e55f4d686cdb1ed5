/**
 * Public API of @prognos/fhir-features (pure: resources + asOf in, numbers + provenance out).
 * No I/O, no clock, no logger, no env: the caller passes `asOf`.
 */
export { extractPatientFeatures, DEFAULT_LATEST_MAX_AGE_DAYS, DEFAULT_WINDOW_DAYS, type PatientFeatures } from './extract-patient-features';
export { buildFeatureSet, toFeaturePayload, timeInTherapeuticRange, type FeatureVector } from './build-feature-set';
export { summarizeDraftOrders } from './summarize-draft-orders';
export { readPatientStatus, type PatientStatus } from './patient-status';
export { UNIDENTIFIED_MEDICATIONS_CONCEPT, unresolvedMedicationNote } from './unresolved-medications';
export { ckdEpi2021, creatinineForEgfr } from './ckd-epi-2021';
export { aggregateSeries, slopePerYear } from './aggregate-series';
export { ifccToNgsp, ngspToIfcc, toCanonical } from './units/normalize-unit';
export { resolveMedication, statinIntensity } from './codes/resolve-medication';
export type { MedicationClass } from './codes/rxnorm-table';
export type { ConditionConcept } from './codes/condition-concepts';
export type { ObservationConcept } from './codes/observation-concepts';
export type {
  ConditionFact, ExtractOptions, MedicationFact, PatientInfo, SeriesPoint, SeriesStats, SmokingPoint,
} from './types';
export { generatePatient, type GeneratePatientOptions, type PatientProfile, PATIENT_PROFILES } from './generator/generate-patient';
export { createRng, type Rng } from './generator/prng';

import type { FeatureSetName } from '@prognos/contracts';
import { FEATURE_SET_NAMES } from '@prognos/contracts';
import { buildFeatureSet, type FeatureVector } from './build-feature-set';
import type { PatientFeatures } from './extract-patient-features';

/** All feature sets of FEATURE_SETS for one extraction. */
export function buildAllFeatureSets(features: PatientFeatures, names: readonly FeatureSetName[] = FEATURE_SET_NAMES): Record<string, FeatureVector> {
  const out: Record<string, FeatureVector> = {};
  for (const n of names) out[n] = buildFeatureSet(n, features);
  return out;
}
export { resolveFeatureValue } from './build-feature-set';
export { buildSequence } from './progression/build-sequence';
export { padSequences, type PaddedSequences, type SequenceToPad } from './progression/pad-sequences';
export { progressionEligibility, type EligibilityResult } from './progression/progression-eligibility';
export { simulatePatient, SIMULATED_TYPES, type SimulatedPatient } from './generator/progression-simulator';
export { readFhirSource, detectSource, type SourceRecord, type SourceStats } from './dataset/read-fhir-source';
export { createAccumulator, addPatient, sampleAsOf, patientDraw, HORIZONS_YEARS, META_COLUMNS, SPLITS, type DatasetAccumulator, type DatasetOptions } from './dataset/build-dataset';
export { writeDataset, type DatasetDescription } from './dataset/write-dataset';
export { kidneyFailureOutcome } from './dataset/kidney-failure-outcome';
export { encodeNpy, writeNpy, readNpy } from './dataset/write-npy';
export { writeSimulatedCohort, type CohortSummary } from './generator/simulate-cohort';
