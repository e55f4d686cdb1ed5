/**
 * The last gate before cards leave: bind references, prune empties, then check every card against
 * the CDS Hooks card rules (cardSchema: summary < 140, indicator, source.label, selectionBehavior
 * whenever suggestions, overrideReasons with display) plus a uuid on every card and suggestion.
 * An action that cannot be bound is dropped; a suggestion left without its actions is dropped; a
 * card that still fails is dropped. A link, `source.url` or `source.icon` that is not https (http in
 * development mode) is removed (card-url-policy.ts). Every drop is counted (cardsDropped{service, reason}).
 */
import { z } from 'zod';
import type { Action, ActionDraft, Card, CardDraft, Link } from '@prognos/contracts';
import { actionSchema, cardSchema } from '@prognos/contracts';
import { cardsDropped } from '../metrics';
import { bindAction, bindPlaceholders, UnboundReference, type BindingContext } from './bind-references';
import { stripUnsafeCardUrls } from './card-url-policy';
import { pruneEmpty } from './prune-empty';

/** systemActions: like Action, `description` optional (§System Action). */
const systemActionSchema = actionSchema.extend({ description: z.string().min(1).optional() });
const uuidSchema = z.uuid();

export interface FinalCard {
  card: Card;
  kind: string;
  /** CardDraft.draftOrderIndex: the draft order the card is about (alert de-duplication). */
  draftOrderIndex?: number;
}

export interface FinalizedResponse {
  cards: FinalCard[];
  systemActions?: Action[];
}

export interface FinalizePolicy {
  /** Accept http card URLs (development mode only); https is always accepted, nothing else ever. */
  allowHttpUrls?: boolean;
  /** A configured SMART app link (SMART_APP_LAUNCH_URL), appended to every card's links. */
  smartLink?: Link;
}

export function finalizeCards(
  serviceId: string,
  drafts: CardDraft[],
  systemDrafts: ActionDraft[] | undefined,
  ctx: BindingContext,
  policy: FinalizePolicy = {},
): FinalizedResponse {
  const drop = (reason: string) => cardsDropped.inc({ service: serviceId, reason });
  const bindOrDrop = (a: ActionDraft): Action | undefined => {
    try {
      return bindAction(a, ctx);
    } catch (e) {
      if (e instanceof UnboundReference) { drop('unbound_reference'); return undefined; }
      throw e;
    }
  };

  const cards: FinalCard[] = [];
  for (const draft of drafts) {
    const { kind, suggestions, draftOrderIndex, ...rest } = draft;
    let bound: Record<string, unknown>;
    try {
      bound = bindPlaceholders(rest as Record<string, unknown>, ctx);
    } catch (e) {
      if (e instanceof UnboundReference) { drop('unbound_reference'); continue; }
      throw e;
    }
    if (suggestions) {
      const kept = suggestions.flatMap((s) => {
        const actions = s.actions?.map(bindOrDrop).filter((a): a is Action => a !== undefined);
        if (s.actions && s.actions.length > 0 && (!actions || actions.length < s.actions.length)) {
          // A suggestion is all its actions (AND-ed): with one missing it would do something else.
          drop('suggestion_incomplete');
          return [];
        }
        return [{ ...s, actions }];
      });
      if (kept.length > 0) bound.suggestions = kept;
      else delete bound.selectionBehavior;
    }
    // The configured SMART app link is appended before the URL policy, so it is checked like any other.
    if (policy.smartLink) bound.links = [...((bound.links as Link[] | undefined) ?? []), policy.smartLink];
    const unsafe = stripUnsafeCardUrls(bound, policy.allowHttpUrls === true);
    for (let i = 0; i < unsafe; i++) drop('unsafe_url');
    const pruned = pruneEmpty(bound);
    const parsed = cardSchema.safeParse(pruned);
    if (!parsed.success) { drop('invalid_card'); continue; }
    const card = parsed.data;
    if (!card.uuid || !uuidSchema.safeParse(card.uuid).success) { drop('missing_uuid'); continue; }
    if (card.suggestions?.some((s) => !s.uuid)) { drop('missing_uuid'); continue; }
    if (card.suggestions?.some((s) => s.actions?.some((a) => !isCompleteAction(a)))) { drop('invalid_action'); continue; }
    const final: FinalCard = { card, kind: typeof kind === 'string' && kind ? kind : 'unknown' };
    if (typeof draftOrderIndex === 'number') final.draftOrderIndex = draftOrderIndex;
    cards.push(final);
  }

  let systemActions: Action[] | undefined;
  if (systemDrafts && systemDrafts.length > 0) {
    systemActions = systemDrafts.flatMap((d) => {
      const a = bindOrDrop(d);
      if (!a) return [];
      const parsed = systemActionSchema.safeParse(pruneEmpty(a));
      if (!parsed.success || !isCompleteAction(parsed.data as Action)) { drop('invalid_system_action'); return []; }
      return [parsed.data as Action];
    });
    if (systemActions.length === 0) systemActions = undefined;
  }
  return { cards, systemActions };
}

/** §Action: create/update carry the resource; delete names it by resourceId. */
function isCompleteAction(a: Action): boolean {
  if (a.type === 'delete') return typeof a.resourceId === 'string' || a.resource !== undefined;
  return a.resource !== undefined && typeof a.resource.resourceType === 'string';
}
