/**
 * POST /cds-services/{id}/feedback (CDS Hooks 2.0 §Feedback): validate, attribute each item to its
 * card's kind, count it (feedbackOutcomes, feedbackOverrideReasons with the reason CODE only) and
 * store it. Free-text comments are neither stored nor counted.
 */
import { feedbackRequestSchema } from '@prognos/contracts';
import { parseOrThrow } from '../http/zod-outcome';
import { feedbackOutcomes, feedbackOverrideReasons } from '../metrics';
import type { CardRegistry } from './card-registry';
import type { FeedbackRecord, FeedbackStore } from './feedback-store';

/** Reason codes longer than this are truncated in metric labels (bounded label size). */
const MAX_LABEL = 64;

export async function recordFeedback(
  serviceId: string,
  body: unknown,
  deps: { cardRegistry: CardRegistry; feedbackStore: FeedbackStore; now?: () => Date },
): Promise<FeedbackRecord[]> {
  const { feedback } = parseOrThrow(feedbackRequestSchema, body);
  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const records: FeedbackRecord[] = [];
  for (const item of feedback) {
    const attribution = await deps.cardRegistry.lookup(item.card).catch(() => undefined);
    const kind = attribution && attribution.serviceId === serviceId ? attribution.kind : 'unknown';
    const reason = item.overrideReason?.reason;
    records.push({
      serviceId,
      kind,
      cardUuid: item.card,
      outcome: item.outcome,
      acceptedSuggestions: item.acceptedSuggestions?.length ?? 0,
      overrideReason: reason ? { system: reason.system, code: reason.code } : undefined,
      hasUserComment: Boolean(item.overrideReason?.userComment),
      outcomeTimestamp: item.outcomeTimestamp,
      receivedAt,
    });
  }
  await deps.feedbackStore.record(serviceId, records);
  for (const r of records) {
    feedbackOutcomes.inc({ service: serviceId, kind: r.kind, outcome: r.outcome });
    if (r.overrideReason) feedbackOverrideReasons.inc({ service: serviceId, reason: r.overrideReason.code.slice(0, MAX_LABEL) });
  }
  return records;
}
