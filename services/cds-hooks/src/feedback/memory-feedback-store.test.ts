import { randomUUID } from 'node:crypto';
import type { FeedbackRecord } from './feedback-store';
import { MemoryFeedbackStore } from './memory-feedback-store';

function item(cardUuid: string, outcome: 'accepted' | 'overridden', issuer = 'https://ehr.example'): FeedbackRecord {
  return {
    serviceId: 'ckd-progression', kind: 'ckd.referral', cardUuid, issuer, outcome, acceptedSuggestions: outcome === 'accepted' ? 1 : 0,
    hasUserComment: false, outcomeTimestamp: '2024-01-01T00:00:00Z', receivedAt: new Date().toISOString(),
  };
}

describe('MemoryFeedbackStore.records (per-rule analytics source)', () => {
  it('returns the current outcome per card only: a replaced outcome is not returned, first outcomes counted once', async () => {
    const first: FeedbackRecord[] = [];
    const store = new MemoryFeedbackStore({ onFirstOutcome: (r) => first.push(r) });
    const a = randomUUID();
    const b = randomUUID();
    await store.record('ckd-progression', [item(a, 'overridden'), item(b, 'accepted')]);
    await store.record('ckd-progression', [item(a, 'accepted')]);
    expect((await store.records()).map((r) => [r.cardUuid, r.outcome])).toEqual([[b, 'accepted'], [a, 'accepted']]);
    expect(first.map((r) => r.cardUuid)).toEqual([a, b]);
    expect(await store.summary()).toMatchObject({ total: 2, accepted: 2, overridden: 0 });
  });
});
