import type { FeedbackRecord } from '../feedback/feedback-store';
import { computeRuleAnalytics } from './rule-analytics';
import { ruleAnalyticsCsv } from './rule-analytics-csv';
import type { ShownCard } from './shown-card-log';
import { wilsonInterval } from './wilson-interval';

const H = 3_600_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const shown = (uuid: string, kind: string, hoursAgo: number): ShownCard =>
  ({ uuid, serviceId: 'ckd-progression', kind, indicator: 'warning', shownAt: NOW - hoursAgo * H, issuer: 'ehr-a' });
const fb = (uuid: string, outcome: 'accepted' | 'overridden', hoursAgo: number, code?: string, issuer = 'ehr-a'): FeedbackRecord => ({
  serviceId: 'ckd-progression', kind: 'ckd.refer-nephrology', cardUuid: uuid, issuer, outcome, acceptedSuggestions: outcome === 'accepted' ? 1 : 0,
  overrideReason: code ? { system: 'urn:prognos:override', code } : undefined, hasUserComment: false,
  outcomeTimestamp: new Date(NOW - hoursAgo * H).toISOString(), receivedAt: new Date(NOW - hoursAgo * H).toISOString(),
});
const opts = { now: NOW, ignoredAfterMs: 24 * H, sinceMs: NOW - 30 * 24 * H, bucket: 'day' as const };

describe('computeRuleAnalytics', () => {
  it('counts one outcome per card (latest wins), ignored after the window, pending before it', () => {
    const a = computeRuleAnalytics([
      shown('a', 'ckd.refer-nephrology', 50), shown('b', 'ckd.refer-nephrology', 50), shown('c', 'ckd.refer-nephrology', 50),
      shown('d', 'ckd.refer-nephrology', 30), shown('e', 'ckd.refer-nephrology', 2), shown('f', 'ckd.sglt2i', 3),
    ], [
      fb('a', 'overridden', 49, 'not-relevant'), fb('a', 'accepted', 40), // a: accepted (latest)
      fb('b', 'accepted', 49), fb('b', 'overridden', 48, 'patient-declined'), // b: overridden (latest)
      fb('c', 'accepted', 45),
    ], opts);
    const r = a.rules.find((x) => x.kind === 'ckd.refer-nephrology')!;
    expect(r).toMatchObject({ shown: 5, accepted: 2, overridden: 1, ignored: 1, pending: 1 });
    expect(r.acceptanceRate).toBeCloseTo(2 / 4);
    expect(r.acceptanceCi).toEqual(wilsonInterval(2, 4));
    expect(r.topOverrideReasons).toEqual([{ system: 'urn:prognos:override', code: 'patient-declined', count: 1 }]);
    expect(r.trend.reduce((n, p) => n + p.shown, 0)).toBe(5);
    const s = a.rules.find((x) => x.kind === 'ckd.sglt2i')!;
    expect(s).toMatchObject({ shown: 1, pending: 1, acceptanceRate: null, acceptanceCi: null });
  });

  it('the window decides from both sides: 23.9 h without feedback is pending, 24 h is ignored', () => {
    const a = computeRuleAnalytics([shown('x', 'k', 23.9), shown('y', 'k', 24)], [], opts);
    expect(a.rules[0]).toMatchObject({ pending: 1, ignored: 1 });
  });

  it('matches a shown card only with feedback from the client it was shown to', () => {
    const a = computeRuleAnalytics([shown('x', 'ckd.refer-nephrology', 50)], [fb('x', 'accepted', 49, undefined, 'ehr-b')], opts);
    const r = a.rules.find((k) => k.kind === 'ckd.refer-nephrology')!;
    // ehr-a's card stays without feedback (ignored); ehr-b's outcome is its own slot, never ehr-a's.
    expect(r).toMatchObject({ shown: 2, accepted: 1, ignored: 1 });
  });

  it('counts feedback for a card the shown log no longer holds under its attributed kind', () => {
    const a = computeRuleAnalytics([], [fb('old', 'accepted', 5)], opts);
    expect(a.rules[0]).toMatchObject({ kind: 'ckd.refer-nephrology', shown: 1, accepted: 1 });
  });

  it('exports CSV that a spreadsheet cannot run as a formula', () => {
    const a = computeRuleAnalytics([shown('a', '=HYPERLINK("x")', 50)], [], opts);
    const csv = ruleAnalyticsCsv(a);
    expect(csv.split('\r\n')[0]).toBe('kind,services,shown,accepted,overridden,ignored,pending,acceptance_rate,acceptance_ci_low,acceptance_ci_high,override_rate,top_override_reasons');
    expect(csv.split('\r\n')[1]).toBe(`"'=HYPERLINK(""x"")",ckd-progression,1,0,0,1,0,0,0,0.7935,0,`);
  });
});
