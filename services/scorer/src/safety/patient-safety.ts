/**
 * The patient side of screening, read by name from the 'safety-context' feature set (never by
 * position). Every flag is tri-state: true, false, or undefined = the record cannot tell.
 */
import type { ProvenanceItem, ScoringInput } from '@prognos/contracts';
import { UNIDENTIFIED_MEDICATIONS_CONCEPT, resolveMedication } from '@prognos/fhir-features';
import { viewFeatureSet, type FeatureView } from '../services/feature-view';
import { provenanceDate } from '../services/card-kit';
import { STRONG_DUAL_CYP3A4_PGP_INHIBITORS, selects } from './drug-selector';
import type { Evidence } from './safety-types';

/** An active (or co-drafted) medication ingredient, for interactions. */
export interface CoMedication {
  ingredient: string;
  classes: readonly string[];
  evidence: Evidence;
}

export interface AllergyEntry {
  cls?: string;
  ingredient?: string;
  angioedema: boolean;
  unconfirmed: boolean;
  evidence: Evidence;
}

export interface PatientSafety {
  /** false when the 'safety-context' set was not sent: nothing can be screened. */
  available: boolean;
  view: FeatureView;
  ageYears?: number;
  female?: boolean;
  coMedications: CoMedication[];
  /**
   * Active medication records that could not be identified (unresolvable medicationReference, issue
   * 11): when above 0, `coMedications` is incomplete and interactions cannot be ruled out.
   */
  unidentifiedMedications: number;
  /** The extractor's note on the co-medication list (says why it is incomplete), when it gave one. */
  coMedicationNote?: string;
  allergies: AllergyEntry[];
  /** Days a potassium may be old and still count as recent (LAB_MAX_AGE_DAYS). */
  labMaxAgeDays: number;
}

export function evidenceOf(item: ProvenanceItem): Evidence {
  const e: Evidence = { resourceType: item.resourceType };
  if (item.display) e.display = item.display;
  const date = provenanceDate(item);
  if (date) e.date = date;
  if (item.value !== undefined) e.value = `${item.value}${item.unit ? ` ${item.unit}` : ''}`;
  return e;
}

/** Classes of one ingredient from the static RxNorm table ('sacubitril' gives 'arni'). */
export function classesOfIngredient(ingredient: string): string[] {
  return resolveMedication([], ingredient)?.classes ?? [];
}

function parseAllergy(item: ProvenanceItem): AllergyEntry | undefined {
  const parts = item.concept.split(':');
  if (parts[0] !== 'allergy' || parts.length < 3) return undefined;
  const entry: AllergyEntry = {
    angioedema: parts.includes('angioedema'),
    unconfirmed: parts.includes('unconfirmed'),
    evidence: evidenceOf(item),
  };
  if (parts[1] && parts[1] !== '*') entry.cls = parts[1];
  if (parts[2] && parts[2] !== '*') entry.ingredient = parts[2];
  return entry;
}

export function readPatientSafety(input: ScoringInput, labMaxAgeDays: number): PatientSafety {
  const view = viewFeatureSet(input, 'safety-context');
  const coMedications: CoMedication[] = [];
  let unidentifiedMedications = 0;
  const ingredientsProvenance = view.provenance('active_ingredient_count');
  for (const item of ingredientsProvenance?.items ?? []) {
    if (item.concept === UNIDENTIFIED_MEDICATIONS_CONCEPT) { unidentifiedMedications += item.value ?? 1; continue; }
    if (!item.concept.startsWith('ingredient:')) continue;
    const ingredient = item.concept.slice('ingredient:'.length);
    coMedications.push({ ingredient, classes: classesOfIngredient(ingredient), evidence: evidenceOf(item) });
  }
  const allergies = (view.provenance('drug_allergy_count')?.items ?? []).map(parseAllergy).filter((a): a is AllergyEntry => a !== undefined);
  const female = view.known('sex_female') ? view.flag('sex_female') : undefined;
  const out: PatientSafety = { available: view.available, view, coMedications, unidentifiedMedications, allergies, labMaxAgeDays };
  if (unidentifiedMedications > 0 && ingredientsProvenance?.note) out.coMedicationNote = ingredientsProvenance.note;
  const age = view.get('age_years');
  if (age !== undefined) out.ageYears = age;
  if (female !== undefined) out.female = female;
  return out;
}

/** Evidence behind a 0/1 feature (its provenance items). */
export function featureEvidence(view: FeatureView, name: string): Evidence[] {
  return (view.provenance(name)?.items ?? []).map(evidenceOf);
}

/** The first active (or co-drafted) strong dual CYP3A4 + P-gp inhibitor, for apixaban dosing. */
export function strongDualInhibitor(p: PatientSafety, extra: readonly CoMedication[] = []): string | undefined {
  return [...p.coMedications, ...extra].find((m) => selects(STRONG_DUAL_CYP3A4_PGP_INHIBITORS, { ingredients: [m.ingredient], classes: m.classes }))?.ingredient;
}
