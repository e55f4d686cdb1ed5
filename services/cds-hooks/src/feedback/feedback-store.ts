/**
 * Where feedback outcomes go. One record per feedback item, attributed to the service and the card's
 * kind. Free-text user comments are NOT kept (they may name the patient): only whether one was given.
 */

export interface FeedbackRecord {
  serviceId: string;
  /** Card kind (rule id) from the card registry; 'unknown' when the card is no longer remembered. */
  kind: string;
  cardUuid: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions: number;
  /** Coded override reason, when one was selected. */
  overrideReason?: { system: string; code: string };
  hasUserComment: boolean;
  /** RFC 3339 from the client. */
  outcomeTimestamp: string;
  /** ISO time the service received it. */
  receivedAt: string;
}

export interface OutcomeCounts { accepted: number; overridden: number }

/**
 * Aggregates; the top-level counts and rates are the shape the dashboard reads
 * (ops/ops-dependencies.ts FeedbackSummary). Rates are fractions 0..1 of all outcomes.
 */
export interface FeedbackSummary {
  total: number;
  accepted: number;
  overridden: number;
  acceptanceRate?: number;
  overrideRate?: number;
  /** Most frequent coded override reasons, all services together. */
  topOverrideReasons: { code: string; reason: string; count: number }[];
  byService: Record<string, OutcomeCounts & {
    byKind: Record<string, OutcomeCounts>;
    /** `system|code` → count. */
    overrideReasons: Record<string, number>;
  }>;
  /** Distributed mode: items waiting for Redis. */
  pending?: number;
}

export interface FeedbackStore {
  record(serviceId: string, items: FeedbackRecord[]): Promise<void>;
  summary(): Promise<FeedbackSummary>;
  /**
   * The stored records (bounded by the store), oldest first, for the per-rule analytics. Optional
   * so that other stores stay valid; the analytics count the latest record per card uuid.
   */
  records?(): Promise<FeedbackRecord[]>;
  close?(): Promise<void>;
}

/** Aggregates records into a summary (shared by both stores). */
export function summarize(records: Iterable<FeedbackRecord>): FeedbackSummary {
  const out: FeedbackSummary = { total: 0, accepted: 0, overridden: 0, topOverrideReasons: [], byService: {} };
  const reasons = new Map<string, { code: string; reason: string; count: number }>();
  for (const r of records) {
    out.total += 1;
    out[r.outcome] += 1;
    const s = (out.byService[r.serviceId] ??= { accepted: 0, overridden: 0, byKind: {}, overrideReasons: {} });
    s[r.outcome] += 1;
    const k = (s.byKind[r.kind] ??= { accepted: 0, overridden: 0 });
    k[r.outcome] += 1;
    if (r.overrideReason) {
      const key = `${r.overrideReason.system}|${r.overrideReason.code}`;
      s.overrideReasons[key] = (s.overrideReasons[key] ?? 0) + 1;
      const top = reasons.get(key) ?? { code: r.overrideReason.code, reason: key, count: 0 };
      top.count += 1;
      reasons.set(key, top);
    }
  }
  if (out.total > 0) {
    out.acceptanceRate = out.accepted / out.total;
    out.overrideRate = out.overridden / out.total;
  }
  out.topOverrideReasons = [...reasons.values()].sort((a, b) => b.count - a.count).slice(0, 10);
  return out;
}
