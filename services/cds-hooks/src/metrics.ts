/**
 * Prometheus metrics of the HTTP service (prom-client default registry, shared in embedded mode with
 * the scorer's own metrics in services/scorer/src/metrics.ts). Labels are service ids, stages,
 * statuses, indicators and reason codes: never patient data.
 */
import client from 'prom-client';
import { getOrCreateMetric } from '@prognos/scorer';

export const registry = client.register;

/** Seconds; buckets span 0.5 ms .. 5 s (the hook deadline is ~2 s). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2, 5];


/** Stages: total, gather, fhir_query, extract, queue_wait, inference, cards. */
export const stageDuration = getOrCreateMetric('prognos_stage_duration_seconds', () => new client.Histogram({
  name: 'prognos_stage_duration_seconds',
  help: 'Duration of each stage of a hook call, by service',
  labelNames: ['service', 'stage'] as const,
  buckets: LATENCY_BUCKETS,
}));

export const hookRequests = getOrCreateMetric('prognos_hook_requests_total', () => new client.Counter({
  name: 'prognos_hook_requests_total',
  help: 'Hook invocations by service and HTTP status',
  labelNames: ['service', 'status'] as const,
}));

export const deadlineMisses = getOrCreateMetric('prognos_deadline_misses_total', () => new client.Counter({
  name: 'prognos_deadline_misses_total',
  help: 'Hook calls answered without scoring because the deadline passed',
  labelNames: ['service'] as const,
}));

export const deadlinePassedBeforeRecord = getOrCreateMetric('prognos_deadline_passed_before_record_total', () => new client.Counter({
  name: 'prognos_deadline_passed_before_record_total',
  help: 'Hook calls whose deadline (counted from arrival) had passed before their record was read, while the body arrived, the client was authenticated or the call waited for admission: answered {"cards": []} without reading the record (also in prognos_deadline_misses_total)',
  labelNames: ['service'] as const,
}));
export const hooksShedUnread = getOrCreateMetric('prognos_hooks_shed_unread_total', () => new client.Counter({
  name: 'prognos_hooks_shed_unread_total',
  help: 'Hook calls that waited for admission behind other calls until their deadline had passed, and were answered {"cards": []} without their body being parsed (a sign of overload; also in prognos_deadline_passed_before_record_total and prognos_deadline_misses_total)',
  labelNames: ['service'] as const,
}));


export const cardsReturned = getOrCreateMetric('prognos_cards_total', () => new client.Counter({
  name: 'prognos_cards_total',
  help: 'Cards returned, by service and indicator',
  labelNames: ['service', 'indicator'] as const,
}));

export const suggestionsOffered = getOrCreateMetric('prognos_suggestions_total', () => new client.Counter({
  name: 'prognos_suggestions_total',
  help: 'Suggestions offered on returned cards, by service',
  labelNames: ['service'] as const,
}));

export const feedbackOutcomes = getOrCreateMetric('prognos_feedback_total', () => new client.Counter({
  name: 'prognos_feedback_total',
  help: 'Feedback outcomes by service, card kind and outcome',
  labelNames: ['service', 'kind', 'outcome'] as const,
}));

export const feedbackOverrideReasons = getOrCreateMetric('prognos_feedback_override_reasons_total', () => new client.Counter({
  name: 'prognos_feedback_override_reasons_total',
  help: 'Override reasons by service and reason code (coded reasons only; free text is never a label)',
  labelNames: ['service', 'reason'] as const,
}));

export const dataQualityExclusions = getOrCreateMetric('prognos_data_quality_exclusions_total', () => new client.Counter({
  name: 'prognos_data_quality_exclusions_total',
  help: 'Values or resources excluded during feature extraction, by reason',
  labelNames: ['reason'] as const,
}));

export const dataQualityCorrections = getOrCreateMetric('prognos_data_quality_corrections_total', () => new client.Counter({
  name: 'prognos_data_quality_corrections_total',
  help: 'Values kept after correcting a known defect during feature extraction (e.g. eGFR labelled mL/min), by reason',
  labelNames: ['reason'] as const,
}));

export const jwtRejections = getOrCreateMetric('prognos_jwt_rejections_total', () => new client.Counter({
  name: 'prognos_jwt_rejections_total',
  help: 'Rejected CDS client JWTs by reason',
  labelNames: ['reason'] as const,
}));

export const fhirQueries = getOrCreateMetric('prognos_fhir_queries_total', () => new client.Counter({
  name: 'prognos_fhir_queries_total',
  help: 'Queries to the EHR FHIR server by outcome (ok, timeout, http_error, invalid, too_large, refused: needed but the server is not allowed)',
  labelNames: ['outcome'] as const,
}));

/**
 * Hook calls that carried a fhirServer but needed no query (the prefetch was complete), by whether
 * that server is on the client's allowlist. Counted per call, not per query: no query was made.
 */
export const fhirQueryNotNeeded = getOrCreateMetric('prognos_fhir_query_not_needed_total', () => new client.Counter({
  name: 'prognos_fhir_query_not_needed_total',
  help: 'Hook calls that carried a fhirServer but needed no FHIR query (complete prefetch), by server allowed / not_allowed',
  labelNames: ['server'] as const,
}));

/** Cards (or their parts) removed before sending because they failed the CDS Hooks card rules. */
export const cardsDropped = getOrCreateMetric('prognos_cards_dropped_total', () => new client.Counter({
  name: 'prognos_cards_dropped_total',
  help: 'Cards, suggestions or actions dropped because they failed validation or binding, by service and reason',
  labelNames: ['service', 'reason'] as const,
}));

/** Calls refused with 429 by the per-client limits, by reason (rate, concurrency); no client label. */
export const clientThrottled = getOrCreateMetric('prognos_client_throttled_total', () => new client.Counter({
  name: 'prognos_client_throttled_total',
  help: 'CDS calls refused with 429 by the per-client rate or concurrency limit, by reason',
  labelNames: ['reason'] as const,
}));

/** Hook calls waiting, as bytes, to be admitted (HOOK_MAX_CONCURRENT calls hold a parsed body at once). */
export const hooksWaitingAdmission = getOrCreateMetric('prognos_hooks_waiting_admission', () => new client.Gauge({
  name: 'prognos_hooks_waiting_admission',
  help: 'Hook calls waiting to be parsed and processed (HOOK_MAX_CONCURRENT are in progress)',
}));

/**
 * Multi-process embedded mode: calls whose per-client limits a worker counted itself (its share)
 * because the cluster primary did not answer; above zero means the primary is stuck or gone.
 */
export const clientLimitsFallbacks = getOrCreateMetric('prognos_client_limits_fallbacks_total', () => new client.Counter({
  name: 'prognos_client_limits_fallbacks_total',
  help: 'Calls whose per-client limits a worker counted itself because the cluster primary did not answer',
}));

/** Feedback items buffered in memory because Redis was unreachable (distributed mode). */
export const feedbackBuffered = getOrCreateMetric('prognos_feedback_buffered', () => new client.Gauge({
  name: 'prognos_feedback_buffered',
  help: 'Feedback items waiting in memory for Redis to come back',
}));

// Operational gauges (refreshed by the ops routes on each /metrics scrape and dashboard sample).

/** Distributed mode: jobs in the scoring queue by state (waiting, active, delayed, failed). */
export const queueDepth = getOrCreateMetric('prognos_queue_depth', () => new client.Gauge({
  name: 'prognos_queue_depth',
  help: 'Jobs in the scoring queue by state (distributed mode)',
  labelNames: ['state'] as const,
}));

/** Distributed mode: scorer workers seen recently, by execution provider (cpu, cuda). */
export const workersOnline = getOrCreateMetric('prognos_workers_online', () => new client.Gauge({
  name: 'prognos_workers_online',
  help: 'Scorer workers online by execution provider (distributed mode)',
  labelNames: ['provider'] as const,
}));

/** Models loaded: value 1 per model id and version (an "info" metric for joins and tables). */
export const modelInfo = getOrCreateMetric('prognos_model_info', () => new client.Gauge({
  name: 'prognos_model_info',
  help: 'Models loaded, by id, version and execution provider (value is always 1)',
  // Multi-process embedded mode: every process loads the same models; the aggregate is 1, not N.
  aggregator: 'max',
  labelNames: ['model', 'version', 'provider'] as const,
}));

/** Seconds each loaded model took to load (session creation and warm-up). */
export const modelLoadSeconds = getOrCreateMetric('prognos_model_load_seconds', () => new client.Gauge({
  name: 'prognos_model_load_seconds',
  help: 'Time each loaded model took to load, seconds',
  aggregator: 'max',
  labelNames: ['model'] as const,
}));

/** Resources dropped from a record because they belong to another patient than context.patientId (issue 11). */
export const strayResources = getOrCreateMetric('prognos_stray_resources_total', () => new client.Counter({
  name: 'prognos_stray_resources_total',
  help: 'Prefetched or fetched resources dropped because their subject/patient is not the context patient, by service and resource type',
  labelNames: ['service', 'resource_type'] as const,
}));

/** Medications fetched from the FHIR server to resolve medicationReference (outcome: ok, missing, failed). */
export const medicationReferenceFetches = getOrCreateMetric('prognos_medication_reference_fetches_total', () => new client.Counter({
  name: 'prognos_medication_reference_fetches_total',
  help: 'Medication resources fetched to resolve medicationReference, by outcome',
  labelNames: ['outcome'] as const,
}));
