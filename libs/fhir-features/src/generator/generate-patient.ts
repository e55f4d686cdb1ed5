/**
 * Synthetic longitudinal patients as FHIR R4 collection Bundles: seeded, deterministic and
 * physiologically consistent. Creatinine is derived from the intended eGFR trajectory by inverting
 * CKD-EPI 2021 at the patient's age on each date, so recomputing eGFR from the generated creatinine
 * recovers the trajectory (up to the analytical noise and rounding). Covers what the shared Synthea
 * data lacks: CKD G3b/G4 with ACR > 300 mg/g, SGLT2i / ARB / ARNI / DOAC / finerenone / GLP-1 RA
 * users, statins of every intensity, and results in SI units (umol/L, mmol/L, mg/mmol, mmol/mol).
 *
 * All names and identifiers are obviously synthetic ('Synthetic', 'SYN-...').
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { creatinineForEgfr } from '../ckd-epi-2021';
import { MS_PER_DAY, MS_PER_YEAR } from '../fhir-read';
import { ngspToIfcc } from '../units/normalize-unit';
import { drawPgxPanel } from './pgx-genotypes';
import { createRng, type Rng } from './prng';

export type PatientProfile = 'ckd-g3b-a3-t2d' | 'ckd-g4-a3' | 't2d-ckd-g3a' | 'af-hf' | 'statin-primary' | 'healthy' | 'pgx';
/** Profiles drawn at random ('pgx' is chosen explicitly: it always carries a pharmacogenomic panel). */
export const PATIENT_PROFILES: readonly PatientProfile[] = ['ckd-g3b-a3-t2d', 'ckd-g4-a3', 't2d-ckd-g3a', 'af-hf', 'statin-primary', 'healthy'];
/** Share of patients of the other profiles with a pharmacogenomic panel on file. */
export const PGX_PANEL_SHARE = 0.25;

export interface GeneratePatientOptions {
  seed: number;
  /** Default: drawn from the seed. */
  profile?: PatientProfile;
  /**
   * Exact number of resources in the Bundle (Patient, Conditions, medications, Encounters,
   * Observations), clamped to [50, 20000].
   * @defaultValue 300
   */
  targetResources?: number;
  /** The record ends just before this instant. @defaultValue 2025-06-30T00:00:00Z */
  asOf?: Date;
  /**
   * Probability that a laboratory result is reported in SI units.
   * @defaultValue 0.3
   */
  siShare?: number;
  /** Analytical noise on results (CV ~3 % creatinine, log-normal ACR ...). @defaultValue true */
  noise?: boolean;
}

/** The intended (latent) physiology, exported so tests can compare extraction against it. */
export interface PatientPlan {
  profile: PatientProfile;
  sex: 'male' | 'female';
  birthMs: number;
  asOfMs: number;
  startMs: number;
  /** eGFR (mL/min/1.73 m2) at the start of the history and its linear slope per year. */
  egfrStart: number;
  egfrSlopePerYear: number;
  /** ACR (mg/g) at start and its yearly growth factor. */
  acrStart: number;
  acrGrowthPerYear: number;
  diabetes: boolean;
  hypertension: boolean;
  atrialFibrillation: boolean;
  heartFailure: boolean;
  black: boolean;
  smoker: 'current' | 'former' | 'never';
}

export const DEFAULT_GENERATOR_AS_OF = new Date('2025-06-30T00:00:00Z');
export const MIN_RESOURCES = 50;
export const MAX_RESOURCES = 20_000;

/** Intended eGFR at time t (linear, kept within 5..130). */
export function plannedEgfr(plan: PatientPlan, t: number): number {
  return Math.min(130, Math.max(5, plan.egfrStart + plan.egfrSlopePerYear * ((t - plan.startMs) / MS_PER_YEAR)));
}

export function plannedAcr(plan: PatientPlan, t: number): number {
  return plan.acrStart * Math.pow(plan.acrGrowthPerYear, (t - plan.startMs) / MS_PER_YEAR);
}

interface ProfileSpec {
  age: [number, number];
  egfrEnd: [number, number];
  slope: [number, number];
  acrEnd: [number, number];
  diabetes: number;
  hypertension: number;
  af: number;
  hf: number;
}

const SPECS: Readonly<Record<PatientProfile, ProfileSpec>> = {
  'ckd-g3b-a3-t2d': { age: [55, 80], egfrEnd: [31, 43], slope: [-6, -3], acrEnd: [400, 1800], diabetes: 1, hypertension: 0.9, af: 0.1, hf: 0.1 },
  'ckd-g4-a3': { age: [50, 82], egfrEnd: [16, 28], slope: [-7, -3.5], acrEnd: [350, 2500], diabetes: 0.5, hypertension: 1, af: 0.1, hf: 0.15 },
  't2d-ckd-g3a': { age: [50, 78], egfrEnd: [46, 58], slope: [-3, -1], acrEnd: [40, 280], diabetes: 1, hypertension: 0.8, af: 0.05, hf: 0.05 },
  'af-hf': { age: [62, 88], egfrEnd: [45, 78], slope: [-2, -0.8], acrEnd: [8, 120], diabetes: 0.3, hypertension: 0.9, af: 1, hf: 0.8 },
  'statin-primary': { age: [42, 75], egfrEnd: [65, 98], slope: [-1.2, -0.4], acrEnd: [4, 25], diabetes: 0.2, hypertension: 0.7, af: 0, hf: 0 },
  healthy: { age: [25, 60], egfrEnd: [88, 118], slope: [-1, -0.2], acrEnd: [3, 15], diabetes: 0, hypertension: 0, af: 0, hf: 0 },
  // Cardiovascular patients (AF, statin candidates) with a pharmacogenomic panel on file.
  pgx: { age: [45, 80], egfrEnd: [60, 95], slope: [-1.5, -0.4], acrEnd: [4, 40], diabetes: 0.2, hypertension: 0.7, af: 0.5, hf: 0.1 },
};

export function planPatient(options: GeneratePatientOptions): PatientPlan {
  const rng = createRng(options.seed);
  const profile = options.profile ?? rng.pick(PATIENT_PROFILES);
  const spec = SPECS[profile];
  const asOfMs = (options.asOf ?? DEFAULT_GENERATOR_AS_OF).getTime();
  const target = clampTarget(options.targetResources);
  const sex = rng.chance(0.5) ? 'male' : 'female';
  const ageAtAsOf = rng.uniform(spec.age[0], spec.age[1]);
  const birthDay = Math.floor((asOfMs - ageAtAsOf * MS_PER_YEAR) / MS_PER_DAY);
  // Longer records cover more years (3 to 12); resource density rises beyond that.
  const spanYears = Math.min(12, 3 + target / 2000);
  const startMs = asOfMs - spanYears * MS_PER_YEAR;
  const egfrEnd = rng.uniform(spec.egfrEnd[0], spec.egfrEnd[1]);
  const slope = rng.uniform(spec.slope[0], spec.slope[1]);
  const egfrStart = Math.min(125, egfrEnd - slope * spanYears);
  const acrEnd = Math.exp(rng.uniform(Math.log(spec.acrEnd[0]), Math.log(spec.acrEnd[1])));
  const acrGrowth = profile.startsWith('ckd') || profile === 't2d-ckd-g3a' ? rng.uniform(1.08, 1.3) : rng.uniform(0.97, 1.05);
  const acrStart = acrEnd / Math.pow(acrGrowth, spanYears);
  const smokeDraw = rng.next();
  return {
    profile, sex, birthMs: birthDay * MS_PER_DAY, asOfMs, startMs,
    egfrStart, egfrSlopePerYear: (egfrEnd - egfrStart) / spanYears,
    acrStart, acrGrowthPerYear: acrGrowth,
    diabetes: rng.chance(spec.diabetes), hypertension: rng.chance(spec.hypertension),
    atrialFibrillation: rng.chance(spec.af), heartFailure: rng.chance(spec.hf),
    black: rng.chance(0.15),
    smoker: smokeDraw < 0.15 ? 'current' : smokeDraw < 0.4 ? 'former' : 'never',
  };
}

function clampTarget(t: number | undefined): number {
  const v = typeof t === 'number' && Number.isFinite(t) ? Math.round(t) : 300;
  return Math.min(MAX_RESOURCES, Math.max(MIN_RESOURCES, v));
}

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

interface MedSpec {
  rxcui?: string;
  display: string;
  perDay: number;
  /** Years before asOf the medication started (clamped to the history). */
  startYearsAgo: number;
  /** Stopped this many years before asOf (a past prescription), or active when absent. */
  stopYearsAgo?: number;
}

function medicationPlan(plan: PatientPlan, rng: Rng): MedSpec[] {
  const meds: MedSpec[] = [];
  const add = (m: MedSpec): void => { meds.push(m); };
  switch (plan.profile) {
    case 'ckd-g3b-a3-t2d':
      add({ rxcui: '861007', display: 'metformin hydrochloride 500 MG Oral Tablet', perDay: 2, startYearsAgo: 8 });
      add({ rxcui: '979480', display: 'losartan potassium 100 MG Oral Tablet', perDay: 1, startYearsAgo: 5 });
      add({ rxcui: '1545658', display: 'empagliflozin 10 MG Oral Tablet', perDay: 1, startYearsAgo: rng.uniform(0.5, 2) });
      add({ rxcui: '312961', display: 'Simvastatin 20 MG Oral Tablet', perDay: 1, startYearsAgo: 7, stopYearsAgo: 3 });
      add({ rxcui: '617311', display: 'atorvastatin 40 MG Oral Tablet', perDay: 1, startYearsAgo: 3 });
      break;
    case 'ckd-g4-a3':
      add({ rxcui: '314077', display: 'lisinopril 20 MG Oral Tablet', perDay: 1, startYearsAgo: 6 });
      add({ rxcui: '1488569', display: 'dapagliflozin 10 MG Oral Tablet', perDay: 1, startYearsAgo: rng.uniform(0.5, 2.5) });
      add({ rxcui: '859747', display: 'rosuvastatin calcium 10 MG Oral Tablet', perDay: 1, startYearsAgo: 4 });
      add({ rxcui: '313988', display: 'furosemide 40 MG Oral Tablet', perDay: 1, startYearsAgo: 2 });
      if (plan.diabetes) add({ rxcui: '2562817', display: 'finerenone 10 MG Oral Tablet', perDay: 1, startYearsAgo: 1 });
      break;
    case 't2d-ckd-g3a':
      add({ rxcui: '861004', display: 'metformin hydrochloride 1000 MG Oral Tablet', perDay: 2, startYearsAgo: 6 });
      add({ display: 'semaglutide 1 MG/DOSE Pen Injector [Ozempic]', perDay: 1 / 7, startYearsAgo: 1.5 });
      add({ rxcui: '979492', display: 'losartan potassium 50 MG Oral Tablet', perDay: 1, startYearsAgo: 4 });
      add({ rxcui: '617310', display: 'atorvastatin 20 MG Oral Tablet', perDay: 1, startYearsAgo: 4 });
      break;
    case 'af-hf':
      if (rng.chance(0.3)) add({ rxcui: '855332', display: 'Warfarin Sodium 5 MG Oral Tablet', perDay: 1, startYearsAgo: 4 });
      else add({ rxcui: '1364445', display: 'apixaban 5 MG Oral Tablet', perDay: 2, startYearsAgo: 3 });
      add({ rxcui: '866414', display: '24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]', perDay: 1, startYearsAgo: 4 });
      if (plan.heartFailure) {
        add({ rxcui: '314076', display: 'lisinopril 10 MG Oral Tablet', perDay: 1, startYearsAgo: 5, stopYearsAgo: 2 });
        add({ rxcui: '1656349', display: 'sacubitril 49 MG / valsartan 51 MG Oral Tablet', perDay: 2, startYearsAgo: 1.9 });
        add({ rxcui: '313096', display: 'spironolactone 25 MG Oral Tablet', perDay: 1, startYearsAgo: 2 });
        add({ rxcui: '1488569', display: 'dapagliflozin 10 MG Oral Tablet', perDay: 1, startYearsAgo: 1 });
      }
      add({ rxcui: '617311', display: 'atorvastatin 40 MG Oral Tablet', perDay: 1, startYearsAgo: 3 });
      break;
    case 'statin-primary':
      add(rng.pick<MedSpec>([
        { rxcui: '859751', display: 'rosuvastatin calcium 20 MG Oral Tablet', perDay: 1, startYearsAgo: 3 },
        { rxcui: '617312', display: 'atorvastatin 10 MG Oral Tablet', perDay: 1, startYearsAgo: 3 },
        { rxcui: '316672', display: 'Simvistatin 10 MG', perDay: 1, startYearsAgo: 3 },
      ]));
      if (plan.hypertension) {
        add({ rxcui: '197361', display: 'Amlodipine 5 MG Oral Tablet', perDay: 1, startYearsAgo: 4 });
        add({ rxcui: '316049', display: 'Hydrochlorothiazide 25 MG', perDay: 1, startYearsAgo: 4 });
      }
      break;
    case 'pgx':
      // Drugs with CPIC gene-drug guidelines, so the demo's order-sign calls meet the genotype.
      add({ rxcui: '198211', display: 'simvastatin 40 MG Oral Tablet', perDay: 1, startYearsAgo: 2 });
      if (plan.atrialFibrillation) add({ rxcui: '855332', display: 'Warfarin Sodium 5 MG Oral Tablet', perDay: 1, startYearsAgo: 1 });
      break;
    case 'healthy':
      add({ rxcui: '310965', display: 'Ibuprofen 200 MG Oral Tablet', perDay: 3, startYearsAgo: 2, stopYearsAgo: 1.9 });
      break;
  }
  if (plan.atrialFibrillation && plan.profile !== 'af-hf') add({ rxcui: '1364447', display: 'apixaban 5 MG Oral Tablet [Eliquis]', perDay: 2, startYearsAgo: 1 });
  return meds;
}

interface Builder {
  entries: BundleEntry[];
  rng: Rng;
  patientRef: string;
}

function push(b: Builder, resource: Resource): string {
  const id = b.rng.uuid();
  const full = 'urn:uuid:' + id;
  b.entries.push({ fullUrl: full, resource: { ...resource, id } as Resource });
  return full;
}

const iso = (t: number): string => new Date(t).toISOString();
const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

function coded(system: string, code: string, display: string): { coding: { system: string; code: string; display: string }[]; text: string } {
  return { coding: [{ system, code, display }], text: display };
}

/**
 * Builds one synthetic patient as a FHIR R4 collection Bundle of exactly `targetResources`
 * resources (see {@link GeneratePatientOptions}). Deterministic for a given option set.
 */
export function generatePatient(options: GeneratePatientOptions): Bundle {
  const plan = planPatient(options);
  const target = clampTarget(options.targetResources);
  const siShare = typeof options.siShare === 'number' ? Math.min(1, Math.max(0, options.siShare)) : 0.3;
  const noisy = options.noise !== false;
  const rng = createRng(options.seed * 7919 + 17);
  const b: Builder = { entries: [], rng, patientRef: '' };

  // ---- Patient ----
  const patient: Resource = {
    resourceType: 'Patient',
    meta: { tag: [{ system: 'urn:prognos:synthetic', code: 'synthetic' }] },
    identifier: [{ system: 'urn:prognos:synthetic-patient', value: `SYN-${options.seed}` }],
    name: [{ family: 'Synthetic', given: ['Test', `Patient${options.seed}`] }],
    gender: plan.sex,
    birthDate: isoDay(plan.birthMs),
    extension: [{
      url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
      extension: plan.black
        ? [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2054-5', display: 'Black or African American' } }, { url: 'text', valueString: 'Black or African American' }]
        : [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' } }, { url: 'text', valueString: 'White' }],
    }],
  } as Resource;
  b.patientRef = push(b, patient);
  const subject = { reference: b.patientRef };

  // ---- Pharmacogenomic panel (own random stream, so nothing else the patient draws changes) ----
  const pgxRng = createRng(options.seed * 104729 + 7);
  if (plan.profile === 'pgx' || pgxRng.chance(PGX_PANEL_SHARE)) {
    const date = isoDay(plan.startMs + pgxRng.uniform(0, 0.5) * (plan.asOfMs - plan.startMs));
    for (const obs of drawPgxPanel(pgxRng, plan.black, date)) {
      const id = pgxRng.uuid();
      b.entries.push({ fullUrl: 'urn:uuid:' + id, resource: { ...obs, id, subject } as unknown as Resource });
    }
  }

  // ---- Conditions ----
  const condition = (code: string, display: string, onset: number, abatement?: number, icd?: [string, string]): void => {
    const cc = coded(SNOMED, code, display);
    if (icd) cc.coding.push({ system: ICD10, code: icd[0], display: icd[1] });
    const res: Record<string, unknown> = {
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: abatement === undefined ? 'active' : 'resolved' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      code: cc, subject, onsetDateTime: iso(onset), recordedDate: iso(onset),
    };
    if (abatement !== undefined) res.abatementDateTime = iso(abatement);
    push(b, res as unknown as Resource);
  };
  const early = plan.startMs - rng.uniform(0.5, 3) * MS_PER_YEAR;
  if (plan.diabetes) condition('44054006', 'Diabetes mellitus type 2 (disorder)', early, undefined, ['E11.9', 'Type 2 diabetes mellitus without complications']);
  if (plan.hypertension) condition('59621000', 'Essential hypertension (disorder)', early - MS_PER_YEAR, undefined, ['I10', 'Essential (primary) hypertension']);
  if (plan.atrialFibrillation) condition('49436004', 'Atrial fibrillation (disorder)', plan.startMs + rng.uniform(0, 0.5) * (plan.asOfMs - plan.startMs));
  if (plan.heartFailure) condition('88805009', 'Chronic congestive heart failure (disorder)', plan.startMs + rng.uniform(0, 0.5) * (plan.asOfMs - plan.startMs));
  // CKD stage conditions follow the eGFR trajectory: each crossing codes the new stage and abates the old.
  const stages: [number, string, string, [string, string]][] = [
    [60, '431856006', 'Chronic kidney disease stage 2 (disorder)', ['N18.2', 'Chronic kidney disease, stage 2 (mild)']],
    [45, '700378005', 'Chronic kidney disease stage 3a (disorder)', ['N18.31', 'Chronic kidney disease, stage 3a']],
    [30, '700379002', 'Chronic kidney disease stage 3b (disorder)', ['N18.32', 'Chronic kidney disease, stage 3b']],
    [15, '431857002', 'Chronic kidney disease stage 4 (disorder)', ['N18.4', 'Chronic kidney disease, stage 4 (severe)']],
    [0, '433146000', 'Chronic kidney disease stage 5 (disorder)', ['N18.5', 'Chronic kidney disease, stage 5']],
  ];
  if (plan.profile.includes('ckd')) {
    const stageAt = (t: number): number => {
      const e = plannedEgfr(plan, t);
      return stages.findIndex(([lower]) => e >= lower);
    };
    let current = stageAt(plan.startMs);
    let since = plan.startMs;
    const monthMs = MS_PER_YEAR / 12;
    for (let t = plan.startMs + monthMs; t <= plan.asOfMs; t += monthMs) {
      const s = stageAt(t);
      if (s !== current) {
        if (current >= 0) condition(stages[current][1], stages[current][2], since, t, stages[current][3]);
        current = s;
        since = t;
      }
    }
    if (current >= 0) condition(stages[current][1], stages[current][2], since, undefined, stages[current][3]);
  }

  // ---- Medications ----
  const meds = medicationPlan(plan, rng);
  let onWarfarin = false;
  meds.forEach((m, i) => {
    const start = Math.max(plan.startMs, plan.asOfMs - m.startYearsAgo * MS_PER_YEAR);
    const stop = m.stopYearsAgo !== undefined ? plan.asOfMs - m.stopYearsAgo * MS_PER_YEAR : undefined;
    if (m.display.startsWith('Warfarin') && stop === undefined) onWarfarin = true;
    const cc = m.rxcui ? coded(RXNORM, m.rxcui, m.display) : { text: m.display };
    const dosage = m.perDay >= 1
      ? [{ timing: { repeat: { frequency: m.perDay, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet', system: UCUM, code: '{tbl}' } }] }]
      : [{ timing: { repeat: { frequency: 1, period: Math.round(1 / m.perDay), periodUnit: 'd' } } }];
    // Exercise every FHIR shape: plain CodeableConcept, contained Medication, bundled Medication, statements.
    const shape = i % 4;
    if (shape === 3) {
      const st: Record<string, unknown> = {
        resourceType: 'MedicationStatement', status: stop === undefined ? 'active' : 'completed', medicationCodeableConcept: cc, subject,
        effectivePeriod: stop === undefined ? { start: iso(start) } : { start: iso(start), end: iso(stop) }, dateAsserted: iso(start), dosage,
      };
      push(b, st as unknown as Resource);
      return;
    }
    const req: Record<string, unknown> = {
      resourceType: 'MedicationRequest', status: stop === undefined ? 'active' : 'stopped', intent: 'order', subject,
      authoredOn: iso(start), dosageInstruction: dosage,
    };
    if (stop !== undefined) req.dispenseRequest = { validityPeriod: { start: iso(start), end: iso(stop) } };
    if (shape === 1) {
      req.contained = [{ resourceType: 'Medication', id: 'med', code: cc }];
      req.medicationReference = { reference: '#med' };
    } else if (shape === 2) {
      req.medicationReference = { reference: push(b, { resourceType: 'Medication', code: cc } as Resource) };
    } else {
      req.medicationCodeableConcept = cc;
    }
    push(b, req as unknown as Resource);
  });

  // ---- Visits, newest first, until the target size is reached exactly ----
  const baseCount = b.entries.length;
  const perVisit = 11;
  const visits = Math.max(1, Math.ceil((target - baseCount) / perVisit));
  const interval = (plan.asOfMs - plan.startMs) / visits;
  const heightCm = plan.sex === 'male' ? rng.normal(176, 6) : rng.normal(163, 6);
  const weight0 = (plan.profile === 'healthy' ? rng.uniform(21, 27) : rng.uniform(25, 34)) * (heightCm / 100) ** 2;
  const sbpBase = plan.hypertension ? rng.uniform(128, 150) : rng.uniform(108, 126);
  const tcBase = rng.uniform(170, 250);
  const hdlBase = plan.sex === 'male' ? rng.uniform(35, 55) : rng.uniform(45, 70);
  const a1cBase = plan.diabetes ? rng.uniform(6.6, 8.8) : rng.uniform(4.9, 5.6);
  const statinStart = meds.filter((m) => /statin/i.test(m.display)).reduce((min, m) => Math.min(min, m.startYearsAgo), Infinity);
  const n = (sd: number): number => (noisy ? rng.normal(0, sd) : 0);
  const ckd = plan.profile.includes('ckd');

  const out: BundleEntry[] = [];
  const remaining = (): number => target - baseCount - out.length;
  const emit = (resource: Record<string, unknown>): string | undefined => {
    if (remaining() <= 0) return undefined;
    const id = rng.uuid();
    const full = 'urn:uuid:' + id;
    out.push({ fullUrl: full, resource: { ...resource, id } as unknown as Resource });
    return full;
  };
  const quantity = (value: number, unit: string): Record<string, unknown> => ({ value, unit, system: UCUM, code: unit });
  const observation = (t: number, encounter: string, category: string, code: string, display: string, value: Record<string, unknown>): void => {
    emit({
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
      code: coded(LOINC, code, display), subject, encounter: { reference: encounter }, effectiveDateTime: iso(t), issued: iso(t),
      ...value,
    });
  };
  const r = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

  for (let v = 0; v < visits * 4 && remaining() > 0; v++) {
    const t = plan.asOfMs - MS_PER_DAY - v * interval;
    if (t < plan.startMs - 10 * MS_PER_YEAR) break;
    const enc = emit({
      resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject, period: { start: iso(t - 3600_000), end: iso(t) },
    });
    if (!enc) break;
    const yearsAgo = (plan.asOfMs - t) / MS_PER_YEAR;
    const ageYears = (t - plan.birthMs) / MS_PER_YEAR;
    const si = (): boolean => rng.chance(siShare);
    // Vitals
    const sbp = r(sbpBase - (plan.hypertension && yearsAgo < 4 ? 6 : 0) + n(8), 0);
    const dbp = r(sbp * 0.6 + n(4), 0);
    emit({
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: coded(LOINC, '85354-9', 'Blood pressure panel with all children optional'), subject, encounter: { reference: enc },
      effectiveDateTime: iso(t),
      component: [
        { code: coded(LOINC, '8480-6', 'Systolic blood pressure'), valueQuantity: quantity(sbp, 'mm[Hg]') },
        { code: coded(LOINC, '8462-4', 'Diastolic blood pressure'), valueQuantity: quantity(dbp, 'mm[Hg]') },
      ],
    });
    const weight = weight0 * (1 + 0.01 * yearsAgo) + n(0.8);
    observation(t, enc, 'vital-signs', '29463-7', 'Body weight', { valueQuantity: quantity(r(weight, 1), 'kg') });
    observation(t, enc, 'vital-signs', '39156-5', 'Body mass index (BMI) [Ratio]', { valueQuantity: quantity(r(weight / (heightCm / 100) ** 2, 1), 'kg/m2') });
    // Renal panel: creatinine from the planned eGFR (inverse CKD-EPI 2021 at this age).
    const egfr = plannedEgfr(plan, t);
    const scr = creatinineForEgfr(egfr, ageYears, plan.sex) * (1 + n(0.03));
    if (si()) observation(t, enc, 'laboratory', '14682-9', 'Creatinine [Moles/volume] in Serum or Plasma', { valueQuantity: quantity(r(scr * 88.4, 0), 'umol/L') });
    else observation(t, enc, 'laboratory', '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', { valueQuantity: quantity(r(scr, 2), 'mg/dL') });
    observation(t, enc, 'laboratory', '98979-8', 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)',
      { valueQuantity: quantity(r(egfr, 0), 'mL/min/{1.73_m2}') });
    const k = 4.3 + (egfr < 30 ? 0.5 : egfr < 45 ? 0.3 : 0) + n(0.3);
    observation(t, enc, 'laboratory', '2823-3', 'Potassium [Moles/volume] in Serum or Plasma', { valueQuantity: quantity(r(k, 1), 'mmol/L') });
    observation(t, enc, 'laboratory', '2028-9', 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', { valueQuantity: quantity(r(25 - (egfr < 30 ? 4 : 0) + n(1.5), 0), 'mmol/L') });
    const ca = 9.4 - (egfr < 30 ? 0.4 : 0) + n(0.3);
    if (si()) observation(t, enc, 'laboratory', '2000-8', 'Calcium [Moles/volume] in Serum or Plasma', { valueQuantity: quantity(r(ca / 4.008, 2), 'mmol/L') });
    else observation(t, enc, 'laboratory', '17861-6', 'Calcium [Mass/volume] in Serum or Plasma', { valueQuantity: quantity(r(ca, 1), 'mg/dL') });
    // Every 2nd visit: urine ACR; HbA1c for diabetes
    if (v % 2 === 0) {
      const acr = plannedAcr(plan, t) * Math.exp(n(0.25));
      if (si()) observation(t, enc, 'laboratory', '9318-7', 'Albumin/Creatinine [Mass Ratio] in Urine', { valueQuantity: quantity(r(acr / 8.84, 1), 'mg/mmol') });
      else observation(t, enc, 'laboratory', '9318-7', 'Albumin/Creatinine [Mass Ratio] in Urine', { valueQuantity: quantity(r(acr, 1), 'mg/g') });
      if (plan.diabetes || v % 6 === 0) {
        const a1c = a1cBase + n(0.3);
        if (si()) observation(t, enc, 'laboratory', '59261-8', 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol', { valueQuantity: quantity(r(ngspToIfcc(a1c), 0), 'mmol/mol') });
        else observation(t, enc, 'laboratory', '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', { valueQuantity: quantity(r(a1c, 1), '%') });
      }
    }
    // Every 3rd visit: lipids (statins lower LDL ~40 % once started), albumin, phosphate
    if (v % 3 === 0) {
      const onStatin = yearsAgo < statinStart;
      const hdl = hdlBase + n(3);
      const tc = (onStatin ? tcBase * 0.72 : tcBase) + n(10);
      const tg = rng.uniform(90, 200);
      const ldl = Math.max(30, tc - hdl - tg / 5);
      const lipidSi = si();
      const lip = (code: string, codeSi: string, display: string, mgdl: number): void => {
        if (lipidSi) observation(t, enc, 'laboratory', codeSi, display + ' [Moles/volume]', { valueQuantity: quantity(r(mgdl / 38.67, 2), 'mmol/L') });
        else observation(t, enc, 'laboratory', code, display + ' [Mass/volume]', { valueQuantity: quantity(r(mgdl, 0), 'mg/dL') });
      };
      lip('2093-3', '14647-2', 'Cholesterol', tc);
      lip('2085-9', '14646-4', 'HDL Cholesterol', hdl);
      lip('13457-7', '22748-8', 'LDL Cholesterol', ldl);
      const alb = (ckd ? 3.8 : 4.2) + n(0.2);
      if (si()) observation(t, enc, 'laboratory', '1751-7', 'Albumin [Mass/volume] in Serum or Plasma', { valueQuantity: quantity(r(alb * 10, 0), 'g/L') });
      else observation(t, enc, 'laboratory', '1751-7', 'Albumin [Mass/volume] in Serum or Plasma', { valueQuantity: quantity(r(alb, 1), 'g/dL') });
      const phos = 3.6 + (egfr < 30 ? 0.9 : 0) + n(0.3);
      if (si()) observation(t, enc, 'laboratory', '14879-1', 'Phosphate [Moles/volume] in Serum or Plasma', { valueQuantity: quantity(r(phos / 3.097, 2), 'mmol/L') });
      else observation(t, enc, 'laboratory', '2777-1', 'Phosphate [Mass/volume] in Serum or Plasma', { valueQuantity: quantity(r(phos, 1), 'mg/dL') });
    }
    if (onWarfarin && yearsAgo < 4) {
      observation(t, enc, 'laboratory', '6301-6', 'INR in Platelet poor plasma by Coagulation assay', { valueQuantity: { value: r(Math.max(0.9, 2.5 + n(0.6)), 1), unit: '{INR}', system: UCUM, code: '{INR}' } });
    }
    if (v % 5 === 0) {
      const status = plan.smoker === 'current' ? ['449868002', 'Current every day smoker'] : plan.smoker === 'former' ? ['8517006', 'Ex-smoker'] : ['266919005', 'Never smoked tobacco'];
      observation(t, enc, 'social-history', '72166-2', 'Tobacco smoking status', { valueCodeableConcept: coded(SNOMED, status[0], status[1]) });
    }
    if (v === 0 || v % 10 === 0) observation(t, enc, 'vital-signs', '8302-2', 'Body height', { valueQuantity: quantity(r(heightCm, 1), 'cm') });
  }
  // Oldest first reads naturally; the extractor does not depend on order.
  out.reverse();
  return { resourceType: 'Bundle', type: 'collection', entry: [...b.entries, ...out] };
}
