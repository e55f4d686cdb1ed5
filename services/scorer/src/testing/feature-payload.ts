/**
 * Builds FeatureVectorPayloads by feature name for tests, benchmarks and demos: every feature of
 * the set in contract order; the ones not given are marked missing.
 */
import { FEATURE_SETS, type FeatureSetDefinition, type FeatureVectorPayload, type ProvenanceItem } from '@prognos/contracts';

export function featurePayload(
  set: keyof typeof FEATURE_SETS | string,
  values: Record<string, number | undefined>,
  dates: Record<string, string> = {},
): FeatureVectorPayload {
  const def = (FEATURE_SETS as Record<string, FeatureSetDefinition>)[set];
  if (!def) throw new Error(`unknown feature set ${set}`);
  const unknown = Object.keys(values).filter((k) => !def.features.some((f) => f.name === k));
  if (unknown.length > 0) throw new Error(`not in ${set}: ${unknown.join(', ')}`);
  const names = def.features.map((f) => f.name);
  return {
    set: def.name,
    version: def.version,
    names,
    values: names.map((n) => values[n] ?? 0),
    present: names.map((n) => (values[n] === undefined ? 0 : 1)),
    provenance: def.features.filter((f) => values[f.name] !== undefined && dates[f.name] !== undefined).map((f) => ({
      feature: f.name,
      items: [{ concept: f.name, value: values[f.name], unit: f.unit, date: dates[f.name], resourceType: 'Observation', derivation: 'measured' } as ProvenanceItem],
    })),
  };
}
