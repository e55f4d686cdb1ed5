/**
 * order-select -> order-sign alert de-duplication (HL7 PDDI-CDS pattern): a card that a service of
 * an alert group (CdsServiceDescriptor.alertGroup) showed at order-select for a draft order is not
 * shown again at order-sign, by any service of the same group, for the same draft order, within
 * ALERT_DEDUP_WINDOW_S.
 *
 * What was shown is kept in the card registry (the component that already remembers every card
 * returned): one entry per shown alert, under a key that is a SHA-256 of (group, patient, draft
 * order reference, card kind), so no id is stored in clear; the entry's `kind` records when it was
 * shown. A registry that cannot be read shows the card again: repeating an alert is safer than
 * hiding one.
 */
import { createHash } from 'node:crypto';
import type { CdsServiceDescriptor } from '@prognos/contracts';
import type { CardRegistry, ClientIdentity } from '../feedback/card-registry';
import type { Logger } from '../logger';
import { cardsDropped } from '../metrics';
import type { FinalCard } from './finalize-cards';

export const SHOWN_PREFIX = 'alert-shown@';
export const DEFAULT_ALERT_DEDUP_WINDOW_S = 3600;

export interface AlertDedupContext {
  descriptor: CdsServiceDescriptor;
  patientId: string;
  /** context.draftOrders.entry[i].resource, in order. */
  draftOrders: Record<string, unknown>[];
  registry: CardRegistry;
  /** The calling EHR (issuer + tenant): alerts are remembered per client, as issued cards are. */
  client: ClientIdentity;
  /** Seconds; 0 disables. */
  windowS: number;
  now: number;
  logger?: Logger;
}

function alertKey(group: string, patientId: string, draftRef: string, kind: string): string {
  return `alert:${createHash('sha256').update(`${group}\n${patientId}\n${draftRef}\n${kind}`).digest('hex')}`;
}

function draftRef(orders: Record<string, unknown>[], index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const r = orders[index];
  return r && typeof r.resourceType === 'string' && typeof r.id === 'string' && r.id.length > 0 ? `${r.resourceType}/${r.id}` : undefined;
}

/**
 * At order-select: remembers the alerts being shown (returns the cards unchanged). At order-sign:
 * returns the cards without those already shown within the window. Other hooks, services without
 * an alert group and cards not tied to a draft order pass through.
 */
export async function dedupeAlerts(cards: FinalCard[], ctx: AlertDedupContext): Promise<FinalCard[]> {
  const group = ctx.descriptor.alertGroup;
  if (!group || ctx.windowS <= 0 || cards.length === 0) return cards;
  const keyed = cards.map((c) => {
    const ref = draftRef(ctx.draftOrders, c.draftOrderIndex);
    return { card: c, key: ref ? alertKey(group, ctx.patientId, ref, c.kind) : undefined };
  });
  if (ctx.descriptor.hook === 'order-select') {
    const shown = keyed.filter((k) => k.key).map((k) => ({ uuid: k.key!, kind: `${SHOWN_PREFIX}${ctx.now}` }));
    if (shown.length > 0) {
      await ctx.registry.remember(ctx.client, group, shown).catch((e: unknown) => ctx.logger?.warn({ err: (e as Error).message }, 'alert registry unavailable'));
    }
    return cards;
  }
  if (ctx.descriptor.hook !== 'order-sign') return cards;
  const kept: FinalCard[] = [];
  for (const { card, key } of keyed) {
    if (key) {
      const seen = await ctx.registry.lookup(ctx.client, key).catch(() => undefined);
      const at = seen && seen.serviceId === group && seen.kind.startsWith(SHOWN_PREFIX) ? Number(seen.kind.slice(SHOWN_PREFIX.length)) : NaN;
      if (Number.isFinite(at) && ctx.now - at <= ctx.windowS * 1000 && ctx.now >= at) {
        cardsDropped.inc({ service: ctx.descriptor.id, reason: 'already_shown' });
        continue;
      }
    }
    kept.push(card);
  }
  return kept;
}
