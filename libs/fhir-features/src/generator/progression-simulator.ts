/**
 * Progression simulator: synthetic CKD histories whose ground truth follows published associations,
 * written as FHIR R4 resources, for training and evaluating the learned progression model.
 *
 * The latent process, month by month from entry (2006-2016) to the data end (2025-06-30), death or
 * loss to follow-up:
 * - **eGFR** falls linearly with an individual slope: -0.8 mL/min/1.73 m2/yr, steeper with
 *   diabetes (-1.0) and albuminuria (-0.6 per ln-unit of ACR above e^4), plus noise; a quarter of
 *   patients enter a fast-progression phase at a random time (an extra -3 to -9 /yr). This is what
 *   a single-visit equation cannot see and a trajectory can.
 * - **ACR** (log-normal, higher with diabetes) drifts upward, faster in the fast phase.
 * - **Kidney failure hazard** is KFRE-like (Tangri 2011 JAMA 4-variable coefficients: age -0.2201
 *   per 10 years, male +0.2467, eGFR -0.5567 per 5 mL/min, ln ACR +0.4510; baseline from the 2016
 *   North American 5-year survival 0.924, about 0.0158/yr at the covariate means), times an
 *   independent effect of the eGFR change over the previous two years (Coresh 2014 JAMA
 *   doi:10.1001/jama.2014.6634: a 30 % decline over two years carries an adjusted ESKD hazard
 *   ratio of about 5 against a stable eGFR, adjusted for the first eGFR; since this hazard is
 *   already conditioned on the current eGFR, which absorbs part of it, we use HR 3 per 30 %
 *   decline on top), plus a steep rise once the true eGFR is below 10 (dialysis started on
 *   symptoms).
 * - **SGLT2 inhibitors** (uptake from 2016, mostly from 2020): kidney-outcome HR 0.70 (CREDENCE
 *   Perkovic 2019 HR 0.70; DAPA-CKD Heerspink 2020 HR 0.61; EMPA-KIDNEY 2023 HR 0.72), chronic
 *   eGFR slope x0.55 (DAPA-CKD -1.67 vs -3.59 mL/min/yr; EMPA-KIDNEY -1.37 vs -2.75) and an
 *   initial dip of 3 mL/min (DAPA-CKD acute effect).
 * - **RAS inhibitors** (ACEi/ARB): ESKD HR 0.75 (RENAAL Brenner 2001: -28 %; IDNT Lewis 2001:
 *   -23 %), albuminuria x0.65 (RENAAL: -35 %), slope x0.8.
 * - **Visits** come at a patient-specific interval (median 6 months, 2-18, shorter below eGFR 30);
 *   creatinine is measured at 97 % of visits (creatinine from the true eGFR by inverting CKD-EPI
 *   2021, 4 % analytical CV), ACR at a patient-specific 20-90 %, systolic BP at 70 %, HbA1c at
 *   half of diabetic visits. So visit frequency and missingness vary by patient.
 * - **Kidney failure** (the first of: the hazard fires, giving a dialysis Procedure and an ESRD
 *   Condition) is followed by six months of further labs; death (age- and eGFR-dependent) and loss
 *   to follow-up (3 %/yr) end the record silently: censoring.
 *
 * The associations are of the published direction and rough size; the cohort is not a replica of
 * any population, and a model trained on it is not validated for clinical use.
 */
import type { Resource } from '@medplum/fhirtypes';
import { creatinineForEgfr } from '../ckd-epi-2021';
import { MS_PER_DAY, MS_PER_YEAR } from '../fhir-read';
import { createRng, type Rng } from './prng';

/** KFRE 4-variable coefficients (Tangri 2011) and centring constants. */
export const KFRE_LIKE = { age10: -0.2201, ageMean: 7.036, male: 0.2467, maleMean: 0.5642, egfr5: -0.5567, egfrMean: 7.222, lnAcr: 0.451, lnAcrMean: 5.137 } as const;
/** Baseline kidney-failure hazard per year at the covariate means: -ln(0.924) / 5 (KFRE 2016 NA 5-year). */
export const BASELINE_HAZARD_PER_YEAR = -Math.log(0.924) / 5;
/** ln hazard per unit of two-year fractional eGFR decline: ln(3) / 0.30 (see the file comment). */
export const SLOPE_LOG_HR_PER_DECLINE = Math.log(3) / 0.3;
export const SGLT2I_HR = 0.7;
export const SGLT2I_SLOPE_FACTOR = 0.55;
export const SGLT2I_DIP = 3;
export const RASI_HR = 0.75;
export const RASI_ACR_FACTOR = 0.65;
export const RASI_SLOPE_FACTOR = 0.8;
export const DATA_END = Date.UTC(2025, 5, 30);

const YEAR = MS_PER_YEAR;
const STEP_YEARS = 1 / 12;

/** The simulated truth of one patient, for tests and the dataset card. */
export interface SimulatedPatient {
  id: string;
  resources: Resource[];
  /** Epoch ms of kidney failure (dialysis start), if it happened. */
  kidneyFailureMs?: number;
  /** Epoch ms the record ends. */
  endMs: number;
  fastProgressor: boolean;
}

export interface SimulateOptions {
  seed: number;
  /** Patient number, used in ids ('sim-<n>'). */
  index: number;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** KFRE-like linear predictor with the slope term (ln hazard ratio against the means). */
export function simulatedLogHazard(age: number, male: boolean, egfr: number, acr: number, twoYearChange: number): number {
  const k = KFRE_LIKE;
  return k.age10 * (age / 10 - k.ageMean) + k.male * ((male ? 1 : 0) - k.maleMean)
    + k.egfr5 * (Math.max(egfr, 1) / 5 - k.egfrMean) + k.lnAcr * (Math.log(Math.max(acr, 1)) - k.lnAcrMean)
    + SLOPE_LOG_HR_PER_DECLINE * clamp(-twoYearChange, 0, 0.6);
}

/** Simulates one patient (deterministic for seed + index). */
export function simulatePatient(options: SimulateOptions): SimulatedPatient {
  const rng: Rng = createRng(options.seed * 1_000_003 + options.index);
  const id = `sim-${options.index}`;
  const subject = { reference: `Patient/${id}` };
  const resources: Resource[] = [];
  let seq = 0;
  const rid = (): string => `${id}-${seq++}`;
  const iso = (t: number): string => new Date(t).toISOString();

  const male = rng.chance(0.55);
  const entry = Date.UTC(2006, 0, 1) + rng.next() * (Date.UTC(2016, 11, 31) - Date.UTC(2006, 0, 1));
  const ageAtEntry = clamp(rng.normal(64, 11), 30, 88);
  const birth = entry - ageAtEntry * YEAR;
  const diabetes = rng.chance(0.45);
  const hypertension = rng.chance(diabetes ? 0.85 : 0.7);
  const heartFailure = rng.chance(0.1);
  let egfr = rng.uniform(22, 88);
  let lnAcr = clamp(rng.normal(Math.log(40) + (diabetes ? 0.8 : 0), 1.4), Math.log(3), Math.log(5000));
  const baseSlope = -0.8 - (diabetes ? 1 : 0) - 0.6 * Math.max(0, lnAcr - 4) + rng.normal(0, 1.1);
  const fastProgressor = rng.chance(0.25);
  const fastStart = entry + rng.uniform(0, 14) * YEAR;
  const fastExtra = -rng.uniform(3, 9);
  // RASi at entry more often with hypertension, diabetes or albuminuria; later starts at 10 %/yr.
  let rasiStart = rng.chance(0.25 + (hypertension ? 0.2 : 0) + (diabetes ? 0.1 : 0) + (lnAcr > Math.log(30) ? 0.15 : 0)) ? entry : Infinity;
  let sglt2Start = Infinity;
  const visitMedianYears = clamp(Math.exp(rng.normal(Math.log(0.5), 0.45)), 2 / 12, 1.5);
  const pUacr = rng.uniform(0.2, 0.9);
  const sbpBase = 124 + (hypertension ? 12 : 0) + rng.normal(0, 8);
  const a1cBase = diabetes ? clamp(rng.normal(7.4, 0.8), 5.8, 11) : 0;

  resources.push({ resourceType: 'Patient', id, meta: { tag: [{ system: 'urn:prognos:synthetic', code: 'synthetic' }] }, gender: male ? 'male' : 'female', birthDate: iso(birth).slice(0, 10) } as Resource);
  const condition = (code: string, display: string, onset: number): void => {
    resources.push({
      resourceType: 'Condition', id: rid(), subject,
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code, display }] }, onsetDateTime: iso(onset), recordedDate: iso(onset),
    } as Resource);
  };
  const med = (rxcui: string, display: string, start: number): void => {
    resources.push({
      resourceType: 'MedicationRequest', id: rid(), subject, status: 'active', intent: 'order', authoredOn: iso(start),
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxcui, display }] },
    } as Resource);
  };
  const obs = (t: number, code: string, display: string, value: number, unit: string): void => {
    resources.push({
      resourceType: 'Observation', id: rid(), subject, status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code, display }] }, effectiveDateTime: iso(t),
      valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    } as Resource);
  };
  if (diabetes) condition('44054006', 'Diabetes mellitus type 2 (disorder)', entry - rng.uniform(1, 10) * YEAR);
  if (hypertension) condition('59621000', 'Essential hypertension (disorder)', entry - rng.uniform(1, 10) * YEAR);
  if (heartFailure) condition('88805009', 'Chronic congestive heart failure (disorder)', entry - rng.uniform(0, 3) * YEAR);

  const r2 = (v: number): number => Math.round(v * 100) / 100;
  const history: { t: number; egfr: number }[] = [];
  let t = entry;
  let nextVisit = entry;
  let kf: number | undefined;
  let end = DATA_END;
  let appliedDip = false;
  while (t < DATA_END) {
    const age = (t - birth) / YEAR;
    const onSglt2 = t >= sglt2Start;
    const onRasi = t >= rasiStart;
    // ---- visit ----
    if (t >= nextVisit) {
      if (rng.chance(0.97)) {
        const scr = creatinineForEgfr(Math.max(egfr, 3), age, male ? 'male' : 'female') * (1 + rng.normal(0, 0.04));
        obs(t, '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', r2(clamp(scr, 0.2, 25)), 'mg/dL');
      }
      if (rng.chance(pUacr)) {
        const acr = Math.exp(lnAcr + rng.normal(0, 0.3)) * (onRasi ? RASI_ACR_FACTOR : 1);
        obs(t, '9318-7', 'Albumin/Creatinine [Mass Ratio] in Urine', Math.round(clamp(acr, 1, 20000) * 10) / 10, 'mg/g');
      }
      if (rng.chance(0.7)) obs(t, '8480-6', 'Systolic blood pressure', Math.round(sbpBase - (onRasi ? 5 : 0) + rng.normal(0, 10)), 'mm[Hg]');
      if (diabetes && rng.chance(0.5)) obs(t, '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', Math.round((a1cBase + rng.normal(0, 0.3)) * 10) / 10, '%');
      const interval = visitMedianYears * Math.exp(rng.normal(0, 0.3)) * (egfr < 30 ? 0.6 : 1);
      nextVisit = t + clamp(interval, 1 / 12, 2) * YEAR;
    }
    if (kf !== undefined && t >= kf + 0.5 * YEAR) { end = t; break; }
    // ---- treatment starts (uptake of SGLT2i from 2016, mostly from 2020) ----
    const year = new Date(t).getUTCFullYear();
    if (!onSglt2 && (diabetes || egfr < 60 || heartFailure)) {
      const perYear = year >= 2020 ? 0.25 : year >= 2016 ? 0.05 : 0;
      if (perYear > 0 && rng.chance(perYear * STEP_YEARS)) {
        sglt2Start = t;
        if (rng.chance(0.5)) med('1545658', 'empagliflozin 10 MG Oral Tablet', t);
        else med('1488569', 'dapagliflozin 10 MG Oral Tablet', t);
      }
    }
    if (!onRasi && rng.chance(0.1 * STEP_YEARS)) rasiStart = t;
    if (t === rasiStart) {
      if (rng.chance(0.5)) med('979492', 'losartan potassium 50 MG Oral Tablet', t);
      else med('314077', 'lisinopril 20 MG Oral Tablet', t);
    }
    // ---- kidney failure, death, loss to follow-up ----
    if (kf === undefined) {
      const past = history.find((h) => h.t >= t - 2 * YEAR);
      const change = past && t - past.t > 1.5 * YEAR ? (egfr - past.egfr) / past.egfr : 0;
      let hazard = BASELINE_HAZARD_PER_YEAR * Math.exp(simulatedLogHazard(age, male, egfr, Math.exp(lnAcr), change));
      if (t >= sglt2Start) hazard *= SGLT2I_HR;
      if (t >= rasiStart) hazard *= RASI_HR;
      if (egfr < 10) hazard += 1.5;
      if (rng.chance(1 - Math.exp(-hazard * STEP_YEARS))) {
        kf = t;
        resources.push({
          resourceType: 'Procedure', id: rid(), subject, status: 'completed',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '265764009', display: 'Renal dialysis (procedure)' }] }, performedDateTime: iso(t),
        } as Resource);
        condition('46177005', 'End-stage renal disease (disorder)', t);
      }
      const death = 0.006 * Math.exp(0.085 * (age - 65)) * (egfr < 30 ? 2 : 1);
      if (rng.chance((death + 0.03) * STEP_YEARS)) { end = t; break; }
    }
    // ---- latent physiology ----
    history.push({ t, egfr });
    if (history.length > 30) history.shift();
    let slope = baseSlope + (fastProgressor && t >= fastStart ? fastExtra : 0);
    if (t >= rasiStart) slope *= RASI_SLOPE_FACTOR;
    if (t >= sglt2Start) {
      slope *= SGLT2I_SLOPE_FACTOR;
      if (!appliedDip) { egfr -= SGLT2I_DIP; appliedDip = true; }
    }
    if (kf !== undefined) slope = Math.min(slope, -6);
    egfr = clamp(egfr + slope * STEP_YEARS + rng.normal(0, 0.5), 3, 130);
    lnAcr = clamp(lnAcr + (0.06 + (fastProgressor && t >= fastStart ? 0.12 : 0)) * STEP_YEARS + rng.normal(0, 0.05), Math.log(2), Math.log(8000));
    t += STEP_YEARS * YEAR;
  }
  return { id, resources, ...(kf !== undefined ? { kidneyFailureMs: kf } : {}), endMs: Math.min(end, DATA_END), fastProgressor };
}

/** Resource types the simulator writes (one NDJSON file each, as a Bulk Data $export does). */
export const SIMULATED_TYPES = ['Patient', 'Condition', 'MedicationRequest', 'Observation', 'Procedure'] as const;

/** Milliseconds in a day, re-exported for callers that build index dates. */
export const DAY_MS = MS_PER_DAY;
