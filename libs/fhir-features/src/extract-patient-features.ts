/**
 * Record + asOf -> everything the feature sets need (pure: no I/O, no clock, no logging).
 */
import type { ConditionConcept } from './codes/condition-concepts';
import type { ObservationConcept } from './codes/observation-concepts';
import { collectResources } from './collect-resources';
import { extractConditions } from './extract-conditions';
import { extractMedications } from './extract-medications';
import { buildEgfrSeries, extractObservations, type ObservationTally } from './extract-observations';
import { extractPatient } from './extract-patient';
import { extractGenomics } from './pgx/extract-genomics';
import { extractSafetyFacts } from './extract-safety-facts';
import type { ExtractOptions, PatientFeaturesInternal } from './types';

/** Same default as LAB_MAX_AGE_DAYS (services): one lab age window everywhere. */
export const DEFAULT_LATEST_MAX_AGE_DAYS = 365;
export const DEFAULT_WINDOW_DAYS = 1096;

/**
 * Everything extracted from one record as of one instant.
 * Fields beyond `asOf` and `dataQuality` are documented in types.ts (PatientFeaturesInternal).
 */
export type PatientFeatures = PatientFeaturesInternal;

/**
 * Accepts what CDS Hooks delivers: Bundles (searchset, collection, transaction), single resources,
 * arrays of either, or a prefetch object (key -> Bundle | resource | null | OperationOutcome);
 * unknown resource types are ignored, malformed ones skipped and counted. Never throws.
 * @param asOf the hook time; nothing recorded after it is used
 * @param options look-back limits, see {@link ExtractOptions}
 */
export function extractPatientFeatures(record: unknown, asOf: Date, options: ExtractOptions = {}): PatientFeatures {
  const asOfMs = asOf instanceof Date ? asOf.getTime() : NaN;
  const opts: Required<ExtractOptions> = {
    latestMaxAgeDays: positiveOr(options.latestMaxAgeDays, DEFAULT_LATEST_MAX_AGE_DAYS),
    windowDays: positiveOr(options.windowDays, DEFAULT_WINDOW_DAYS),
  };
  const collected = collectResources(record);
  const tally: ObservationTally = { excluded: collected.excluded, corrected: {}, used: 0 };
  if (collected.patients.length > 1) tally.excluded['extra_patient'] = collected.patients.length - 1;
  const safeAsOf = Number.isFinite(asOfMs) ? asOfMs : -Infinity; // an invalid asOf uses nothing
  const patient = extractPatient(collected.patients[0], safeAsOf);
  if (patient.present) tally.used++;
  const { series, smoking } = extractObservations(collected.observations, safeAsOf, tally);
  const egfr = buildEgfrSeries(series.creatinine, series.egfr_reported, patient, tally);
  const genomics = extractGenomics(collected.observations, safeAsOf, tally);
  const conditions = extractConditions(collected.conditions, collected.procedures, safeAsOf, tally);
  const meds = extractMedications(
    collected.medicationRequests, collected.medicationStatements, collected.medications, safeAsOf, tally, collected.medicationDispenses,
  );
  const safety = extractSafetyFacts(collected, safeAsOf, tally);
  const dataQuality: PatientFeatures['dataQuality'] = { resourcesSeen: collected.seen, resourcesUsed: tally.used, excluded: tally.excluded };
  if (Object.keys(tally.corrected).length > 0) dataQuality.corrected = tally.corrected;
  if (tally.excludedByConcept) dataQuality.excludedByConcept = tally.excludedByConcept;
  return {
    asOf: new Date(asOfMs),
    options: opts,
    patient,
    series,
    egfr,
    smoking,
    conditions,
    medications: meds.facts,
    medicationsUnresolved: meds.unresolved,
    safety,
    typesPresent: {
      conditions: collected.conditions.length > 0,
      medications: collected.medicationRequests.length + collected.medicationStatements.length + collected.medicationDispenses.length > 0,
    },
    dataQuality,
    genomics,
  };
}

function positiveOr(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

export type { ConditionConcept, ObservationConcept };
