/**
 * Prometheus metrics of the scorer (prom-client default registry). In embedded mode they appear on
 * the HTTP service's /metrics; a distributed worker serves its own /metrics (METRICS_PORT).
 */
import client from 'prom-client';
import { getOrCreateMetric } from './get-or-create-metric';


/** Rows scored; rows / runs is the mean batch size. */
export const inferenceRows = getOrCreateMetric('prognos_inference_rows_total', () => new client.Counter({
  name: 'prognos_inference_rows_total',
  help: 'Rows scored by model and execution provider',
  labelNames: ['model', 'provider'] as const,
}));

export const inferenceRuns = getOrCreateMetric('prognos_inference_runs_total', () => new client.Counter({
  name: 'prognos_inference_runs_total',
  help: 'onnxruntime session runs by model and execution provider',
  labelNames: ['model', 'provider'] as const,
}));

export const batchSize = getOrCreateMetric('prognos_batch_size', () => new client.Histogram({
  name: 'prognos_batch_size',
  help: 'Rows per onnxruntime run',
  labelNames: ['model', 'provider'] as const,
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
}));

export const inferenceDuration = getOrCreateMetric('prognos_inference_duration_seconds', () => new client.Histogram({
  name: 'prognos_inference_duration_seconds',
  help: 'Duration of one onnxruntime run (a whole batch)',
  labelNames: ['model', 'provider'] as const,
  buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
}));

export const predictionsNotComputed = getOrCreateMetric('prognos_predictions_not_computed_total', () => new client.Counter({
  name: 'prognos_predictions_not_computed_total',
  help: 'Predictions skipped, by model and reason (e.g. out_of_range, missing_input)',
  labelNames: ['model', 'reason'] as const,
}));

/** Medication suggestions screened by the clinical safety stage, by service and verdict (block / caution / clear). */
export const safetyScreenings = getOrCreateMetric('prognos_safety_screenings_total', () => new client.Counter({
  name: 'prognos_safety_screenings_total',
  help: 'Medication suggestions screened by the clinical safety stage, by service and verdict',
  labelNames: ['service', 'verdict'] as const,
}));
