/**
 * The scoring engine of embedded mode. The HTTP side builds every scoring input itself
 * (buildScoringInput from the validated request and the feature extractors, then minimised), so a
 * second schema pass over that input in the same process only re-checks our own output: it cost
 * about half a `JSON.parse` of the request per call. Embedded mode therefore scores through
 * `scoreValidated`. Inputs from anywhere else are still checked: distributed workers validate every
 * job read from Redis, and `score()` of the in-process scorer validates for any other caller.
 */
import type { InProcessScorer } from '@prognos/scorer';

/** `scorer` with `score` bound to `scoreValidated` (the caller vouches for its inputs). */
export function embeddedEngine(scorer: InProcessScorer): InProcessScorer {
  return Object.assign(Object.create(scorer) as InProcessScorer, {
    score: (input: Parameters<InProcessScorer['score']>[0], options: { deadline: number }) => scorer.scoreValidated(input, options),
  });
}
