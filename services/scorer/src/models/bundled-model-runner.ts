/**
 * Runs a committed bundled model (services/scorer/models/<id>/model.onnx) on raw rows with a
 * plain CPU session: what the golden tests and the micro-benchmark use.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';

/** services/scorer/models (from src/models or dist/models alike). */
export const BUNDLED_MODELS_DIR = path.resolve(__dirname, '..', '..', 'models');

export async function openBundledModel(id: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path.join(BUNDLED_MODELS_DIR, id, 'model.onnx'), {
    executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1,
  });
}

/** Runs rows (each in feature-set order) and returns output name → one value per row. */
export async function runRows(session: ort.InferenceSession, rows: readonly (readonly number[])[]): Promise<Record<string, number[]>> {
  const width = rows[0]!.length;
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]) };
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(t.data as Float32Array)]));
}

/** Deterministic pseudo-random numbers (mulberry32) so reference comparisons are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
