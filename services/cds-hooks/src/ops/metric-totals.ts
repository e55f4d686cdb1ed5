/**
 * Totals since process start, read from one metrics snapshot: the numbers the dashboard's panels
 * and tables show. Pure (snapshot in, plain JSON out).
 */
import { histogramQuantile } from './histogram-quantile';
import { isErrorStatus } from './metric-history';
import { histogramIncrease, sumCounter, type MetricSnapshot } from './metric-snapshot';

export interface ServiceTraffic {
  service: string;
  requests: number;
  /** 2xx/3xx answers. */
  ok: number;
  /** 4xx answers (bad request, unauthorized, ...). */
  clientErrors: number;
  /** 5xx and non-numeric statuses. */
  serverErrors: number;
  deadlineMisses: number;
  suggestions: number;
  cards: number;
}

export interface MetricTotals {
  traffic: ServiceTraffic[];
  cards: { service: string; indicator: string; count: number }[];
  feedback: {
    accepted: number;
    overridden: number;
    total: number;
    /** accepted / total; null before any feedback. */
    acceptanceRate: number | null;
    overrideRate: number | null;
    byService: { service: string; accepted: number; overridden: number }[];
    /** Coded override reasons, most frequent first. */
    topOverrideReasons: { reason: string; count: number }[];
  };
  dataQualityExclusions: { reason: string; count: number }[];
  /** Value-level exclusions by reason, concept and unit label (drill-down), most frequent first. */
  dataQualityDetail: { reason: string; concept: string; unit: string; count: number }[];
  jwtRejections: { reason: string; count: number }[];
  /** FHIR queries by outcome; `refused` counts only queries that were needed. */
  fhirQueries: { outcome: string; count: number }[];
  /** Calls that carried a fhirServer but needed no query (complete prefetch), by allowed / not_allowed. */
  fhirNotNeeded: { server: string; count: number }[];
  predictionsNotComputed: { model: string; reason: string; count: number }[];
  /** CDS Hooks errors by service, status and reason, most frequent first. */
  errors: { service: string; status: string; reason: string; count: number }[];
  /** Calls, errors and feedback per calling client (issuer, tenant). */
  clients: { issuer: string; tenant: string; hooks: number; feedbackCalls: number; errors: number; accepted: number; overridden: number }[];
  /** Latency since start per stage (all services), ms. */
  latency: { stage: string; count: number; p50: number | null; p95: number | null; p99: number | null; meanMs: number | null }[];
  inference: {
    model: string;
    provider: string;
    rows: number;
    runs: number;
    /** rows / runs; null before the first run. */
    meanBatchSize: number | null;
    /** Runs per batch-size bucket (non-cumulative): `le` is the bucket's upper bound. */
    batchSizes: { le: number | '+Inf'; runs: number }[];
  }[];
}

const byCountDesc = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const ms = (s: number | null) => (s === null ? null : round(s * 1000));

function counts(snapshot: MetricSnapshot, name: string, label: string): { key: string; count: number }[] {
  return sumCounter(snapshot, name, [label])
    .map((g) => ({ key: g.labels[label]!, count: g.value }))
    .sort(byCountDesc);
}

export function computeTotals(snapshot: MetricSnapshot): MetricTotals {
  const traffic = new Map<string, ServiceTraffic>();
  const service = (id: string): ServiceTraffic => {
    let t = traffic.get(id);
    if (!t) {
      t = { service: id, requests: 0, ok: 0, clientErrors: 0, serverErrors: 0, deadlineMisses: 0, suggestions: 0, cards: 0 };
      traffic.set(id, t);
    }
    return t;
  };
  for (const g of sumCounter(snapshot, 'prognos_hook_requests_total', ['service', 'status'])) {
    const t = service(g.labels.service!);
    t.requests += g.value;
    const status = g.labels.status!;
    if (!isErrorStatus(status)) t.ok += g.value;
    else if (/^4\d\d$/.test(status)) t.clientErrors += g.value;
    else t.serverErrors += g.value;
  }
  for (const g of sumCounter(snapshot, 'prognos_deadline_misses_total', ['service'])) service(g.labels.service!).deadlineMisses += g.value;
  for (const g of sumCounter(snapshot, 'prognos_suggestions_total', ['service'])) service(g.labels.service!).suggestions += g.value;

  const cards = sumCounter(snapshot, 'prognos_cards_total', ['service', 'indicator'])
    .map((g) => ({ service: g.labels.service!, indicator: g.labels.indicator!, count: g.value }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.indicator.localeCompare(b.indicator));
  for (const c of cards) service(c.service).cards += c.count;

  const feedbackByService = new Map<string, { service: string; accepted: number; overridden: number }>();
  let accepted = 0;
  let overridden = 0;
  for (const g of sumCounter(snapshot, 'prognos_feedback_total', ['service', 'outcome'])) {
    const entry = feedbackByService.get(g.labels.service!) ?? { service: g.labels.service!, accepted: 0, overridden: 0 };
    if (g.labels.outcome === 'accepted') {
      entry.accepted += g.value;
      accepted += g.value;
    } else if (g.labels.outcome === 'overridden') {
      entry.overridden += g.value;
      overridden += g.value;
    }
    feedbackByService.set(entry.service, entry);
  }
  const total = accepted + overridden;

  const latency = histogramIncrease(undefined, snapshot, 'prognos_stage_duration_seconds', ['stage'])
    .map((g) => ({
      stage: g.labels.stage!,
      count: g.value.count,
      p50: ms(histogramQuantile(0.5, g.value.buckets)),
      p95: ms(histogramQuantile(0.95, g.value.buckets)),
      p99: ms(histogramQuantile(0.99, g.value.buckets)),
      meanMs: g.value.count > 0 ? round((g.value.sum / g.value.count) * 1000) : null,
    }))
    .sort((a, b) => a.stage.localeCompare(b.stage));

  const runs = new Map<string, number>();
  for (const g of sumCounter(snapshot, 'prognos_inference_runs_total', ['model', 'provider'])) {
    runs.set(`${g.labels.model}\u0001${g.labels.provider}`, g.value);
  }
  const batchHistograms = new Map<string, { le: number | '+Inf'; runs: number }[]>();
  for (const g of histogramIncrease(undefined, snapshot, 'prognos_batch_size', ['model', 'provider'])) {
    let below = 0;
    batchHistograms.set(`${g.labels.model}\u0001${g.labels.provider}`, g.value.buckets.map((b) => {
      const inBucket = b.count - below;
      below = b.count;
      return { le: b.le === Infinity ? '+Inf' as const : b.le, runs: inBucket };
    }));
  }
  const inference = sumCounter(snapshot, 'prognos_inference_rows_total', ['model', 'provider']).map((g) => {
    const key = `${g.labels.model}\u0001${g.labels.provider}`;
    const r = runs.get(key) ?? 0;
    return {
      model: g.labels.model!,
      provider: g.labels.provider!,
      rows: g.value,
      runs: r,
      meanBatchSize: r > 0 ? round(g.value / r, 2) : null,
      batchSizes: batchHistograms.get(key) ?? [],
    };
  }).sort((a, b) => a.model.localeCompare(b.model) || a.provider.localeCompare(b.provider));

  const clients = new Map<string, MetricTotals['clients'][number]>();
  const clientOf = (issuer: string, tenant: string) => {
    const key = `${issuer}\u0001${tenant}`;
    let c = clients.get(key);
    if (!c) { c = { issuer, tenant, hooks: 0, feedbackCalls: 0, errors: 0, accepted: 0, overridden: 0 }; clients.set(key, c); }
    return c;
  };
  for (const g of sumCounter(snapshot, 'prognos_client_requests_total', ['issuer', 'tenant', 'kind', 'outcome'])) {
    const c = clientOf(g.labels.issuer!, g.labels.tenant!);
    if (g.labels.kind === 'feedback') c.feedbackCalls += g.value; else c.hooks += g.value;
    if (g.labels.outcome === 'error') c.errors += g.value;
  }
  for (const g of sumCounter(snapshot, 'prognos_client_feedback_total', ['issuer', 'tenant', 'outcome'])) {
    const c = clientOf(g.labels.issuer!, g.labels.tenant!);
    if (g.labels.outcome === 'accepted') c.accepted += g.value;
    else if (g.labels.outcome === 'overridden') c.overridden += g.value;
  }

  return {
    errors: sumCounter(snapshot, 'prognos_http_errors_total', ['service', 'status', 'reason'])
      .map((g) => ({ service: g.labels.service!, status: g.labels.status!, reason: g.labels.reason!, count: g.value }))
      .sort((a, b) => b.count - a.count || a.status.localeCompare(b.status)),
    clients: [...clients.values()].sort((a, b) => b.hooks - a.hooks || a.issuer.localeCompare(b.issuer)),
    traffic: [...traffic.values()].sort((a, b) => a.service.localeCompare(b.service)),
    cards,
    feedback: {
      accepted,
      overridden,
      total,
      acceptanceRate: total > 0 ? round(accepted / total, 4) : null,
      overrideRate: total > 0 ? round(overridden / total, 4) : null,
      byService: [...feedbackByService.values()].sort((a, b) => a.service.localeCompare(b.service)),
      topOverrideReasons: counts(snapshot, 'prognos_feedback_override_reasons_total', 'reason')
        .map(({ key, count }) => ({ reason: key, count })),
    },
    dataQualityExclusions: counts(snapshot, 'prognos_data_quality_exclusions_total', 'reason').map(({ key, count }) => ({ reason: key, count })),
    jwtRejections: counts(snapshot, 'prognos_jwt_rejections_total', 'reason').map(({ key, count }) => ({ reason: key, count })),
    fhirQueries: counts(snapshot, 'prognos_fhir_queries_total', 'outcome').map(({ key, count }) => ({ outcome: key, count })),
    fhirNotNeeded: counts(snapshot, 'prognos_fhir_query_not_needed_total', 'server').map(({ key, count }) => ({ server: key, count })),
    dataQualityDetail: sumCounter(snapshot, 'prognos_data_quality_exclusions_by_concept_total', ['reason', 'concept', 'unit'])
      .map((g) => ({ reason: g.labels.reason!, concept: g.labels.concept!, unit: g.labels.unit!, count: g.value }))
      .sort(byCountDesc),
    predictionsNotComputed: sumCounter(snapshot, 'prognos_predictions_not_computed_total', ['model', 'reason'])
      .map((g) => ({ model: g.labels.model!, reason: g.labels.reason!, count: g.value }))
      .sort(byCountDesc),
    latency,
    inference,
  };
}
