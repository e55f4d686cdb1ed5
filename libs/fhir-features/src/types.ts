/** In-process types of the extraction result (see extract-patient-features.ts). */
import type { DataQualityReport } from '@prognos/contracts';
import type { ConditionConcept } from './codes/condition-concepts';
import type { ObservationConcept } from './codes/observation-concepts';
import type { MedicationClass } from './codes/rxnorm-table';
import type { PgxGene } from './pgx/cpic-allele-tables';
import type { GenomicResult } from './pgx/extract-genomics';

/** One value of a longitudinal series, in the concept's canonical unit. */
export interface SeriesPoint {
  /** Effective time, epoch ms (UTC). */
  t: number;
  value: number;
  /** ISO date-time of `t`. */
  date: string;
  /** As recorded, when a unit conversion was applied. */
  originalValue?: number;
  originalUnit?: string;
  /** Code display (or text) of the source observation. */
  display?: string;
  derivation: 'measured' | 'computed' | 'reported';
  /** For a computed eGFR: the creatinine it was computed from. */
  basis?: SeriesPoint;
  /** LOINC code of a reported eGFR (which equation), used to pick one value per day. */
  code?: string;
  /** Data-quality correction applied to this value (e.g. 'egfr_unit_label_ml_min'); counted in DataQualityReport.corrected. */
  corrected?: string;
  /**
   * 'Observation/<id>' of the source, for RiskAssessment.basis. In process only: it never enters
   * provenance or a scoring payload (the scorer sees no ids).
   */
  ref?: string;
}

export interface SmokingPoint {
  t: number;
  date: string;
  status: 'current' | 'former' | 'never' | 'unknown';
  display?: string;
  resourceType: 'Observation' | 'Condition';
}

export interface ConditionFact {
  concept: ConditionConcept;
  /** Onset (or recorded) time, epoch ms; NaN when the record gives none. */
  t: number;
  date?: string;
  display?: string;
  resourceType: 'Condition' | 'Procedure';
  /** Active at asOf (for history concepts: ever present before asOf). */
  active: boolean;
  /** CKD stage 1, 2, 3, 3.1 (3a), 3.2 (3b), 4, 5. */
  stage?: number;
}

export interface MedicationFact {
  resourceType: 'MedicationRequest' | 'MedicationStatement' | 'MedicationDispense';
  rxcui?: string;
  display?: string;
  ingredients: string[];
  classes: MedicationClass[];
  strengthMg?: number;
  doseMg?: number;
  frequencyPerDay?: number;
  /** doseMg (or strength) x frequency, mg/day, when derivable. */
  dailyMg?: number;
  /** 1 low, 2 moderate, 3 high (statins only). */
  statinIntensity?: 1 | 2 | 3;
  t: number;
  date?: string;
}

export interface PatientInfo {
  /** A Patient resource was present. */
  present: boolean;
  sex?: 'male' | 'female';
  /** Epoch ms of birthDate (UTC midnight); kept in process only, never put in provenance. */
  birthMs?: number;
  ageYears?: number;
  deceased: boolean;
  /** deceasedDateTime as recorded (when given and not after asOf). */
  deceasedDate?: string;
  /** true/false when a US Core race extension is present; undefined when the record has none. */
  raceBlack?: boolean;
  /** US Core race OMB category codes present (e.g. 2028-9 Asian, 2054-5 Black, 2106-3 White). */
  raceOmb?: string[];
}

/** Aggregates of a series over the trajectory window. */
export interface SeriesStats {
  last?: SeriesPoint;
  lastAgeDays?: number;
  count: number;
  min?: number;
  max?: number;
  mean?: number;
  /** Least-squares slope per year; only with >= 3 points spanning >= 90 days. */
  slopePerYear?: number;
  /** (last - first) / first x 100 within the window; >= 2 points. */
  changeFromBaselinePct?: number;
  /** The window's points, oldest first. */
  window: SeriesPoint[];
}

export interface ExtractOptions {
  /**
   * Latest values older than this are not used for "latest X" features (they stay in provenance).
   * @defaultValue 365 (days; the services pass LAB_MAX_AGE_DAYS)
   */
  latestMaxAgeDays?: number;
  /**
   * Look-back window for trajectory aggregates (count, min, max, mean, slope, change).
   * @defaultValue 1096 (days, three years)
   */
  windowDays?: number;
}

export interface PatientFeaturesInternal {
  asOf: Date;
  options: Required<ExtractOptions>;
  patient: PatientInfo;
  /** Observation series by concept, oldest first, canonical units. */
  series: Record<ObservationConcept, SeriesPoint[]>;
  /** eGFR, oldest first: CKD-EPI 2021 from each creatinine; reported eGFR only on days without creatinine. */
  egfr: SeriesPoint[];
  smoking: SmokingPoint[];
  /** Condition facts by concept (only those active at asOf, or ever for history concepts). */
  conditions: Partial<Record<ConditionConcept, ConditionFact[]>>;
  /** Medications active at asOf. */
  medications: MedicationFact[];
  /** Facts for the clinical safety screening stage (extract-safety-facts.ts). */
  safety: SafetyFacts;
  /**
   * Active medication entries whose medicine could not be identified (a medicationReference with no
   * contained, bundled or _include-d Medication and no display): medication flags are then unknown.
   */
  medicationsUnresolved: number;
  /** Resource types that were present at all (so a 0 flag can say whether the record could show it). */
  typesPresent: { conditions: boolean; medications: boolean };
  dataQuality: DataQualityReport;
  /** Pharmacogenomic results, the latest per gene (pgx/extract-genomics.ts). */
  genomics: Partial<Record<PgxGene, GenomicResult>>;
}

/** One dated coded fact the safety screening cites (never an id). */
export interface SafetyFact {
  t: number;
  date?: string;
  display?: string;
  resourceType: 'Condition' | 'Observation' | 'AllergyIntolerance' | 'Procedure';
  /** The code as recorded (system|code), for the card's citation. */
  code?: string;
}

/** An active drug allergy or intolerance matched to an ingredient and/or a class. */
export interface AllergyFact extends SafetyFact {
  resourceType: 'AllergyIntolerance';
  /** Lower-case ingredient name, when the substance is one ingredient we know. */
  ingredient?: string;
  /** Screening class (e.g. 'acei', 'statin'); undefined when only the ingredient is known. */
  cls?: string;
  angioedema: boolean;
  /** verificationStatus unconfirmed / presumed / absent (refuted and entered-in-error are dropped). */
  unconfirmed: boolean;
}

export interface PregnancyFact extends SafetyFact {
  pregnant: boolean;
}

export interface SafetyFacts {
  /** Latest pregnancy fact within 42 weeks (status, estimated delivery date, pregnancy condition). */
  pregnancy?: PregnancyFact;
  lactation?: PregnancyFact;
  allergies: AllergyFact[];
  conditions: Partial<Record<import('./codes/safety-codes').SafetyConcept, SafetyFact[]>>;
  /** AllergyIntolerance resources were present at all. */
  allergyRecordPresent: boolean;
}
