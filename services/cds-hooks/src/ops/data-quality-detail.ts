/**
 * Data-quality drill-down: value-level exclusions by reason, concept and unit, as
 * `prognos_data_quality_exclusions_by_concept_total{reason, concept, unit}`. Concepts are the
 * extractor's fixed list and units are bounded labels (fhir-features `unitLabel`), and this module
 * caps the distinct label sets per process as a last guard, so no record can grow the metric.
 */
import client from 'prom-client';
import { getOrCreateMetric } from '@prognos/scorer';

export const dataQualityByConcept = getOrCreateMetric('prognos_data_quality_exclusions_by_concept_total', () => new client.Counter({
  name: 'prognos_data_quality_exclusions_by_concept_total',
  help: 'Values excluded during feature extraction, by reason, concept and unit label (no patient data)',
  labelNames: ['reason', 'concept', 'unit'] as const,
}));

/** Most distinct (reason, concept, unit) series per process; beyond it the unit becomes 'other'. */
export const MAX_DETAIL_SERIES = 500;
const seen = new Set<string>();

/** Counts `reason|concept|unit` → n from a DataQualityReport's `excludedByConcept`. */
export function countExclusionsByConcept(detail: Record<string, number>): void {
  for (const [key, n] of Object.entries(detail)) {
    if (!(n > 0)) continue;
    const [reason = 'unknown', concept = 'unknown', unit = 'none'] = key.split('|');
    let label = unit;
    if (!seen.has(key)) {
      if (seen.size < MAX_DETAIL_SERIES) seen.add(key);
      else label = 'other';
    }
    dataQualityByConcept.inc({ reason, concept, unit: label }, n);
  }
}
