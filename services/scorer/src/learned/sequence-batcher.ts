/**
 * Micro-batching for learned sequence models: concurrent patients' sequences of different lengths
 * are right-padded to the longest in the batch (mask 0 on padding, which the model ignores) and
 * run in one onnxruntime call. Same flush policy as runtime/micro-batcher.ts (a full batch at
 * once, else when the first row has waited maxWaitUs), same metrics; worth most on a GPU, where
 * one call of 64 patients costs about what one patient does.
 */
import type { SequencePayload } from '@prognos/contracts';
import { BatchQueue, type MicroBatcherOptions } from '../runtime/micro-batcher';
import type { PaddedBatch, SequenceSession } from './sequence-session';

export type SequenceBatcherOptions = MicroBatcherOptions;

/** Right-pads sequences into one batch (at least one step, so an empty sequence still runs). */
export function padSequences(items: readonly SequencePayload[], channels: number, staticWidth: number): PaddedBatch {
  const count = items.length;
  const steps = Math.max(1, ...items.map((s) => s.length));
  const seq = new Float32Array(count * steps * channels);
  const mask = new Float32Array(count * steps);
  const statics = new Float32Array(count * staticWidth);
  const present = new Float32Array(count * staticWidth);
  items.forEach((s, i) => {
    seq.set(s.steps, i * steps * channels);
    for (let t = 0; t < s.length; t++) mask[i * steps + t] = 1;
    statics.set(s.statics, i * staticWidth);
    present.set(s.staticPresent, i * staticWidth);
  });
  return { count, steps, seq, mask, statics, present };
}

/** Learned sequence models: items are padded to the batch's longest sequence in one run. */
export class SequenceBatcher extends BatchQueue<SequencePayload> {
  constructor(private readonly model: SequenceSession, options: SequenceBatcherOptions) {
    super({ model: model.bundle.manifest.id, provider: model.provider }, options);
  }

  protected invalid(sequence: SequencePayload): string | undefined {
    return sequence.channels !== this.model.channels || sequence.statics.length !== this.model.staticWidth
      ? `expects ${this.model.channels} channels and ${this.model.staticWidth} statics, got ${sequence.channels} and ${sequence.statics.length}`
      : undefined;
  }

  protected runItems(items: SequencePayload[]): Promise<Float32Array[]> {
    return this.model.runBatch(padSequences(items, this.model.channels, this.model.staticWidth));
  }
}
