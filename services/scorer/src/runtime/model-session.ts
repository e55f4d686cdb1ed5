/**
 * One model's onnxruntime session: created and warmed at boot, then run on whole batches.
 */
import * as ort from 'onnxruntime-node';
import type { ModelBundle } from '../bundles/read-model-bundle';
import { sessionOptionsFor, shortOrtError, type ExecutionProviderName, type ThreadSettings } from './execution-provider';

export interface ModelSession {
  readonly bundle: ModelBundle;
  readonly provider: ExecutionProviderName;
  /** Columns per row (manifest inputs). */
  readonly width: number;
  /** ms to create the session and run the warm-up row. */
  readonly loadMs: number;
  /** Runs `rows` (row-major, rows × width) and returns, per manifest output, one value per row. */
  runBatch(rows: Float32Array, count: number): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/** A plausible warm-up row: mid-range where the manifest gives a range, else 1 (not 0: logs of 0 are -inf). */
function warmupRow(bundle: ModelBundle): Float32Array {
  return Float32Array.from(bundle.manifest.inputs.map((i) => {
    if (i.min !== undefined && i.max !== undefined) return (i.min + i.max) / 2;
    if (i.min !== undefined) return i.min + 1;
    if (i.max !== undefined) return i.max;
    return 1;
  }));
}

/**
 * An onnxruntime session for `modelPath` on `provider` (flat and learned models alike).
 * @throws Error naming the file when onnxruntime cannot load it
 */
export async function loadOrtSession(modelPath: string, provider: ExecutionProviderName, threads: ThreadSettings): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(modelPath, sessionOptionsFor(provider, threads));
  } catch (err) {
    throw new Error(`${modelPath}: onnxruntime could not load the model: ${shortOrtError(err)}`);
  }
}

/**
 * Creates the session, checks its input/outputs against the manifest and warms it with one run.
 * @throws Error naming the bundle when the ONNX file cannot be loaded or does not match its manifest
 */
export async function createModelSession(bundle: ModelBundle, provider: ExecutionProviderName, threads: ThreadSettings): Promise<ModelSession> {
  const started = performance.now();
  const m = bundle.manifest;
  const session = await loadOrtSession(bundle.modelPath, provider, threads);
  const inputName = m.inputTensor ?? session.inputNames[0];
  if (!inputName || !session.inputNames.includes(inputName)) {
    await session.release();
    throw new Error(`${bundle.modelPath}: input tensor '${inputName ?? ''}' not found (model inputs: ${session.inputNames.join(', ')})`);
  }
  if (session.inputNames.length !== 1) {
    await session.release();
    throw new Error(`${bundle.modelPath}: the model must have exactly one input (float32 [N, ${m.inputs.length}]); it has ${session.inputNames.length}`);
  }
  const missing = m.outputs.filter((o) => !session.outputNames.includes(o.name)).map((o) => o.name);
  if (missing.length > 0) {
    await session.release();
    throw new Error(`${bundle.modelPath}: manifest outputs not in the model: ${missing.join(', ')} (model outputs: ${session.outputNames.join(', ')})`);
  }
  const width = m.inputs.length;
  const outputNames = m.outputs.map((o) => o.name);

  const runBatch = async (rows: Float32Array, count: number): Promise<Float32Array[]> => {
    const result = await session.run({ [inputName]: new ort.Tensor('float32', rows, [count, width]) }, outputNames);
    return m.outputs.map((o) => {
      const t = result[o.name]!;
      const data = t.data as Float32Array;
      const perRow = data.length / count;
      const column = o.column ?? 0;
      if (perRow === 1 && column === 0) return data;
      const out = new Float32Array(count);
      for (let r = 0; r < count; r++) out[r] = data[r * perRow + column]!;
      return out;
    });
  };

  try {
    const warm = await runBatch(warmupRow(bundle), 1);
    if (warm.length !== m.outputs.length || warm.some((v) => v.length !== 1)) throw new Error('unexpected output shape');
  } catch (err) {
    await session.release();
    throw new Error(`${bundle.modelPath}: warm-up run failed: ${shortOrtError(err)}`);
  }
  const loadMs = Math.round((performance.now() - started) * 100) / 100;
  return { bundle, provider, width, loadMs, runBatch, release: () => session.release() };
}
