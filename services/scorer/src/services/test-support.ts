/**
 * Test helpers for the built-in services: hand-built ScoringInputs (features by name, in
 * FEATURE_SETS order), PredictionRecords, and a card check that binds placeholders the way the
 * HTTP side does and validates against the CDS Hooks card schema.
 */
import {
  DAYS_BEFORE_PREFIX, ENCOUNTER_REFERENCE, FEATURE_SETS, PATIENT_REFERENCE, cardSchema,
  type Card, type CardDraft, type DraftOrderSummary, type FeatureSetName, type FeatureVectorPayload, type PredictionRecord,
  type ProvenanceItem, type ScoringInput,
} from '@prognos/contracts';
import { scorerConfigSchema, type ScorerConfig } from '../config';

export type FeatureSpec = number | { value: number; date?: string; display?: string; derivation?: ProvenanceItem['derivation'] };

/** A payload with the given features present (others missing), provenance for each given feature. */
export function featureSet(set: FeatureSetName, features: Record<string, FeatureSpec>, notes: Record<string, string> = {}): FeatureVectorPayload {
  const def = FEATURE_SETS[set];
  const names = def.features.map((f) => f.name);
  for (const n of Object.keys(features)) {
    if (!names.includes(n)) throw new Error(`feature ${n} is not in set ${set}`);
  }
  const values: number[] = [];
  const present: number[] = [];
  const provenance: FeatureVectorPayload['provenance'] = [];
  for (const f of def.features) {
    const spec = features[f.name];
    if (spec === undefined) {
      values.push(0);
      present.push(0);
      if (notes[f.name]) provenance.push({ feature: f.name, items: [], note: notes[f.name] });
      continue;
    }
    const s = typeof spec === 'number' ? { value: spec } : spec;
    values.push(s.value);
    present.push(1);
    const item: ProvenanceItem = { concept: f.name, value: s.value, unit: f.unit, resourceType: 'Observation' };
    if (s.date) item.date = s.date;
    if (s.display) item.display = s.display;
    if (s.derivation) item.derivation = s.derivation;
    provenance.push({ feature: f.name, items: [item] });
  }
  return { set, version: def.version, names, values, present, provenance };
}

export interface SafetySpec {
  /** safety-context features by name (flags, potassium...); missing ones stay unknown. */
  features?: Record<string, FeatureSpec>;
  /** Active ingredients (provenance items `ingredient:<name>`). */
  ingredients?: string[];
  /** Allergies as `<class|*>:<ingredient|*>[:angioedema][:unconfirmed]`. */
  allergies?: string[];
  /** Provenance of a flag: feature -> display of the record entry. */
  evidence?: Record<string, string>;
  /** Active medication records that could not be identified (the extractor's `unidentified_medications` item). */
  unidentified?: number;
}

/** A 'safety-context' payload: the given features, ingredient and allergy items as the extractor writes them. */
export function safetyContext(spec: SafetySpec = {}): FeatureVectorPayload {
  const features: Record<string, FeatureSpec> = {
    ...(spec.ingredients ? { active_ingredient_count: spec.ingredients.length } : {}),
    ...(spec.allergies ? { drug_allergy_count: spec.allergies.length } : {}),
    ...spec.features,
  };
  const payload = featureSet('safety-context', features);
  for (const p of payload.provenance) {
    if (p.feature === 'active_ingredient_count') {
      p.items = (spec.ingredients ?? []).map((i) => ({ concept: `ingredient:${i}`, resourceType: 'MedicationRequest', display: `${i} (active)`, date: '2025-01-01', derivation: 'coded' }));
      if (spec.unidentified) {
        p.items.push({ concept: 'unidentified_medications', value: spec.unidentified, resourceType: 'MedicationRequest', derivation: 'coded' });
        p.note = `unknown: ${spec.unidentified} active medication records could not be identified (medicationReference not resolvable)`;
      }
    }
    else if (p.feature === 'drug_allergy_count') p.items = (spec.allergies ?? []).map((a) => ({ concept: `allergy:${a}`, resourceType: 'AllergyIntolerance', display: `allergy ${a}`, date: '2020-01-01', derivation: 'coded' }));
    else if (spec.evidence?.[p.feature]) p.items = [{ concept: `condition:${p.feature}`, resourceType: 'Condition', display: spec.evidence[p.feature]!, date: '2019-03-01', derivation: 'coded' }];
  }
  return payload;
}

/** A safety context with nothing to object to: adult man, no allergies, normal recent potassium. */
export const CLEAR_SAFETY: Record<string, FeatureSpec> = {
  age_years: 60, sex_female: 0, pregnant: 0, lactating: 0, drug_allergy_count: 0, angioedema_history: 0, type1_diabetes: 0,
  ketoacidosis_history: 0, prosthetic_valve: 0, mitral_stenosis: 0, dialysis: 0, kidney_transplant: 0, active_bleeding: 0,
  potassium_last: 4.5, potassium_last_age_days: 30, active_ingredient_count: 0,
};

export function scoringInput(opts: {
  serviceId: string;
  asOf?: string;
  sets: Partial<Record<FeatureSetName, Record<string, FeatureSpec>>>;
  draftOrders?: DraftOrderSummary[];
  selectedDraftOrderIndexes?: number[];
  /** The 'safety-context' set (built with safetyContext()); overrides sets['safety-context']. */
  safety?: FeatureVectorPayload;
}): ScoringInput {
  const featureSets: Record<string, FeatureVectorPayload> = {};
  for (const [name, features] of Object.entries(opts.sets)) {
    featureSets[name] = featureSet(name as FeatureSetName, features as Record<string, FeatureSpec>);
  }
  if (opts.safety) featureSets['safety-context'] = opts.safety;
  const input: ScoringInput = { correlationId: 'test-correlation', serviceId: opts.serviceId, asOf: opts.asOf ?? '2025-06-01T00:00:00Z', featureSets };
  if (opts.draftOrders) input.draftOrders = opts.draftOrders;
  if (opts.selectedDraftOrderIndexes) input.selectedDraftOrderIndexes = opts.selectedDraftOrderIndexes;
  return input;
}

export function prediction(modelId: string, output: string, value: number, extra: Partial<PredictionRecord> = {}): PredictionRecord {
  return { modelId, modelVersion: '1.0.0', output, value, ...extra };
}

export function notComputed(modelId: string, output: string, reason: string): PredictionRecord {
  return { modelId, modelVersion: '1.0.0', output, notComputedReason: reason };
}

export const TEST_CONFIG: ScorerConfig = scorerConfigSchema.parse({});

/** The hook day the HTTP side would bind day tokens against in these tests (scoringInput's default asOf). */
export const TEST_HOOK_DAY = Date.UTC(2025, 5, 1);

function replacePlaceholders(v: unknown): unknown {
  if (v === PATIENT_REFERENCE) return 'Patient/example';
  if (v === ENCOUNTER_REFERENCE) return 'Encounter/example';
  if (typeof v === 'string' && v.includes(DAYS_BEFORE_PREFIX)) {
    return v.replace(/urn:prognos:days-before:(-?\d+)/g, (_m, n: string) => new Date(TEST_HOOK_DAY - Number(n) * 86_400_000).toISOString().slice(0, 10));
  }
  if (Array.isArray(v)) return v.map(replacePlaceholders);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replacePlaceholders(x)]));
  return v;
}

/** Binds a CardDraft as the HTTP side would (placeholders, draft-order actions) into a wire Card. */
export function bindCard(draft: CardDraft): Card {
  const { kind: _kind, draftOrderIndex: _draft, ...rest } = replacePlaceholders(draft) as CardDraft;
  const card = { ...rest } as Record<string, unknown>;
  if (rest.suggestions) {
    card.suggestions = rest.suggestions.map((s) => ({
      ...s,
      ...(s.actions ? {
        actions: s.actions.map(({ draftOrderIndex, patch, ...a }) => {
          if (draftOrderIndex === undefined) return a;
          const resourceId = `MedicationRequest/draft-${draftOrderIndex}`;
          return a.type === 'update'
            ? { ...a, resourceId, resource: { resourceType: 'MedicationRequest', id: `draft-${draftOrderIndex}`, status: 'draft', intent: 'order', ...patch } }
            : { ...a, resourceId };
        }),
      } : {}),
    }));
  }
  return cardSchema.parse(card);
}

/** Paths of empty strings, empty arrays/objects and nulls (CDS Hooks §Use of JSON forbids them). */
export function emptyOrNullPaths(v: unknown, path = '$'): string[] {
  if (v === null) return [path];
  if (typeof v === 'string') return v.length === 0 ? [path] : [];
  if (Array.isArray(v)) return v.length === 0 ? [path] : v.flatMap((x, i) => emptyOrNullPaths(x, `${path}[${i}]`));
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return [path];
    return entries.flatMap(([k, x]) => (x === undefined ? [`${path}.${k} (undefined)`] : emptyOrNullPaths(x, `${path}.${k}`)));
  }
  return [];
}

/** Asserts a draft is valid once bound, has no empty values, carries kind and uuid. Returns the bound card. */
export function expectValidCard(draft: CardDraft): Card {
  expect(emptyOrNullPaths(draft)).toEqual([]);
  expect(draft.kind.length).toBeGreaterThan(0);
  expect(draft.summary.length).toBeLessThan(140);
  const card = bindCard(draft);
  for (const s of draft.suggestions ?? []) {
    expect(s.uuid).toMatch(/^[0-9a-f-]{36}$/);
    for (const a of s.actions ?? []) {
      if (a.type === 'create') expect(a.resource).toBeDefined();
      else expect(a.draftOrderIndex).toBeDefined();
    }
  }
  return card;
}

/** All created resources of a card's suggestions of a type. */
export function createdResources(card: CardDraft, resourceType: string): Record<string, unknown>[] {
  return (card.suggestions ?? []).flatMap((s) => s.actions ?? [])
    .filter((a) => a.type === 'create' && a.resource?.resourceType === resourceType)
    .map((a) => a.resource!);
}

/** RxNorm / SNOMED / LOINC codes of the created resources' main code. */
export function suggestedCodes(card: CardDraft): string[] {
  return (card.suggestions ?? []).flatMap((s) => s.actions ?? []).flatMap((a) => {
    const r = (a.resource ?? a.patch) as Record<string, { coding?: { code: string }[] }> | undefined;
    const cc = r?.medicationCodeableConcept ?? r?.code;
    return cc?.coding?.map((c) => c.code) ?? [];
  });
}
