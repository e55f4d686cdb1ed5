/**
 * The drug a suggested or drafted order names, resolved through the static RxNorm table (the same
 * resolver feature extraction uses), so a custom bundle's MedicationRequest is screened like ours.
 */
import type { DraftOrderSummary } from '@prognos/contracts';
import { resolveMedication } from '@prognos/fhir-features';
import type { DrugToScreen } from './safety-types';

interface CodingLike { system?: string; code: string; display?: string }

function codings(concept: unknown): CodingLike[] {
  const list = (concept as { coding?: unknown } | undefined)?.coding;
  if (!Array.isArray(list)) return [];
  return list.flatMap((c): CodingLike[] => {
    const o = c as Record<string, unknown>;
    if (typeof o?.code !== 'string') return [];
    const out: CodingLike = { code: o.code };
    if (typeof o.system === 'string') out.system = o.system;
    if (typeof o.display === 'string') out.display = o.display;
    return [out];
  });
}

/** A medicationCodeableConcept -> drug; unknown drugs come back with no ingredients (screened as "not recognised"). */
export function drugOfConcept(concept: unknown): DrugToScreen {
  const cs = codings(concept);
  const text = typeof (concept as { text?: unknown } | undefined)?.text === 'string' ? (concept as { text: string }).text : undefined;
  const display = text ?? cs.find((c) => c.display)?.display ?? cs[0]?.code ?? 'the medication';
  const resolved = resolveMedication(cs, text);
  const drug: DrugToScreen = { ingredients: resolved?.ingredients ?? [], classes: resolved?.classes ?? [], display };
  if (resolved?.rxcui) drug.rxcui = resolved.rxcui;
  return drug;
}

/** The medication concept a create / update action would order, when it orders one. */
export function orderedConcept(action: { type: string; resource?: Record<string, unknown>; patch?: Record<string, unknown> }): unknown {
  if (action.type === 'create' && action.resource?.resourceType === 'MedicationRequest') return action.resource.medicationCodeableConcept ?? {};
  if (action.type === 'update' && action.patch && 'medicationCodeableConcept' in action.patch) return action.patch.medicationCodeableConcept;
  return undefined;
}

export function drugOfDraft(d: DraftOrderSummary): DrugToScreen {
  const drug: DrugToScreen = { ingredients: d.ingredients, classes: d.classes, display: d.display ?? (d.ingredients.join('/') || 'the drafted medication') };
  if (d.rxcui) drug.rxcui = d.rxcui;
  return drug;
}
