/**
 * Per-rule feedback analytics, what a hospital's CDS committee reads to decide which rules to keep:
 * for each card kind, cards shown, accepted, overridden, ignored (no feedback within the window),
 * acceptance rate with its Wilson 95 % interval, top override reasons, trend per day (or hour).
 *
 * Counting rule: ONE OUTCOME PER CARD, as the feedback store keeps it (issue 14): a card is the
 * (issuer, tenant, card uuid) it was issued to; when it has several feedback items the latest
 * received wins (an override followed by an accept counts once, as accepted). Feedback on a card
 * that was not issued to the client giving it never reaches the store (record-feedback.ts answers
 * 404), and here a shown card is matched only with feedback from the client it was shown to. A card shown and without
 * feedback is `pending` until the window has passed, then `ignored`; feedback that arrives later
 * still counts (latest wins). Acceptance rate = accepted / (accepted + overridden + ignored): cards
 * whose fate is known; pending cards are left out rather than guessed.
 * Pure: inputs in, JSON out.
 */
import { outcomeKey, type FeedbackRecord } from '../feedback/feedback-store';
import type { ShownCard } from './shown-card-log';
import { wilsonInterval } from './wilson-interval';

export interface RuleTrendPoint {
  /** Bucket start, ISO 8601 (UTC). */
  t: string;
  shown: number;
  accepted: number;
  overridden: number;
  ignored: number;
}

export interface RuleStats {
  kind: string;
  /** Services that produced this kind. */
  services: string[];
  shown: number;
  accepted: number;
  overridden: number;
  ignored: number;
  /** Shown less than the window ago, no feedback yet. */
  pending: number;
  /** accepted / (accepted + overridden + ignored); null when none is decided. */
  acceptanceRate: number | null;
  /** Wilson 95 % interval of acceptanceRate. */
  acceptanceCi: [number, number] | null;
  overrideRate: number | null;
  /** Coded override reasons, most frequent first (code, system, count). */
  topOverrideReasons: { system: string; code: string; count: number }[];
  trend: RuleTrendPoint[];
}

export interface RuleAnalytics {
  generatedAt: string;
  /** Feedback window, ms: no feedback by then counts as ignored. */
  ignoredAfterMs: number;
  since: string;
  bucket: 'day' | 'hour';
  countingRule: string;
  rules: RuleStats[];
}

export interface RuleAnalyticsOptions {
  now: number;
  ignoredAfterMs: number;
  /** Cards shown (or, without a shown record, answered) before this are left out. */
  sinceMs: number;
  bucket: 'day' | 'hour';
}

export const COUNTING_RULE = 'one outcome per card (per client it was issued to): the latest feedback received for a card wins; '
  + 'no feedback within the window = ignored; acceptance rate = accepted / (accepted + overridden + ignored)';

function received(r: FeedbackRecord): number {
  const t = Date.parse(r.receivedAt);
  return Number.isFinite(t) ? t : Date.parse(r.outcomeTimestamp);
}

/**
 * The latest feedback record per card ({@link outcomeKey}: issuer, tenant, card uuid; ties: the
 * later one in the list). The stores already return one record per card; this keeps the rule when
 * given an audit trail with replaced outcomes.
 */
export function latestOutcomePerCard(records: Iterable<FeedbackRecord>): Map<string, FeedbackRecord> {
  const latest = new Map<string, FeedbackRecord>();
  for (const r of records) {
    const k = outcomeKey(r);
    const prev = latest.get(k);
    if (!prev || received(r) >= received(prev)) latest.set(k, r);
  }
  return latest;
}

/** The outcome slot of a shown card: the client it was shown (issued) to and its uuid. */
function shownKey(c: ShownCard): string {
  return outcomeKey({ issuer: c.issuer ?? '', tenant: c.tenant, cardUuid: c.uuid });
}

function bucketStart(t: number, bucket: 'day' | 'hour'): number {
  const size = bucket === 'day' ? 86_400_000 : 3_600_000;
  return Math.floor(t / size) * size;
}

export function computeRuleAnalytics(
  shown: readonly ShownCard[],
  feedback: Iterable<FeedbackRecord>,
  options: RuleAnalyticsOptions,
): RuleAnalytics {
  const outcomes = latestOutcomePerCard(feedback);
  interface Acc { stats: RuleStats; services: Set<string>; reasons: Map<string, { system: string; code: string; count: number }>; trend: Map<number, RuleTrendPoint> }
  const byKind = new Map<string, Acc>();
  const acc = (kind: string): Acc => {
    let a = byKind.get(kind);
    if (!a) {
      a = {
        stats: { kind, services: [], shown: 0, accepted: 0, overridden: 0, ignored: 0, pending: 0, acceptanceRate: null, acceptanceCi: null, overrideRate: null, topOverrideReasons: [], trend: [] },
        services: new Set(), reasons: new Map(), trend: new Map(),
      };
      byKind.set(kind, a);
    }
    return a;
  };
  const point = (a: Acc, t: number): RuleTrendPoint => {
    const b = bucketStart(t, options.bucket);
    let p = a.trend.get(b);
    if (!p) { p = { t: new Date(b).toISOString(), shown: 0, accepted: 0, overridden: 0, ignored: 0 }; a.trend.set(b, p); }
    return p;
  };
  const count = (a: Acc, t: number, outcome: FeedbackRecord | undefined, shownAt: number | undefined): void => {
    const p = point(a, t);
    a.stats.shown += 1;
    p.shown += 1;
    if (outcome) {
      a.stats[outcome.outcome] += 1;
      p[outcome.outcome] += 1;
      if (outcome.outcome === 'overridden' && outcome.overrideReason) {
        const key = `${outcome.overrideReason.system}|${outcome.overrideReason.code}`;
        const r = a.reasons.get(key) ?? { system: outcome.overrideReason.system, code: outcome.overrideReason.code, count: 0 };
        r.count += 1;
        a.reasons.set(key, r);
      }
    } else if (shownAt !== undefined && options.now - shownAt >= options.ignoredAfterMs) {
      a.stats.ignored += 1;
      p.ignored += 1;
    } else {
      a.stats.pending += 1;
    }
  };

  const seen = new Set<string>();
  for (const c of shown) {
    const key = shownKey(c);
    if (c.shownAt < options.sinceMs || seen.has(key)) continue;
    seen.add(key);
    const a = acc(c.kind);
    a.services.add(c.serviceId);
    count(a, c.shownAt, outcomes.get(key), c.shownAt);
  }
  // Feedback for cards the shown log no longer holds (older than its capacity, or before a
  // restart): counted under the kind the feedback was attributed to, shown at its feedback time.
  for (const [key, r] of outcomes) {
    if (seen.has(key)) continue;
    const t = received(r);
    if (!(t >= options.sinceMs)) continue;
    const a = acc(r.kind);
    a.services.add(r.serviceId);
    count(a, t, r, undefined);
  }

  const rules = [...byKind.values()].map((a) => {
    const s = a.stats;
    s.services = [...a.services].sort();
    const decided = s.accepted + s.overridden + s.ignored;
    s.acceptanceRate = decided > 0 ? s.accepted / decided : null;
    s.overrideRate = decided > 0 ? s.overridden / decided : null;
    s.acceptanceCi = wilsonInterval(s.accepted, decided);
    s.topOverrideReasons = [...a.reasons.values()].sort((x, y) => y.count - x.count || x.code.localeCompare(y.code)).slice(0, 10);
    s.trend = [...a.trend.entries()].sort((x, y) => x[0] - y[0]).map(([, p]) => p);
    return s;
  }).sort((x, y) => y.shown - x.shown || x.kind.localeCompare(y.kind));

  return {
    generatedAt: new Date(options.now).toISOString(),
    ignoredAfterMs: options.ignoredAfterMs,
    since: new Date(options.sinceMs).toISOString(),
    bucket: options.bucket,
    countingRule: COUNTING_RULE,
    rules,
  };
}
