/**
 * Read features by NAME from a ScoringInput (never by position), with their provenance.
 * A feature counts as known only when the set is present and its `present` flag is 1.
 */
import { FEATURE_SETS, type FeatureProvenance, type ProvenanceItem, type ScoringInput } from '@prognos/contracts';

export interface FeatureView {
  readonly set: string;
  /** true when the set was sent at all. */
  readonly available: boolean;
  /** Value when present, else undefined. */
  get(name: string): number | undefined;
  /** true only for a present feature with value 1 (0/1 flags). */
  flag(name: string): boolean;
  /** true when a 0/1 flag is present (known either way). */
  known(name: string): boolean;
  provenance(name: string): FeatureProvenance | undefined;
  /** Canonical unit of the feature from the contract, if the set is a known one. */
  unit(name: string): string | undefined;
}

export function viewFeatureSet(input: ScoringInput, set: string): FeatureView {
  const payload = input.featureSets[set];
  const index = new Map<string, number>();
  payload?.names.forEach((n, i) => index.set(n, i));
  const definition = (FEATURE_SETS as Record<string, { features: readonly { name: string; unit: string }[] }>)[set];

  const get = (name: string): number | undefined => {
    const i = index.get(name);
    if (payload === undefined || i === undefined) return undefined;
    if (payload.present[i] !== 1) return undefined;
    const v = payload.values[i];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  return {
    set,
    available: payload !== undefined,
    get,
    flag: (name) => get(name) === 1,
    known: (name) => get(name) !== undefined,
    provenance: (name) => payload?.provenance.find((p) => p.feature === name),
    unit: (name) => definition?.features.find((f) => f.name === name)?.unit,
  };
}

/** The most recent dated item of a feature's provenance (by ISO date, or fewest days before the hook). */
export function latestItem(p: FeatureProvenance | undefined): ProvenanceItem | undefined {
  if (!p || p.items.length === 0) return undefined;
  if (p.items.some((i) => i.daysBefore !== undefined)) {
    return [...p.items].sort((a, b) => (a.daysBefore ?? Infinity) - (b.daysBefore ?? Infinity))[0];
  }
  return [...p.items].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))[0];
}

/** First feature view among several sets that knows `name`; used when a value is in more than one set. */
export function firstKnown(views: FeatureView[], name: string): { view: FeatureView; value: number } | undefined {
  for (const view of views) {
    const value = view.get(name);
    if (value !== undefined) return { view, value };
  }
  return undefined;
}
