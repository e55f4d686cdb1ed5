/**
 * Metrics for a card's FIRST outcome (the stores call this once per card, so repeated posts on one
 * card do not inflate the counters): labels are the service id, the card kind and the reason code
 * our card offered (or `other`), all from bounded sets; and the per-client feedback counter
 * (`prognos_client_feedback_total{issuer, tenant}`).
 */
import { feedbackOutcomes, feedbackOverrideReasons } from '../metrics';
import { countClientFeedback } from '../ops/cds-traffic-log';
import type { FeedbackRecord } from './feedback-store';

export function countFirstOutcome(r: FeedbackRecord): void {
  feedbackOutcomes.inc({ service: r.serviceId, kind: r.kind, outcome: r.outcome });
  if (r.overrideReason) feedbackOverrideReasons.inc({ service: r.serviceId, reason: r.overrideReason.code });
  // Per calling client (dashboard's client panel): the card's issuer/tenant, once per card too.
  countClientFeedback({ iss: r.issuer, tenant: r.tenant }, [r.outcome]);
}
