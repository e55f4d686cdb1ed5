/**
 * Metrics for a card's FIRST outcome (the stores call this once per card, so repeated posts on one
 * card do not inflate the counters): labels are the service id, the card kind and the reason code
 * our card offered (or `other`), all from bounded sets.
 */
import { feedbackOutcomes, feedbackOverrideReasons } from '../metrics';
import type { FeedbackRecord } from './feedback-store';

export function countFirstOutcome(r: FeedbackRecord): void {
  feedbackOutcomes.inc({ service: r.serviceId, kind: r.kind, outcome: r.outcome });
  if (r.overrideReason) feedbackOverrideReasons.inc({ service: r.serviceId, reason: r.overrideReason.code });
}
