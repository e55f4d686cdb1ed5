/**
 * Turns a feature vector into one model input row, or says precisely why the model cannot run:
 * the set is absent or of another version, an input is missing, or a value lies outside the
 * model's validated range (a model is never extrapolated).
 */
import type { FeatureVectorPayload } from '@prognos/contracts';
import type { ManifestInput, ModelManifest } from '../bundles/model-manifest';

/** Low-cardinality reason codes (the prognos_predictions_not_computed_total `reason` label). */
export type NotComputedCode =
  | 'feature_set_missing' | 'feature_set_mismatch' | 'missing_input' | 'out_of_range'
  | 'model_unavailable' | 'inference_error' | 'non_finite_output' | 'deadline_exceeded';

export type ModelRowResult =
  | { ok: true; row: Float32Array }
  | { ok: false; code: NotComputedCode; reason: string };

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
}

/** Human-readable validated range of an input, e.g. "10–60" or "> 0". */
export function describeRange(i: ManifestInput): string {
  const lower = i.min === undefined ? undefined : `${i.minExclusive ? '> ' : '≥ '}${fmt(i.min)}`;
  if (i.min !== undefined && i.max !== undefined && !i.minExclusive) return `${fmt(i.min)}–${fmt(i.max)}`;
  if (lower && i.max !== undefined) return `${lower} and ≤ ${fmt(i.max)}`;
  return lower ?? (i.max !== undefined ? `≤ ${fmt(i.max)}` : 'any');
}

function inRange(v: number, i: ManifestInput): boolean {
  if (i.min !== undefined && (i.minExclusive ? v <= i.min : v < i.min)) return false;
  if (i.max !== undefined && v > i.max) return false;
  return true;
}

/**
 * Builds the row in manifest input order from `payload` (looked up by feature name).
 * Reasons are written for the card detail, e.g. "missing input: uacr_mg_g" or
 * "outside the validated range: egfr 72 mL/min/{1.73_m2} (validated 10–60)".
 */
export function buildModelRow(m: ModelManifest, payload: FeatureVectorPayload | undefined): ModelRowResult {
  if (!payload) return { ok: false, code: 'feature_set_missing', reason: `feature set '${m.featureSet}' was not provided` };
  if (payload.set !== m.featureSet || payload.version !== m.featureSetVersion) {
    return {
      ok: false, code: 'feature_set_mismatch',
      reason: `feature set ${payload.set}@${payload.version} given, model ${m.id} reads ${m.featureSet}@${m.featureSetVersion}`,
    };
  }
  if (payload.values.length !== payload.names.length || payload.present.length !== payload.names.length) {
    return { ok: false, code: 'feature_set_mismatch', reason: `feature set ${payload.set}: names, values and present differ in length` };
  }
  const index = new Map(payload.names.map((n, i) => [n, i] as const));
  const row = new Float32Array(m.inputs.length);
  const missing: string[] = [];
  const outside: string[] = [];
  m.inputs.forEach((input, k) => {
    const i = index.get(input.name);
    if (i === undefined) { missing.push(input.name); return; }
    const v = payload.values[i]!;
    if (payload.present[i] !== 1 || !Number.isFinite(v)) { missing.push(input.name); return; }
    if (!inRange(v, input)) outside.push(`${input.name} ${fmt(v)} ${input.unit} (validated ${describeRange(input)})`);
    row[k] = v;
  });
  if (missing.length > 0) return { ok: false, code: 'missing_input', reason: `missing input: ${missing.join(', ')}` };
  if (outside.length > 0) return { ok: false, code: 'out_of_range', reason: `outside the validated range: ${outside.join('; ')}` };
  return { ok: true, row };
}
