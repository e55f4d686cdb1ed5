/**
 * reference.json of a learned bundle: inputs and the outputs PyTorch computed for them at export.
 * Running the ONNX model on the same inputs through onnxruntime-node must reproduce them: the
 * PyTorch-vs-onnxruntime parity check of `npm run train`, and the committed-bundle test in CI.
 */
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';

export interface LearnedReference {
  shape: { batch: number; steps: number; channels: number; statics: number };
  inputs: { seq: number[]; mask: number[]; static: number[]; static_present: number[] };
  outputs: { risk_2y: number[]; risk_5y: number[] };
}

export function readReference(file: string): LearnedReference {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LearnedReference;
}

/** Runs the model on the reference inputs; returns the outputs by name. */
export async function runReference(modelPath: string, ref: LearnedReference, provider: 'cpu' | 'cuda' = 'cpu'): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: [provider], intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const { batch, steps, channels, statics } = ref.shape;
    const out = await session.run({
      seq: new ort.Tensor('float32', Float32Array.from(ref.inputs.seq), [batch, steps, channels]),
      mask: new ort.Tensor('float32', Float32Array.from(ref.inputs.mask), [batch, steps]),
      static: new ort.Tensor('float32', Float32Array.from(ref.inputs.static), [batch, statics]),
      static_present: new ort.Tensor('float32', Float32Array.from(ref.inputs.static_present), [batch, statics]),
    });
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between onnxruntime's and PyTorch's outputs on the reference. */
export async function maxReferenceError(modelPath: string, ref: LearnedReference, provider: 'cpu' | 'cuda' = 'cpu'): Promise<number> {
  const out = await runReference(modelPath, ref, provider);
  let max = 0;
  for (const name of ['risk_2y', 'risk_5y'] as const) {
    const got = out[name];
    const want = ref.outputs[name];
    if (!got || got.length !== want.length) return Infinity;
    for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!));
  }
  return max;
}
