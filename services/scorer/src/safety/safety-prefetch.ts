/**
 * What screening needs from the record, as prefetch templates (CDS Hooks 2.0 §Prefetch Template;
 * the HTTP side runs the same queries against the FHIR server for a key the EHR did not send).
 * Conditions and active medications are asked by every service that offers a drug already.
 */
import type { CdsServiceDescriptor } from '@prognos/contracts';
import { ACTIVE_MEDICATIONS } from '../services/prefetch';

export const SAFETY_FEATURE_SET = 'safety-context';

export const SAFETY_PREFETCH: Readonly<Record<string, string>> = {
  patient: 'Patient/{{context.patientId}}',
  conditions: 'Condition?patient={{context.patientId}}',
  // With the Medications they reference (issue 11): a medicationReference without its Medication is unknown.
  medications: ACTIVE_MEDICATIONS,
  allergies: 'AllergyIntolerance?patient={{context.patientId}}',
  // Pregnancy status 82810-3, estimated delivery date 11778-8, breastfeeding status 63895-7, potassium 2823-3 / 6298-4.
  safetyObservations: 'Observation?patient={{context.patientId}}&code=http://loinc.org|82810-3,http://loinc.org|11778-8,http://loinc.org|63895-7,http://loinc.org|2823-3,http://loinc.org|6298-4&_sort=-date&_count=50',
};

/**
 * The descriptor of a service whose suggestions are screened: the safety feature set and the
 * prefetch keys it needs are added (a key the service already declares keeps its own query).
 * Safety keys are never required: without them screening says "unknown" instead of answering 412.
 */
export function withSafetyScreening(descriptor: CdsServiceDescriptor): CdsServiceDescriptor {
  return {
    ...descriptor,
    prefetch: { ...SAFETY_PREFETCH, ...descriptor.prefetch },
    featureSets: descriptor.featureSets.includes(SAFETY_FEATURE_SET) ? descriptor.featureSets : [...descriptor.featureSets, SAFETY_FEATURE_SET],
  };
}
