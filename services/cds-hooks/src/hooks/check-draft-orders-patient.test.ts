import { OperationOutcomeError } from '@prognos/contracts';
import { checkDraftOrdersPatient, draftOrdersForOtherPatients } from './check-draft-orders-patient';

const order = (subject: unknown, field = 'subject') => ({ resource: { resourceType: 'MedicationRequest', id: 'm', status: 'draft', intent: 'order', [field]: subject } });

describe('draft orders must be for context.patientId', () => {
  it('keeps orders for the patient, in every reference form, and those it cannot compare', () => {
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        order({ reference: 'Patient/p1' }),
        order({ reference: 'https://ehr.example.org/fhir/Patient/p1' }),
        order({ reference: 'Patient/p1/_history/3' }),
        order({ reference: 'urn:uuid:aaaa' }),
        { fullUrl: 'urn:uuid:aaaa', resource: { resourceType: 'Patient', id: 'p1' } },
        order({ reference: '#contained' }),
        order({ reference: 'Group/g1' }),
        order(undefined),
        order({ reference: 'Patient/p1' }, 'patient'),
      ],
    };
    expect(draftOrdersForOtherPatients(bundle, 'p1')).toEqual([]);
    expect(() => checkDraftOrdersPatient(bundle, 'p1')).not.toThrow();
    expect(draftOrdersForOtherPatients(undefined, 'p1')).toEqual([]);
  });

  it('refuses with 400 naming each order for another patient (subject, patient, urn:uuid, a Patient entry)', () => {
    const bundle = {
      resourceType: 'Bundle',
      entry: [
        order({ reference: 'Patient/p1' }),
        order({ reference: 'Patient/p2' }),
        order({ reference: 'https://ehr.example.org/fhir/Patient/p2' }, 'patient'),
        { fullUrl: 'urn:uuid:bbbb', resource: { resourceType: 'Patient', id: 'p2' } },
        order({ reference: 'urn:uuid:bbbb' }),
      ],
    };
    expect(draftOrdersForOtherPatients(bundle, 'p1')).toEqual([1, 2, 3, 4]);
    let err: unknown;
    try { checkDraftOrdersPatient(bundle, 'p1'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(OperationOutcomeError);
    const e = err as OperationOutcomeError;
    expect(e.status).toBe(400);
    expect(e.outcome.issue.map((i) => i.expression?.[0])).toEqual([1, 2, 3, 4].map((i) => `context.draftOrders.entry[${i}].resource`));
    expect(e.outcome.issue[0]!.diagnostics).toContain('other than context.patientId');
  });
});
