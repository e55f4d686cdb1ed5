/**
 * FHIR R4 resources that built-in cards suggest. Subject and encounter are placeholders the HTTP
 * side binds to the request context; the scorer never sees real ids. No resource carries an id.
 */
import { PATIENT_REFERENCE, type ActionDraft, type PredictionRecord } from '@prognos/contracts';
import { PROCEDURES, SYSTEM, type CodedConcept, type DrugProduct } from './codes';

const coding = (c: CodedConcept) => ({ system: c.system, code: c.code, display: c.display });

/** dosageInstruction for a tablet product at its suggested sig. */
export function dosageFor(drug: DrugProduct): Record<string, unknown>[] {
  return [{
    text: drug.sig,
    timing: { repeat: { frequency: drug.timesPerDay, period: 1, periodUnit: 'd' } },
    route: { coding: [coding(PROCEDURES.oralRoute)] },
    doseAndRate: [{ doseQuantity: { value: drug.strengthMg, unit: 'mg', system: SYSTEM.ucum, code: 'mg' } }],
  }];
}

export function medicationConcept(drug: DrugProduct): Record<string, unknown> {
  return { coding: [coding(drug)], text: drug.display };
}

/** A draft MedicationRequest for the patient (status draft, intent order). */
export function medicationRequest(drug: DrugProduct, reasonText: string): Record<string, unknown> {
  return {
    resourceType: 'MedicationRequest',
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: medicationConcept(drug),
    subject: { reference: PATIENT_REFERENCE },
    reasonCode: [{ text: reasonText }],
    dosageInstruction: dosageFor(drug),
  };
}

export function createMedicationAction(drug: DrugProduct, reasonText: string): ActionDraft {
  return { type: 'create', description: `Order ${drug.display}, ${drug.sig}`, resource: medicationRequest(drug, reasonText) };
}

/** A draft ServiceRequest (lab order or referral) for the patient. */
export function serviceRequest(code: CodedConcept, reasonText: string, category?: 'laboratory' | 'referral'): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'order',
    code: { coding: [coding(code)], text: code.display },
    subject: { reference: PATIENT_REFERENCE },
    reasonCode: [{ text: reasonText }],
  };
  if (category === 'laboratory') {
    // SNOMED 108252007 "Laboratory procedure", the US Core ServiceRequest category example.
    resource.category = [{ coding: [{ system: SYSTEM.snomed, code: '108252007', display: 'Laboratory procedure' }] }];
  } else if (category === 'referral') {
    // SNOMED 3457005 "Patient referral".
    resource.category = [{ coding: [{ system: SYSTEM.snomed, code: '3457005', display: 'Patient referral' }] }];
  }
  return resource;
}

export function createServiceAction(code: CodedConcept, reasonText: string, category?: 'laboratory' | 'referral'): ActionDraft {
  return { type: 'create', description: `Order: ${code.display}`, resource: serviceRequest(code, reasonText, category) };
}

export interface OutcomeConcept extends CodedConcept {
  text: string;
}

export interface RiskPrediction {
  record: PredictionRecord & { value: number };
  outcome: OutcomeConcept;
  /** Years; falls back to record.horizonYears. */
  horizonYears: number;
}

/** Years of a prediction: record.horizonYears, else parsed from an output name like 'risk_5y' / 'cvd_10y'. */
export function horizonOf(record: PredictionRecord): number | undefined {
  if (record.horizonYears !== undefined) return record.horizonYears;
  const m = /_(\d+)y$/.exec(record.output);
  return m ? Number(m[1]) : undefined;
}

/**
 * A RiskAssessment filing one model's predictions: status final, occurrence = asOf, method naming
 * model and version, exact probabilityDecimal, coded outcome, whenRange 0..horizon years. No basis
 * (the scorer holds no resource ids).
 */
export function riskAssessment(args: { modelId: string; modelVersion: string; modelTitle: string; asOf: string; predictions: RiskPrediction[] }): Record<string, unknown> {
  return {
    ...riskAssessmentHeader(args.modelId, args.modelTitle, args.modelVersion, args.asOf),
    prediction: args.predictions.map((p) => ({
      outcome: { coding: [coding(p.outcome)], text: p.outcome.text },
      probabilityDecimal: p.record.value,
      whenRange: yearsFromNow(p.horizonYears),
    })),
  };
}

/** What every RiskAssessment we file shares: final, about the patient, as of the hook time, by this method. */
function riskAssessmentHeader(methodId: string, methodTitle: string, version: string, asOf: string): Record<string, unknown> {
  return {
    resourceType: 'RiskAssessment',
    status: 'final',
    subject: { reference: PATIENT_REFERENCE },
    occurrenceDateTime: asOf,
    method: {
      coding: [{ system: SYSTEM.model, code: methodId, display: `${methodTitle} v${version}` }],
      text: `${methodTitle} (${methodId} v${version})`,
    },
  };
}

/** whenRange 0..horizon years (UCUM `a`). */
function yearsFromNow(horizonYears: number): Record<string, unknown> {
  return {
    low: { value: 0, unit: 'a', system: SYSTEM.ucum, code: 'a' },
    high: { value: horizonYears, unit: 'a', system: SYSTEM.ucum, code: 'a' },
  };
}

export function createRiskAssessmentAction(args: Parameters<typeof riskAssessment>[0]): ActionDraft {
  return { type: 'create', description: `File ${args.modelTitle} risk assessment in the record`, resource: riskAssessment(args) };
}

/**
 * A RiskAssessment for a point score (CHA2DS2-VASc, HAS-BLED): no probability is invented; the
 * score goes into prediction.rationale and a qualitative risk level (FHIR risk-probability).
 */
export function pointScoreRiskAssessment(args: {
  scoreId: string; scoreTitle: string; version: string; asOf: string; outcome: OutcomeConcept; score: number;
  level: 'low' | 'moderate' | 'high'; horizonYears: number;
}): Record<string, unknown> {
  return {
    ...riskAssessmentHeader(args.scoreId, args.scoreTitle, args.version, args.asOf),
    prediction: [{
      outcome: { coding: [coding(args.outcome)], text: args.outcome.text },
      qualitativeRisk: { coding: [{ system: SYSTEM.riskProbability, code: args.level, display: `${args.level[0]!.toUpperCase()}${args.level.slice(1)} likelihood` }] },
      whenRange: yearsFromNow(args.horizonYears),
      rationale: `${args.scoreTitle} score ${args.score}`,
    }],
  };
}
