/**
 * Resolvers of the 'safety-context' feature set (see FEATURE_SETS). A flag the record cannot settle
 * is MISSING, not 0: the screening stage then says "unknown" instead of assuming "absent".
 * Coded facts travel as provenance items (no ids): allergies as
 * `allergy:<class|*>:<ingredient|*>[:angioedema][:unconfirmed]`, active ingredients as
 * `ingredient:<name>` (plus `unidentified_medications` with a count when some active medicines could
 * not be identified), conditions as `condition:<concept>` with the code in `display`.
 */
import type { ProvenanceItem } from '@prognos/contracts';
import type { ConditionConcept } from './codes/condition-concepts';
import type { SafetyConcept } from './codes/safety-codes';
import { MS_PER_DAY } from './fhir-read';
import type { ConditionFact, PatientFeaturesInternal as PatientFeatures, SafetyFact } from './types';
import { UNIDENTIFIED_MEDICATIONS_CONCEPT, unresolvedMedicationNote } from './unresolved-medications';

interface Resolved { value?: number; items: ProvenanceItem[]; note?: string }

/** Active ingredients can be many; they are all listed (interactions need every one). */
const MAX_INGREDIENT_ITEMS = 60;
const MAX_ITEMS = 12;

function safetyItem(concept: string, f: SafetyFact): ProvenanceItem {
  const item: ProvenanceItem = { concept, resourceType: f.resourceType, derivation: 'coded' };
  if (f.date) item.date = f.date;
  const display = [f.display, f.code ? `(${f.code})` : undefined].filter(Boolean).join(' ');
  if (display) item.display = display;
  return item;
}

function conditionItem(f: ConditionFact): ProvenanceItem {
  const item: ProvenanceItem = { concept: 'condition:' + f.concept, resourceType: f.resourceType, derivation: 'coded' };
  if (f.date) item.date = f.date;
  if (f.display) item.display = f.display;
  return item;
}

function noConditions(pf: PatientFeatures): Resolved {
  return pf.typesPresent.conditions ? { value: 0, items: [] } : { items: [], note: 'no Condition resources in the record: unknown' };
}

/** A safety concept flag (codes/safety-codes.ts), optionally also from common condition concepts. */
function safetyFlag(concepts: SafetyConcept[], common: ConditionConcept[] = []): (pf: PatientFeatures) => Resolved {
  return (pf) => {
    const items: ProvenanceItem[] = [];
    for (const c of concepts) for (const f of pf.safety.conditions[c] ?? []) items.push(safetyItem('condition:' + c, f));
    for (const c of common) for (const f of pf.conditions[c] ?? []) items.push(conditionItem(f));
    if (items.length > 0) return { value: 1, items: items.slice(-MAX_ITEMS) };
    return noConditions(pf);
  };
}

function pregnant(pf: PatientFeatures): Resolved {
  const p = pf.safety.pregnancy;
  if (p) return { value: p.pregnant ? 1 : 0, items: [safetyItem('pregnancy_status', p)] };
  if (pf.patient.sex === 'male') return { value: 0, items: [], note: 'male' };
  return { items: [], note: 'no pregnancy status, estimated delivery date or pregnancy condition within 42 weeks' };
}

function lactating(pf: PatientFeatures): Resolved {
  const l = pf.safety.lactation;
  if (l) return { value: l.pregnant ? 1 : 0, items: [safetyItem('breastfeeding_status', l)] };
  if (pf.patient.sex === 'male') return { value: 0, items: [], note: 'male' };
  return { items: [], note: 'no breastfeeding status in the record' };
}

function drugAllergies(pf: PatientFeatures): Resolved {
  const items = pf.safety.allergies.map((a) => {
    const concept = ['allergy', a.cls ?? '*', a.ingredient ?? '*', ...(a.angioedema ? ['angioedema'] : []), ...(a.unconfirmed ? ['unconfirmed'] : [])].join(':');
    return safetyItem(concept, a);
  });
  const note = pf.safety.allergyRecordPresent ? undefined : 'no AllergyIntolerance resources in the record (not fetched, or none recorded)';
  return note ? { value: items.length, items, note } : { value: items.length, items };
}

function activeIngredients(pf: PatientFeatures): Resolved {
  const seen = new Map<string, ProvenanceItem>();
  for (const m of pf.medications) {
    for (const ing of m.ingredients) {
      if (seen.has(ing)) continue;
      const item: ProvenanceItem = { concept: 'ingredient:' + ing, resourceType: m.resourceType, derivation: 'coded' };
      if (m.date) item.date = m.date;
      if (m.display) item.display = m.display;
      seen.set(ing, item);
    }
  }
  const items = [...seen.values()].slice(0, MAX_INGREDIENT_ITEMS);
  // Unidentified active medicines (issue 11): the list is incomplete, and the screening stage must
  // say so rather than read it as complete. The count travels as an item (no ids), with a note.
  if (pf.medicationsUnresolved > 0) {
    items.push({ concept: UNIDENTIFIED_MEDICATIONS_CONCEPT, value: pf.medicationsUnresolved, resourceType: 'MedicationRequest', derivation: 'coded' });
    return { value: seen.size, items, note: unresolvedMedicationNote(pf.medicationsUnresolved) };
  }
  if (items.length > 0) return { value: items.length, items };
  return pf.typesPresent.medications ? { value: 0, items: [] } : { value: 0, items: [], note: 'no medication resources in the record' };
}

function potassiumLast(pf: PatientFeatures): Resolved {
  const pts = pf.series.potassium;
  const p = pts[pts.length - 1];
  if (!p) return { items: [], note: 'no potassium in the record' };
  const item: ProvenanceItem = { concept: 'potassium', value: Math.round(p.value * 1e4) / 1e4, unit: 'mmol/L', date: p.date, resourceType: 'Observation', derivation: 'measured' };
  if (p.display) item.display = p.display;
  return { value: p.value, items: [item] };
}

function potassiumAge(pf: PatientFeatures): Resolved {
  const pts = pf.series.potassium;
  const p = pts[pts.length - 1];
  if (!p) return { items: [], note: 'no potassium in the record' };
  return { value: Math.max(0, (pf.asOf.getTime() - p.t) / MS_PER_DAY), items: [] };
}

export const SAFETY_RESOLVERS: Readonly<Record<string, (pf: PatientFeatures) => Resolved>> = {
  pregnant,
  lactating,
  drug_allergy_count: drugAllergies,
  angioedema_history: safetyFlag(['angioedema']),
  type1_diabetes: safetyFlag([], ['type1_diabetes']),
  ketoacidosis_history: safetyFlag(['ketoacidosis']),
  prosthetic_valve: safetyFlag(['prosthetic_valve']),
  mitral_stenosis: safetyFlag(['mitral_stenosis']),
  dialysis: safetyFlag([], ['dialysis']),
  kidney_transplant: safetyFlag([], ['kidney_transplant']),
  active_bleeding: safetyFlag(['active_bleeding']),
  potassium_last: potassiumLast,
  potassium_last_age_days: potassiumAge,
  active_ingredient_count: activeIngredients,
};
