/**
 * Binds what a scorer emits (placeholders, draft-order indexes) to the request's real ids. The scorer
 * never sees ids; this is where they come back in, just before the response leaves.
 */
import type { Action, ActionDraft } from '@prognos/contracts';
import { BASIS_REFERENCE_PREFIX, DAYS_BEFORE_PREFIX, ENCOUNTER_REFERENCE, HOOK_TIME_REFERENCE, PATIENT_REFERENCE, USER_REFERENCE } from '@prognos/contracts';

export interface BindingContext {
  patientId: string;
  encounterId?: string;
  userId?: string;
  /** context.draftOrders.entry[i].resource, in order. */
  draftOrders: Record<string, unknown>[];
  /** The hook time: binds HOOK_TIME_REFERENCE and turns day tokens in text back into dates. */
  asOf?: Date;
  /** Feature set -> Observation references, for `urn:prognos:basis:<set>` in RiskAssessment.basis. */
  basis?: Record<string, string[]>;
}

const DAY_TOKEN = new RegExp(`${DAYS_BEFORE_PREFIX.replaceAll('.', '\\.')}(-?\\d+)`, 'g');

/** The calendar date (YYYY-MM-DD, UTC day of the hook) `days` days before `asOf`. */
export function dateDaysBefore(asOf: Date, days: number): string {
  const hook = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  return new Date(hook - days * 86_400_000).toISOString().slice(0, 10);
}

/** Most references one RiskAssessment.basis lists (newest data first is not knowable here; a cap keeps cards small). */
export const MAX_BASIS_REFERENCES = 50;

/** `[{reference: 'urn:prognos:basis:set'}]` -> the set's references; unknown sets expand to nothing. */
function expandBasis(list: unknown[], ctx: BindingContext): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const ref = item && typeof item === 'object' ? (item as Record<string, unknown>).reference : undefined;
    if (typeof ref === 'string' && ref.startsWith(BASIS_REFERENCE_PREFIX)) {
      const refs = ctx.basis?.[ref.slice(BASIS_REFERENCE_PREFIX.length)] ?? [];
      for (const r of refs) {
        if (seen.has(r) || seen.size >= MAX_BASIS_REFERENCES) continue;
        seen.add(r);
        out.push({ reference: r });
      }
    } else {
      out.push(item);
    }
  }
  return out;
}

export class UnboundReference extends Error {
  constructor(readonly placeholder: string) { super(`cannot bind ${placeholder}`); }
}

/** Deep copy of `value` with every placeholder string replaced; throws UnboundReference when one has no value. */
export function bindPlaceholders<T>(value: T, ctx: BindingContext): T {
  const map: Record<string, string | undefined> = {
    [PATIENT_REFERENCE]: `Patient/${ctx.patientId}`,
    [ENCOUNTER_REFERENCE]: ctx.encounterId ? `Encounter/${ctx.encounterId}` : undefined,
    [USER_REFERENCE]: ctx.userId,
    [HOOK_TIME_REFERENCE]: ctx.asOf?.toISOString(),
  };
  const asOf = ctx.asOf;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (Object.hasOwn(map, v)) {
        const bound = map[v];
        if (!bound) throw new UnboundReference(v);
        return bound;
      }
      if (v.includes(DAYS_BEFORE_PREFIX)) {
        if (!asOf) throw new UnboundReference(DAYS_BEFORE_PREFIX);
        return v.replace(DAY_TOKEN, (_m, n: string) => dateDaysBefore(asOf, Number(n)));
      }
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === 'basis' && Array.isArray(x) ? walk(expandBasis(x, ctx)) : walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * One ActionDraft → a wire Action. Draft-order actions: `update` gets the draft resource shallow-merged
 * with `patch`; `delete` gets `resourceId` = `Type/id` of the draft. Throws UnboundReference when the
 * draft order or a placeholder cannot be resolved.
 */
export function bindAction(draft: ActionDraft, ctx: BindingContext): Action {
  const { draftOrderIndex, patch, ...rest } = draft;
  const action: Action & Record<string, unknown> = { ...rest } as Action;
  if (draftOrderIndex !== undefined) {
    const order = ctx.draftOrders[draftOrderIndex];
    if (!order) throw new UnboundReference(`draftOrders[${draftOrderIndex}]`);
    if (draft.type === 'update') {
      action.resource = { ...order, ...(patch ?? {}) };
    } else if (draft.type === 'delete') {
      if (typeof order.resourceType !== 'string' || typeof order.id !== 'string') throw new UnboundReference(`draftOrders[${draftOrderIndex}].id`);
      action.resourceId = `${order.resourceType}/${order.id}`;
      delete action.resource;
    } else {
      action.resource = { ...(rest.resource ?? {}), ...(patch ?? {}) };
    }
  }
  return bindPlaceholders(action, ctx);
}
