/**
 * POST /cds-services/{id}/feedback (CDS Hooks 2.0 §Feedback): validate (bounded sizes, `card` a
 * uuid), check that every card was issued by this service TO THIS CLIENT (issuer + tenant), then
 * store one outcome per card (a later one replaces an earlier one). A card that is unknown, expired,
 * issued to another client or by another service is answered 404 with an OperationOutcome naming
 * the item, and nothing of the request is counted. Override reasons the card did not offer are
 * recorded as `other`, so metric labels and aggregates come from a bounded set. Free-text comments
 * are neither stored nor counted.
 */
import { feedbackRequestSchema, OperationOutcomeError, operationOutcome } from '@prognos/contracts';
import type { CallingClient } from '../auth/authenticate';
import { parseOrThrow } from '../http/zod-outcome';
import type { CardRegistry } from './card-registry';
import { OTHER_OVERRIDE_REASON, type FeedbackRecord, type FeedbackStore } from './feedback-store';

export async function recordFeedback(
  serviceId: string,
  body: unknown,
  client: Pick<CallingClient, 'iss' | 'tenant'>,
  deps: { cardRegistry: CardRegistry; feedbackStore: FeedbackStore; now?: () => Date },
): Promise<FeedbackRecord[]> {
  const { feedback } = parseOrThrow(feedbackRequestSchema, body);
  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const attributions = await Promise.all(feedback.map((item) => deps.cardRegistry.lookup(client, item.card).catch(() => undefined)));
  const unknown = feedback.flatMap((_, i) => (attributions[i]?.serviceId === serviceId ? [] : [`feedback[${i}].card`]));
  if (unknown.length > 0) {
    // Same answer for never issued, expired, another client's or another service's card: no oracle.
    throw new OperationOutcomeError(404, operationOutcome('error', 'not-found',
      'Unknown card: not issued by this service to this client, or no longer remembered (CARD_REGISTRY_TTL_S); no feedback was recorded',
      unknown));
  }
  // One outcome per card: within one request too, the last item for a card wins.
  const byCard = new Map<string, FeedbackRecord>();
  feedback.forEach((item, i) => {
    const attribution = attributions[i]!;
    const reason = item.overrideReason?.reason;
    const offered = reason && attribution.overrideReasons?.includes(`${reason.system}|${reason.code}`);
    byCard.delete(item.card);
    byCard.set(item.card, {
      serviceId,
      kind: attribution.kind,
      cardUuid: item.card,
      issuer: client.iss,
      ...(client.tenant ? { tenant: client.tenant } : {}),
      outcome: item.outcome,
      acceptedSuggestions: item.acceptedSuggestions?.length ?? 0,
      overrideReason: reason ? (offered ? { system: reason.system, code: reason.code } : { ...OTHER_OVERRIDE_REASON }) : undefined,
      hasUserComment: Boolean(item.overrideReason?.userComment),
      outcomeTimestamp: item.outcomeTimestamp,
      receivedAt,
    });
  });
  const records = [...byCard.values()];
  await deps.feedbackStore.record(serviceId, records);
  return records;
}
