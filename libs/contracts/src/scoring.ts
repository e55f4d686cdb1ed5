/**
 * The scoring contract: what the HTTP service hands to a scorer (in process, or as a BullMQ job)
 * and what it gets back. Everything here is JSON-safe and free of patient identifiers: feature
 * values, provenance (values, units, dates), draft-order summaries. Never names, ids or tokens.
 */
import { z } from 'zod';
import type { Action, Card, Coding } from './cds-hooks';
import type { DataQualityReport, DraftOrderSummary, FeatureVectorPayload } from './features';
import type { SequencePayload } from './sequences';

/**
 * Reference placeholders a scorer writes into suggested resources; the HTTP side binds them to the
 * request's context (the scorer never sees the real ids).
 */
export const PATIENT_REFERENCE = 'urn:prognos:context:patient';
export const ENCOUNTER_REFERENCE = 'urn:prognos:context:encounter';
export const USER_REFERENCE = 'urn:prognos:context:user';
/**
 * The hook time, as a scorer sees it: ScoringInput.asOf is this placeholder (the exact time never
 * leaves the HTTP side) and a scorer writes it where a resource needs the time (RiskAssessment
 * occurrenceDateTime); the HTTP side binds it to the real hook time.
 */
export const HOOK_TIME_REFERENCE = 'urn:prognos:context:hook-time';
/** Prefix of a day token in card text: `urn:prognos:days-before:N` becomes the calendar date N days before the hook. */
export const DAYS_BEFORE_PREFIX = 'urn:prognos:days-before:';

/** The token a scorer writes in card text for "the day `days` calendar days before the hook". */
export function daysBeforeToken(days: number): string {
  return `${DAYS_BEFORE_PREFIX}${Math.round(days)}`;
}
/**
 * RiskAssessment.basis placeholder: `urn:prognos:basis:<feature set>` stands for the observations
 * that set's features were computed from; the HTTP side expands it to their references.
 */
export const BASIS_REFERENCE_PREFIX = 'urn:prognos:basis:';

/**
 * An action as a scorer emits it. For `update`/`delete` of a draft order, `draftOrderIndex` names
 * the entry of context.draftOrders and `patch` holds the fields to replace (shallow merge into the
 * draft resource); the HTTP side builds `resource` / `resourceId` from the real draft order.
 */
export interface ActionDraft extends Omit<Action, 'resource'> {
  resource?: Record<string, unknown>;
  draftOrderIndex?: number;
  patch?: Record<string, unknown>;
}

export interface SuggestionDraft {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions?: ActionDraft[];
}

/** A card before binding: same shape as a CDS Hooks card, actions may carry placeholders. */
export interface CardDraft extends Omit<Card, 'suggestions' | 'uuid'> {
  uuid: string;
  suggestions?: SuggestionDraft[];
  /** Which rule produced the card (e.g. 'ckd.nephrology-referral'); used for feedback analytics. */
  kind: string;
  overrideReasons?: (Coding & { display: string })[];
  /**
   * The draft order (index into context.draftOrders) the card is about. The HTTP side uses it to
   * avoid repeating at order-sign an alert already shown at order-select for the same draft, and
   * removes it before the card leaves.
   */
  draftOrderIndex?: number;
}

/** One model output, recorded for metrics and the RiskAssessment action. */
export interface PredictionRecord {
  modelId: string;
  modelVersion: string;
  output: string;
  /** Probability 0..1 (or score for point scores); absent when not computed. */
  value?: number;
  /** Why no prediction was made (out of validated range, missing input...). */
  notComputedReason?: string;
  horizonYears?: number;
}

export interface ScoringInput {
  /** Opaque id correlating request, job and result; not derived from any patient data. */
  correlationId: string;
  serviceId: string;
  /**
   * The hook time the features were computed as of. From the HTTP service always
   * {@link HOOK_TIME_REFERENCE} (minimised payload); an ISO 8601 time when a caller scores directly.
   */
  asOf: string;
  featureSets: Record<string, FeatureVectorPayload>;
  /** Event sequences for learned models (times relative to asOf; no dates or ids). */
  sequences?: Record<string, SequencePayload>;
  draftOrders?: DraftOrderSummary[];
  /** selections (order-select) as indexes into draftOrders. */
  selectedDraftOrderIndexes?: number[];
  dataQuality?: DataQualityReport;
}

export interface ScoringOutput {
  correlationId: string;
  serviceId: string;
  cards: CardDraft[];
  systemActions?: ActionDraft[];
  predictions: PredictionRecord[];
  /** Execution provider that ran inference ('cpu' | 'cuda' | 'none' for rule-only services). */
  executionProvider: string;
  inferenceMs: number;
}

/** What a model bundle tells the catalogue (from its manifest), shown in discovery and dashboard. */
export interface ModelInfo {
  id: string;
  version: string;
  title: string;
  citation: string;
  url?: string;
  horizonYears?: number;
  inputs: { name: string; unit: string; min?: number; max?: number }[];
  outputs: string[];
  intendedUse: string;
  /** ms to create and warm the session; absent until loaded. */
  loadMs?: number;
  origin: 'bundled' | 'custom';
}

/** A CDS service as the scorer defines it; discovery is generated from these. */
export interface CdsServiceDescriptor {
  id: string;
  hook: 'patient-view' | 'order-select' | 'order-sign' | 'encounter-start' | 'encounter-discharge' | string;
  title: string;
  description: string;
  /** Prefetch templates (key -> relative FHIR query with {{context.*}} / user tokens). */
  prefetch: Record<string, string>;
  /** Keys of `prefetch` without which no answer is possible (412 when they cannot be had). */
  requiredPrefetch: string[];
  /** Feature sets the HTTP side must extract and send. */
  featureSets: string[];
  /** Sequence sets (SEQUENCE_SETS) the HTTP side must build and send, for learned models. */
  sequences?: string[];
  /** The service reads context.draftOrders (order-select / order-sign). */
  usesDraftOrders: boolean;
  /** Models it runs (ids), for readiness and the dashboard. */
  models: string[];
  origin: 'bundled' | 'custom';
  /**
   * Services sharing an alert group (e.g. the order-select and order-sign variants of one logic)
   * do not repeat at order-sign an alert already shown at order-select for the same draft order.
   */
  alertGroup?: string;
}

/**
 * The one scoring path both modes share. Embedded: the scorer in process. Distributed: a BullMQ
 * client that enqueues ScoringInput and resolves with the worker's ScoringOutput.
 */
export interface ScoringEngine {
  readonly mode: 'embedded' | 'distributed';
  /** Resolves with cards, or rejects (timeout / outage); callers race it against the hook deadline. */
  score(input: ScoringInput, options: { deadline: number }): Promise<ScoringOutput>;
  /** true when models are warm (embedded) or the queue and at least one worker answer (distributed). */
  readiness(): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
  close(): Promise<void>;
}

/** Runtime schemas for what crosses Redis (both sides validate). */
const featureVectorPayloadSchema = z.object({
  set: z.string(),
  version: z.string(),
  names: z.array(z.string()),
  values: z.array(z.number()),
  present: z.array(z.number().int().min(0).max(1)),
  provenance: z.array(z.object({
    feature: z.string(),
    note: z.string().optional(),
    items: z.array(z.object({
      concept: z.string(),
      value: z.number().optional(),
      unit: z.string().optional(),
      originalValue: z.number().optional(),
      originalUnit: z.string().optional(),
      date: z.string().optional(),
      daysBefore: z.number().int().optional(),
      resourceType: z.string(),
      display: z.string().optional(),
      derivation: z.enum(['measured', 'computed', 'reported', 'coded']).optional(),
    }).strict()),
  }).strict()),
}).strict();

/** Bounds keep a hostile payload small: at most 512 steps of 64 channels. */
const sequencePayloadSchema = z.object({
  set: z.string().max(100),
  version: z.string().max(50),
  length: z.number().int().min(0).max(512),
  channels: z.number().int().min(1).max(64),
  steps: z.array(z.number().finite()).max(512 * 64),
  statics: z.array(z.number().finite()).max(256),
  staticPresent: z.array(z.number().int().min(0).max(1)).max(256),
}).strict().refine((s) => s.steps.length === s.length * s.channels, { message: 'steps must hold length x channels values' })
  .refine((s) => s.statics.length === s.staticPresent.length, { message: 'statics and staticPresent differ in length' });

export const scoringInputSchema = z.object({
  correlationId: z.string().min(1).max(100),
  serviceId: z.string().min(1).max(200),
  asOf: z.string(),
  featureSets: z.record(z.string(), featureVectorPayloadSchema),
  sequences: z.record(z.string(), sequencePayloadSchema).optional(),
  draftOrders: z.array(z.object({
    index: z.number().int().nonnegative(),
    resourceType: z.string(),
    rxcui: z.string().optional(),
    display: z.string().optional(),
    ingredients: z.array(z.string()),
    classes: z.array(z.string()),
    strengthMg: z.number().optional(),
    doseMg: z.number().optional(),
    frequencyPerDay: z.number().optional(),
  }).strict()).optional(),
  selectedDraftOrderIndexes: z.array(z.number().int().nonnegative()).optional(),
  dataQuality: z.object({
    resourcesSeen: z.number(),
    resourcesUsed: z.number(),
    excluded: z.record(z.string(), z.number()),
    corrected: z.record(z.string(), z.number()).optional(),
  }).optional(),
}).strict();

/** BullMQ job payload: the scoring input plus the model versions the HTTP side expects. */
export interface ScoreJobData {
  input: ScoringInput;
  modelVersions: Record<string, string>;
  /** Epoch ms after which the result is useless (the worker drops the job, no retry). */
  deadline: number;
}
export type ScoreJobResult = ScoringOutput;

/** One scoring input of a {@link ScoreBatchJobData}: a {@link ScoreJobData} of its own. */
export type ScoreBatchItem = ScoreJobData;

/**
 * BullMQ payload of a batch job: the inputs of several concurrent hook calls of one HTTP process,
 * sent together so that their rows meet in the worker's micro-batchers (group commit).
 */
export interface ScoreBatchJobData {
  items: ScoreBatchItem[];
  /** The latest of the items' deadlines, epoch ms: past it the whole job is dropped. */
  deadline: number;
}

/** A batch item's outcome: its output, or a fixed failure reason (JOB_FAILURE) of that item alone. */
export type ScoreBatchItemResult = { output: ScoringOutput } | { failure: string };

/** Result of a batch job: one entry per item, in the items' order (signed as a whole by the worker). */
export interface ScoreBatchJobResult {
  results: ScoreBatchItemResult[];
  signature?: string;
}
