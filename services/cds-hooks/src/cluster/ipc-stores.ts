/**
 * The embedded processes' shared state when there is no Redis: the card registry, the jti replay
 * cache and the feedback store live in the cluster primary (the in-memory implementations, one
 * copy), and each worker reaches them over IPC through these adapters. A card issued by one worker
 * can be fed back through another, a jti used on one is refused on every other, and the feedback
 * summary counts every process's outcomes. The state survives a worker crash (it is in the primary).
 */
import { MemoryReplayCache, type ReplayCache } from '../auth/replay-cache';
import { MemoryCardRegistry, type CardAttribution, type CardRegistry, type ClientIdentity, type IssuedCard } from '../feedback/card-registry';
import type { FeedbackRecord, FeedbackStore, FeedbackSummary } from '../feedback/feedback-store';
import { MemoryFeedbackStore } from '../feedback/memory-feedback-store';
import type { Config } from '../config';
import { MemoryShownCardLog, type ShownCard, type ShownCardLog } from '../analytics/shown-card-log';
import type { IpcClient, IpcHandlers } from './ipc-rpc';

export const CARDS = 'cards';
export const REPLAY = 'replay';
export const FEEDBACK = 'feedback';
export const SHOWN = 'shown';

/** Worker side of the card registry. */
export class IpcCardRegistry implements CardRegistry {
  constructor(private readonly ipc: IpcClient) {}
  remember(client: ClientIdentity, serviceId: string, cards: IssuedCard[]): Promise<void> {
    if (cards.length === 0) return Promise.resolve();
    return this.ipc.call<void>(CARDS, 'remember', { iss: client.iss, tenant: client.tenant }, serviceId, cards);
  }
  lookup(client: ClientIdentity, uuid: string): Promise<CardAttribution | undefined> {
    return this.ipc.call<CardAttribution | null>(CARDS, 'lookup', { iss: client.iss, tenant: client.tenant }, uuid)
      .then((v) => v ?? undefined);
  }
}

/**
 * Worker side of the replay cache. When the primary does not answer (it is gone or stuck), the
 * token is REFUSED: accepting it could allow a replay, and a worker without its primary is about
 * to exit anyway.
 */
export class IpcReplayCache implements ReplayCache {
  constructor(private readonly ipc: IpcClient) {}
  markSeen(key: string, ttlSeconds: number, scope?: string): Promise<boolean> {
    return this.ipc.call<boolean>(REPLAY, 'markSeen', key, ttlSeconds, scope ?? '').catch(() => false);
  }
}

/** Worker side of the feedback store. */
export class IpcFeedbackStore implements FeedbackStore {
  constructor(private readonly ipc: IpcClient) {}
  record(serviceId: string, items: FeedbackRecord[]): Promise<void> {
    return this.ipc.call<void>(FEEDBACK, 'record', serviceId, items);
  }
  summary(): Promise<FeedbackSummary> {
    return this.ipc.call<FeedbackSummary>(FEEDBACK, 'summary');
  }
  /** The latest outcome per card, every process's (per-rule analytics). */
  records(): Promise<FeedbackRecord[]> {
    return this.ipc.call<FeedbackRecord[]>(FEEDBACK, 'records');
  }
}

/** Worker side of the shown-card log: per-rule analytics count the cards every process showed. */
export class IpcShownCardLog implements ShownCardLog {
  constructor(private readonly ipc: IpcClient) {}
  record(cards: ShownCard[]): Promise<void> {
    if (cards.length === 0) return Promise.resolve();
    return this.ipc.call<void>(SHOWN, 'record', cards);
  }
  list(sinceMs?: number): Promise<ShownCard[]> {
    return this.ipc.call<ShownCard[]>(SHOWN, 'list', sinceMs ?? null);
  }
}

/** The primary's single copies and the IPC handlers that serve them. */
export function createSharedStores(config: Pick<Config, 'CARD_REGISTRY_TTL_S' | 'CARD_REGISTRY_MAX' | 'CARD_REGISTRY_MAX_PER_CLIENT' | 'REPLAY_CACHE_MAX_PER_ISSUER' | 'SHOWN_CARDS_MAX'>): {
  cards: MemoryCardRegistry; replay: MemoryReplayCache; feedback: MemoryFeedbackStore; shown: MemoryShownCardLog; handlers: IpcHandlers;
} {
  const cards = new MemoryCardRegistry(config.CARD_REGISTRY_TTL_S, config.CARD_REGISTRY_MAX, Date.now, config.CARD_REGISTRY_MAX_PER_CLIENT);
  const replay = new MemoryReplayCache(Date.now, config.REPLAY_CACHE_MAX_PER_ISSUER);
  // First-outcome metrics are counted in the primary's registry, which the aggregated /metrics includes.
  const feedback = new MemoryFeedbackStore({ max: config.CARD_REGISTRY_MAX });
  const shown = new MemoryShownCardLog(config.SHOWN_CARDS_MAX);
  const handlers: IpcHandlers = {
    [CARDS]: {
      remember: (client: ClientIdentity, serviceId: string, issued: IssuedCard[]) => cards.remember(client, serviceId, issued),
      // undefined does not survive IPC serialisation in an object field, null does.
      lookup: async (client: ClientIdentity, uuid: string) => (await cards.lookup(client, uuid)) ?? null,
    },
    [REPLAY]: {
      markSeen: (key: string, ttl: number, scope: string) => replay.markSeen(key, ttl, scope),
    },
    [FEEDBACK]: {
      record: (serviceId: string, items: FeedbackRecord[]) => feedback.record(serviceId, items),
      summary: () => feedback.summary(),
      records: () => feedback.records(),
    },
    [SHOWN]: {
      record: (cards: ShownCard[]) => shown.record(cards),
      list: (sinceMs: number | null) => shown.list(sinceMs ?? undefined),
    },
  };
  return { cards, replay, feedback, shown, handlers };
}
