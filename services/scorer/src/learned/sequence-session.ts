/**
 * One learned sequence model's onnxruntime session: four inputs (seq [N, T, C], mask [N, T],
 * static [N, S], static_present [N, S]) with dynamic batch and step axes, outputs per manifest
 * ([N, 1] each). Created and warmed at boot like the flat models; CPU or CUDA as chosen for all.
 */
import * as ort from 'onnxruntime-node';
import { shortOrtError, type ExecutionProviderName, type ThreadSettings } from '../runtime/execution-provider';
import { loadOrtSession } from '../runtime/model-session';
import type { LearnedBundle } from './read-learned-bundles';
import type { PaddedSequences } from '@prognos/fhir-features';

/** The padded tensors of one run (the layout the training dataset uses: @prognos/fhir-features padSequences). */
export type PaddedBatch = PaddedSequences;

export interface SequenceSession {
  readonly bundle: LearnedBundle;
  readonly provider: ExecutionProviderName;
  readonly channels: number;
  readonly staticWidth: number;
  readonly loadMs: number;
  /** Per manifest output, one value per row. */
  runBatch(batch: PaddedBatch): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export async function createSequenceSession(bundle: LearnedBundle, provider: ExecutionProviderName, threads: ThreadSettings): Promise<SequenceSession> {
  const started = performance.now();
  const m = bundle.manifest;
  const session = await loadOrtSession(bundle.modelPath, provider, threads);
  const names = [m.tensors.seq, m.tensors.mask, m.tensors.static, m.tensors.staticPresent];
  const absent = names.filter((n) => !session.inputNames.includes(n));
  const missingOut = m.outputs.filter((o) => !session.outputNames.includes(o.name)).map((o) => o.name);
  if (absent.length > 0 || missingOut.length > 0) {
    await session.release();
    throw new Error(`${bundle.modelPath}: inputs ${absent.join(', ') || 'ok'} / outputs ${missingOut.join(', ') || 'ok'} missing from the model (it has ${session.inputNames.join(', ')} -> ${session.outputNames.join(', ')})`);
  }
  const channels = m.channels.length;
  const staticWidth = m.statics.length;
  const outputNames = m.outputs.map((o) => o.name);
  const runBatch = async (b: PaddedBatch): Promise<Float32Array[]> => {
    const out = await session.run({
      [m.tensors.seq]: new ort.Tensor('float32', b.seq, [b.count, b.steps, channels]),
      [m.tensors.mask]: new ort.Tensor('float32', b.mask, [b.count, b.steps]),
      [m.tensors.static]: new ort.Tensor('float32', b.statics, [b.count, staticWidth]),
      [m.tensors.staticPresent]: new ort.Tensor('float32', b.present, [b.count, staticWidth]),
    }, outputNames);
    return outputNames.map((n) => out[n]!.data as Float32Array);
  };
  try {
    // Warm-up: one patient with one all-zero step (a plausible shape; the values do not matter).
    const warm = await runBatch({ count: 1, steps: 1, seq: new Float32Array(channels), mask: Float32Array.of(1), statics: new Float32Array(staticWidth), present: new Float32Array(staticWidth).fill(1) });
    if (warm.some((v) => v.length !== 1)) throw new Error('unexpected output shape');
  } catch (err) {
    await session.release();
    throw new Error(`${bundle.modelPath}: warm-up run failed: ${shortOrtError(err)}`);
  }
  const loadMs = Math.round((performance.now() - started) * 100) / 100;
  return { bundle, provider, channels, staticWidth, loadMs, runBatch, release: () => session.release() };
}
