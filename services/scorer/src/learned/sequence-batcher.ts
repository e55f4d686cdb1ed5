/**
 * Micro-batching for learned sequence models: concurrent patients' sequences of different lengths
 * are right-padded to the longest in the batch (mask 0 on padding, which the model ignores) and
 * run in one onnxruntime call. Same flush policy as runtime/micro-batcher.ts (a full batch at
 * once, else when the first row has waited maxWaitUs), same metrics; worth most on a GPU, where
 * one call of 64 patients costs about what one patient does.
 */
import type { SequencePayload } from '@prognos/contracts';
import { BatchQueue, type MicroBatcherOptions } from '../runtime/micro-batcher';
import { padSequences } from '@prognos/fhir-features';
import type { SequenceSession } from './sequence-session';

export type SequenceBatcherOptions = MicroBatcherOptions;

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
