/**
 * ScoringInputs built by hand from the feature-set contract (FEATURE_SETS order and units), for the
 * CKD progression service, minimised as the HTTP side sends them: a 67-year-old man with eGFR 28 and ACR 450 mg/g, values a clinician
 * would recognise as CKD G4 A3. No patient identifiers exist here by construction.
 */
import { randomUUID } from 'node:crypto';
import { FEATURE_SETS, HOOK_TIME_REFERENCE, type FeatureSetName, type FeatureVectorPayload, type ScoringInput } from '@prognos/contracts';

export const CKD_SERVICE_ID = 'ckd-progression';

/** A payload in contract order; features absent from `values` are flagged missing. */
export function featurePayload(set: FeatureSetName, values: Record<string, number>): FeatureVectorPayload {
  const def = FEATURE_SETS[set];
  const names = def.features.map((f) => f.name);
  return {
    set,
    version: def.version,
    names,
    values: names.map((n) => values[n] ?? 0),
    present: names.map((n) => (n in values ? 1 : 0)),
    provenance: names.filter((n) => n in values && n.startsWith('egfr')).map((n) => ({
      feature: n,
      items: [{ concept: 'egfr', value: values[n], unit: 'mL/min/{1.73_m2}', daysBefore: 30, resourceType: 'Observation', derivation: 'computed' as const }],
    })),
  };
}

const PATIENT = { age_years: 67, sex_male: 1, egfr: 28, uacr_mg_g: 450 };

export function ckdInput(overrides: { egfr?: number; correlationId?: string } = {}): ScoringInput {
  const p = { ...PATIENT, ...(overrides.egfr !== undefined ? { egfr: overrides.egfr } : {}) };
  return {
    correlationId: overrides.correlationId ?? randomUUID(),
    serviceId: CKD_SERVICE_ID,
    // As the HTTP side sends it (minimised): the hook time is a placeholder, dates are days before it.
    asOf: HOOK_TIME_REFERENCE,
    featureSets: {
      'kfre-4var': featurePayload('kfre-4var', p),
      'kfre-8var': featurePayload('kfre-8var', { ...p, albumin_g_dl: 3.8, phosphate_mg_dl: 4.4, bicarbonate_mmol_l: 21, calcium_mg_dl: 9.1 }),
      'egfr-trajectory': featurePayload('egfr-trajectory', {
        egfr_last: p.egfr, egfr_last_age_days: 30, egfr_count: 4, egfr_min: p.egfr, egfr_max: p.egfr + 9, egfr_mean: p.egfr + 4,
        egfr_slope_per_year: -4.5, egfr_change_from_baseline_pct: -24, egfr_from_creatinine: 1,
        uacr_last: p.uacr_mg_g, uacr_last_age_days: 30, creatinine_last_mg_dl: 2.4, creatinine_last_age_days: 30,
      }),
      'clinical-context': featurePayload('clinical-context', {
        age_years: p.age_years, sex_male: 1, type2_diabetes: 1, hypertension: 1, ckd: 1, ckd_stage: 4, dialysis_or_transplant: 0,
        atrial_fibrillation: 0, heart_failure: 0, ascvd: 0, potassium_mmol_l: 4.6, weight_kg: 84, on_statin: 1, statin_intensity: 2,
        on_sglt2i: 0, on_acei: 1, on_arb: 0, on_arni: 0, on_doac: 0, on_warfarin: 0, on_antiplatelet: 0, on_aspirin: 0, on_nsaid: 0,
        on_metformin: 0, on_glp1ra: 0, on_finerenone: 0, on_antihypertensive: 1,
      }),
    },
  };
}

/** Card uuids are random per call and inferenceMs is a timing: everything else must match. */
export function comparable(output: { cards: { uuid: string; suggestions?: { uuid: string }[] }[]; inferenceMs: number; correlationId: string }): unknown {
  return JSON.parse(JSON.stringify(output, (key, value) => (key === 'uuid' ? '<uuid>' : key === 'inferenceMs' ? '<ms>' : value)));
}
