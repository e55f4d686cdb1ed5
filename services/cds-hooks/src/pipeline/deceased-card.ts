/**
 * The answer for a patient recorded as deceased (issue 11): no risk prediction, order, referral or
 * RiskAssessment, and one card saying why, so the silence is not mistaken for "nothing to say" or an
 * outage. Decision (documented in the README): one card, `info` on patient-view; `warning` when the
 * hook carries draft orders (someone is about to sign orders for a deceased patient, which is worth
 * interrupting for). No suggestions, no override reasons: there is nothing to accept.
 */
import { randomUUID } from 'node:crypto';
import type { CardDraft } from '@prognos/contracts';
import type { PatientStatus } from '@prognos/fhir-features';

export const DECEASED_CARD_KIND = 'record.patient-deceased';

export function deceasedCard(status: PatientStatus, hasDraftOrders: boolean): CardDraft {
  const when = status.deceasedDate ? ` (${status.deceasedDate.slice(0, 10)})` : '';
  const how = status.deceasedDate ? `deceasedDateTime ${status.deceasedDate}` : 'deceasedBoolean true';
  return {
    uuid: randomUUID(),
    kind: DECEASED_CARD_KIND,
    summary: hasDraftOrders
      ? `Patient recorded as deceased${when}: check the record before signing these orders`
      : `Patient recorded as deceased${when}: no risk predictions, orders or referrals offered`,
    indicator: hasDraftOrders ? 'warning' : 'info',
    source: { label: 'Prognos record check: Patient.deceased (FHIR R4)', url: 'https://hl7.org/fhir/R4/patient-definitions.html#Patient.deceased_x_' },
    detail: [
      `The Patient resource records the patient as deceased (${how}).`,
      'Prognos computes no kidney failure, cardiovascular or stroke risk, and suggests no medication, test, referral or RiskAssessment for a deceased patient.',
      'If the record is wrong, correct Patient.deceased in the EHR; the services answer normally again on the next call.',
    ].join('\n\n'),
  };
}
