/**
 * The short list of draft orders the sandbox offers for order-select / order-sign services: one
 * drug of each class the medication checks look at. Codes are RxNorm ingredient RxCUIs from
 * fhir-features' rxnorm-table.ts (the table the checks resolve them with).
 */
import type { MedicationRequest } from '@medplum/fhirtypes';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export interface DraftOrderChoice { id: string; label: string; rxcui: string; dose: string }

export const DRAFT_ORDERS: readonly DraftOrderChoice[] = [
  { id: 'metformin', label: 'Metformin 500 mg twice daily', rxcui: '6809', dose: '500 mg twice daily' },
  { id: 'ibuprofen', label: 'Ibuprofen 400 mg three times daily (NSAID)', rxcui: '5640', dose: '400 mg three times daily' },
  { id: 'naproxen', label: 'Naproxen 500 mg twice daily (NSAID)', rxcui: '7258', dose: '500 mg twice daily' },
  { id: 'apixaban', label: 'Apixaban 5 mg twice daily', rxcui: '1364430', dose: '5 mg twice daily' },
  { id: 'dapagliflozin', label: 'Dapagliflozin 10 mg once daily (SGLT2 inhibitor)', rxcui: '1488564', dose: '10 mg once daily' },
  { id: 'lisinopril', label: 'Lisinopril 10 mg once daily (ACE inhibitor)', rxcui: '29046', dose: '10 mg once daily' },
];

/** The draft MedicationRequest an EHR would put in context.draftOrders. */
export function draftOrder(choice: DraftOrderChoice, patientId: string): MedicationRequest {
  const mg = Number(choice.dose.split(' ')[0]);
  const perDay = /three times/.test(choice.dose) ? 3 : /twice/.test(choice.dose) ? 2 : 1;
  return {
    resourceType: 'MedicationRequest',
    id: `sandbox-draft-${choice.id}`,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: choice.rxcui, display: choice.label }], text: choice.label },
    dosageInstruction: [{
      text: choice.dose,
      timing: { repeat: { frequency: perDay, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
    }],
  };
}
