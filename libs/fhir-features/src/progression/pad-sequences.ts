/**
 * Right-pads patients' event sequences into the tensors a learned sequence model reads: the one
 * layout for the training dataset (padded to the set's maxSteps, written as .npy) and for serving
 * (padded to the longest sequence in a micro-batch), so that training and serving never differ.
 * Padding steps carry mask 0, which the model ignores.
 */

/** What is padded: a sequence as buildSequence returns it (length x channels steps, statics). */
export interface SequenceToPad {
  length: number;
  steps: ArrayLike<number>;
  statics: ArrayLike<number>;
  staticPresent: ArrayLike<number>;
}

export interface PaddedSequences {
  count: number;
  /** Steps per sequence after padding. */
  steps: number;
  /** count x steps x channels, row-major. */
  seq: Float32Array;
  /** count x steps: 1 for a real step, 0 for padding. */
  mask: Float32Array;
  /** count x staticWidth. */
  statics: Float32Array;
  present: Float32Array;
}

/**
 * Pads `items` to `steps` (default: the longest item, at least one step so that an empty
 * sequence still runs).
 */
export function padSequences(items: readonly SequenceToPad[], channels: number, staticWidth: number, steps?: number): PaddedSequences {
  const count = items.length;
  const T = steps ?? Math.max(1, ...items.map((s) => s.length));
  const seq = new Float32Array(count * T * channels);
  const mask = new Float32Array(count * T);
  const statics = new Float32Array(count * staticWidth);
  const present = new Float32Array(count * staticWidth);
  items.forEach((s, i) => {
    seq.set(s.steps, i * T * channels);
    for (let t = 0; t < s.length; t++) mask[i * T + t] = 1;
    statics.set(s.statics, i * staticWidth);
    present.set(s.staticPresent, i * staticWidth);
  });
  return { count, steps: T, seq, mask, statics, present };
}
