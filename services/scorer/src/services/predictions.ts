/**
 * Reading the engine's PredictionRecords for one model: computed outputs and reasons for outputs
 * that were not computed.
 */
import type { PredictionRecord } from '@prognos/contracts';

/** Display titles of the bundled models (RiskAssessment.method and card text). */
export const MODEL_TITLES: Record<string, string> = {
  'kfre-4var-na': 'KFRE 4-variable (North American calibration)',
  'kfre-4var-other': 'KFRE 4-variable (non-North American calibration)',
  'kfre-8var-na': 'KFRE 8-variable (North American calibration)',
  'kfre-8var-other': 'KFRE 8-variable (non-North American calibration)',
  pce: 'Pooled Cohort Equations',
  'prevent-base-10y': 'AHA PREVENT base 10-year',
  'iwpc-warfarin': 'IWPC pharmacogenetic warfarin dosing algorithm (2009)',
};

export function modelTitle(modelId: string): string {
  return MODEL_TITLES[modelId] ?? modelId;
}

export type ComputedPrediction = PredictionRecord & { value: number };

/** The computed (finite, 0..1) value of one model output, if any. */
export function computedOutput(predictions: PredictionRecord[], modelId: string, output: string): ComputedPrediction | undefined {
  const p = predictions.find((r) => r.modelId === modelId && r.output === output);
  if (!p || p.notComputedReason !== undefined || typeof p.value !== 'number' || !Number.isFinite(p.value)) return undefined;
  if (p.value < 0 || p.value > 1) return undefined;
  return p as ComputedPrediction;
}

/** Distinct not-computed reasons recorded for a model ("model: reason"). */
export function notComputedReasons(predictions: PredictionRecord[], modelId: string): string[] {
  const reasons = new Set<string>();
  for (const p of predictions) {
    if (p.modelId === modelId && p.notComputedReason) reasons.add(p.notComputedReason);
  }
  return [...reasons];
}

export function ranModel(predictions: PredictionRecord[], modelId: string): boolean {
  return predictions.some((p) => p.modelId === modelId);
}
