/**
 * context.draftOrders (a Bundle) reduced to what medication rules need; no ids or patient data.
 * The summary's `index` is the entry index, which the HTTP side maps back to the resource.
 */
import type { DraftOrderSummary } from '@prognos/contracts';
import { resolveFromResource } from './extract-medications';
import { readDosage } from './dosage';
import { asArray, asObject, asString, own, type Json } from './fhir-read';

/** Draft-order bundles are small; more entries than this are ignored. */
export const MAX_DRAFT_ORDERS = 1000;

const MEDICATION_ORDER_TYPES: ReadonlySet<string> = new Set(['MedicationRequest', 'MedicationStatement']);

export function summarizeDraftOrders(draftOrders: unknown): DraftOrderSummary[] {
  const bundle = asObject(draftOrders);
  const entries = bundle ? asArray(own(bundle, 'entry')) : undefined;
  if (!entries) return [];
  const medications = new Map<string, Json>();
  for (const raw of entries.slice(0, MAX_DRAFT_ORDERS)) {
    const e = asObject(raw);
    const r = e ? asObject(own(e, 'resource')) : undefined;
    if (!e || !r || own(r, 'resourceType') !== 'Medication') continue;
    const id = asString(own(r, 'id'));
    if (id) medications.set('Medication/' + id, r);
    const fullUrl = asString(own(e, 'fullUrl'));
    if (fullUrl) medications.set(fullUrl, r);
  }
  const out: DraftOrderSummary[] = [];
  const n = Math.min(entries.length, MAX_DRAFT_ORDERS);
  for (let index = 0; index < n; index++) {
    try {
      const e = asObject(entries[index]);
      const r = e ? asObject(own(e, 'resource')) : undefined;
      const resourceType = r ? asString(own(r, 'resourceType')) : undefined;
      if (!r || !resourceType) continue;
      if (resourceType === 'Medication') continue; // a referenced product, not an order
      const summary: DraftOrderSummary = { index, resourceType, ingredients: [], classes: [] };
      if (MEDICATION_ORDER_TYPES.has(resourceType)) {
        const resolved = resolveFromResource(r, medications);
        if (resolved) {
          if (resolved.rxcui) summary.rxcui = resolved.rxcui;
          if (resolved.display) summary.display = resolved.display;
          summary.ingredients = [...resolved.ingredients];
          summary.classes = [...resolved.classes];
          if (resolved.strengthMg !== undefined) summary.strengthMg = resolved.strengthMg;
        }
        const dose = readDosage(own(r, resourceType === 'MedicationRequest' ? 'dosageInstruction' : 'dosage'), resolved?.strengthMg);
        if (dose.doseMg !== undefined) summary.doseMg = dose.doseMg;
        if (dose.frequencyPerDay !== undefined) summary.frequencyPerDay = dose.frequencyPerDay;
      }
      out.push(summary);
    } catch {
      // a malformed entry yields no summary; the others still do
    }
  }
  return out;
}
