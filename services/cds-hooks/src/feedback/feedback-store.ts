/**
 * Where feedback outcomes go. One record per CARD: a later outcome on the same card (from the client
 * it was issued to) replaces the earlier one. Each record is attributed to the service and the
 * card's kind, and remembers the issuer (and tenant) that gave it. Free-text user comments are NOT
 * kept (they may name the patient): only whether one was given.
 *
 * Summaries come from running aggregates (counts per service/kind/outcome and per offered override
 * reason), never from re-reading every record: a dashboard refresh costs the same with 10 records
 * or 10 million.
 */

export interface FeedbackRecord {
  serviceId: string;
  /** Card kind (rule id) from the card registry. */
  kind: string;
  cardUuid: string;
  /** JWT `iss` of the client the card was issued to and that gave this feedback ('development' in development mode). */
  issuer: string;
  /** JWT `tenant` of that client, when it sent one. */
  tenant?: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions: number;
  /**
   * Coded override reason, when one was selected: one of the reasons the card offered, or
   * {@link OTHER_OVERRIDE_REASON} for any other code (arbitrary client codes are never kept or counted by name).
   */
  overrideReason?: { system: string; code: string };
  hasUserComment: boolean;
  /** RFC 3339 from the client. */
  outcomeTimestamp: string;
  /** ISO time the service received it. */
  receivedAt: string;
}

/** The override reason recorded when a client sends a code its card did not offer. */
export const OTHER_OVERRIDE_REASON = { system: 'urn:prognos:override-reason', code: 'other' } as const;

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
  /**
   * Stores outcomes, one per card (`issuer` + `cardUuid`): an outcome on a card that already has
   * one replaces it in the aggregates. `onFirstOutcome` (store option) fires once per card.
   */
  record(serviceId: string, items: FeedbackRecord[]): Promise<void>;
  summary(): Promise<FeedbackSummary>;
  /**
   * The CURRENT outcome per card (bounded by the store; a replaced outcome is never returned), oldest
   * first, for the per-rule analytics and exports. Optional so that other stores stay valid.
   */
  records?(): Promise<FeedbackRecord[]>;
  /**
   * The current outcome of each given card (undefined: none yet), without reading every record:
   * what the per-rule analytics use, when a store has it, to join outcomes to the cards shown.
   */
  outcomesOf?(cards: readonly Pick<FeedbackRecord, 'issuer' | 'tenant' | 'cardUuid'>[]): Promise<(FeedbackRecord | undefined)[]>;
  close?(): Promise<void>;
}

/** Identity of a card's outcome slot: one per issuer and card uuid. */
export function outcomeKey(r: Pick<FeedbackRecord, 'issuer' | 'tenant' | 'cardUuid'>): string {
  return `${r.issuer}\u0000${r.tenant ?? ''}\u0000${r.cardUuid}`;
}

const SEP = '\t';

/**
 * The aggregate counters one record contributes to (each +1 when stored, -1 when replaced):
 * `o<TAB>service<TAB>kind<TAB>outcome` and `r<TAB>service<TAB>system|code`.
 */
export function countFields(r: FeedbackRecord): string[] {
  const fields = [['o', r.serviceId, r.kind, r.outcome].join(SEP)];
  if (r.overrideReason) fields.push(['r', r.serviceId, `${r.overrideReason.system}|${r.overrideReason.code}`].join(SEP));
  return fields;
}

/** Builds the summary from aggregate counters (as countFields names them). */
export function summaryFromCounts(counts: Iterable<[string, number]>): FeedbackSummary {
  const out: FeedbackSummary = { total: 0, accepted: 0, overridden: 0, topOverrideReasons: [], byService: {} };
  const reasons = new Map<string, { code: string; reason: string; count: number }>();
  const service = (id: string) => (out.byService[id] ??= { accepted: 0, overridden: 0, byKind: {}, overrideReasons: {} });
  for (const [field, n] of counts) {
    if (!(n > 0)) continue;
    const [type, serviceId, a, b] = field.split(SEP);
    if (!serviceId || !a) continue;
    if (type === 'o' && (b === 'accepted' || b === 'overridden')) {
      out.total += n;
      out[b] += n;
      const s = service(serviceId);
      s[b] += n;
      const k = (s.byKind[a] ??= { accepted: 0, overridden: 0 });
      k[b] += n;
    } else if (type === 'r') {
      const s = service(serviceId);
      s.overrideReasons[a] = (s.overrideReasons[a] ?? 0) + n;
      const top = reasons.get(a) ?? { code: a.slice(a.lastIndexOf('|') + 1), reason: a, count: 0 };
      top.count += n;
      reasons.set(a, top);
    }
  }
  if (out.total > 0) {
    out.acceptanceRate = out.accepted / out.total;
    out.overrideRate = out.overridden / out.total;
  }
  out.topOverrideReasons = [...reasons.values()].sort((x, y) => y.count - x.count).slice(0, 10);
  return out;
}

/** Running aggregates in memory: add a record's counters, remove a replaced one's. */
export class FeedbackCounts {
  readonly counts = new Map<string, number>();
  add(r: FeedbackRecord, sign: 1 | -1 = 1): void {
    for (const f of countFields(r)) {
      const n = (this.counts.get(f) ?? 0) + sign;
      if (n > 0) this.counts.set(f, n); else this.counts.delete(f);
    }
  }
  summary(): FeedbackSummary { return summaryFromCounts(this.counts); }
}

/** Aggregates records into a summary, the latest outcome per card counting once. */
export function summarize(records: Iterable<FeedbackRecord>): FeedbackSummary {
  const latest = new Map<string, FeedbackRecord>();
  for (const r of records) { const k = outcomeKey(r); latest.delete(k); latest.set(k, r); }
  const counts = new FeedbackCounts();
  for (const r of latest.values()) counts.add(r);
  return counts.summary();
}
