/** The clinical safety screening stage (see README "Clinical safety"). */
export { screenDrug, reasonLines, describeEvidence } from './screen-drug';
export { screenCardSuggestions, type ScreeningTally } from './screen-cards';
export { readPatientSafety, type PatientSafety, type CoMedication } from './patient-safety';
export { drugOfConcept, drugOfDraft, orderedConcept } from './drug-of-resource';
export { withSafetyScreening, SAFETY_PREFETCH, SAFETY_FEATURE_SET } from './safety-prefetch';
export type { DrugToScreen, Screening, SafetyReason, Verdict, Evidence } from './safety-types';
