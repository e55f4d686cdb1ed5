import type { Resource } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '@prognos/contracts';
import { checkRecordPatient, referencedPatientId } from './check-record-patient';

const obs = (id: string, subject?: string): Resource => ({ resourceType: 'Observation', id, status: 'final', code: {}, ...(subject ? { subject: { reference: subject } } : {}) } as Resource);

describe('the record must belong to context.patientId', () => {
  it('reads the patient id of relative, absolute, versioned and urn:uuid references', () => {
    const urls = new Map([['urn:uuid:b0b', 'B']]);
    expect(referencedPatientId('Patient/A', urls)).toBe('A');
    expect(referencedPatientId('https://ehr.example/fhir/R4/Patient/A/_history/2', urls)).toBe('A');
    expect(referencedPatientId('urn:uuid:b0b', urls)).toBe('B');
    expect(referencedPatientId('urn:uuid:unknown', urls)).toBeUndefined();
    expect(referencedPatientId('Group/7', urls)).toBeUndefined();
    expect(referencedPatientId('#contained', urls)).toBeUndefined();
  });

  it('drops and counts resources of another patient, keeps what cannot be compared', () => {
    const r = checkRecordPatient([{ key: 'labs', resources: [obs('1', 'Patient/A'), obs('2', 'Patient/B'), obs('3', 'urn:uuid:b0b'), obs('4'), obs('5', 'Group/7')] }], 'A', new Map([['urn:uuid:b0b', 'B']]));
    expect(r.kept[0].resources.map((x) => x.id)).toEqual(['1', '4', '5']);
    expect(r.dropped).toEqual({ Observation: 2 });
  });

  it('checks every resource type the safety and pharmacogenomics keys bring, AllergyIntolerance by its `patient` link', () => {
    const of = (resourceType: string, id: string, patient: string, field: 'subject' | 'patient' = 'subject'): Resource =>
      ({ resourceType, id, [field]: { reference: `Patient/${patient}` } } as unknown as Resource);
    const types: [string, 'subject' | 'patient'][] = [
      ['AllergyIntolerance', 'patient'], ['Observation', 'subject'], ['Condition', 'subject'], ['MedicationRequest', 'subject'],
      ['MedicationStatement', 'subject'], ['MedicationDispense', 'subject'], ['Procedure', 'subject'],
    ];
    const mine = types.map(([t, f]) => of(t, `a-${t}`, 'A', f));
    const theirs = types.map(([t, f]) => of(t, `b-${t}`, 'B', f));
    // An _include-d Medication has no patient link: kept.
    const medication = { resourceType: 'Medication', id: 'm1', code: { text: 'apixaban' } } as Resource;
    const r = checkRecordPatient([{ key: 'allergies', resources: [...mine, ...theirs, medication] }], 'A', new Map());
    expect(r.kept[0].resources.map((x) => x.id)).toEqual([...mine.map((x) => x.id), 'm1']);
    expect(r.dropped).toEqual(Object.fromEntries(types.map(([t]) => [t, 1])));
  });

  it('refuses a Patient resource for someone else with 412 naming the key', () => {
    const run = () => checkRecordPatient([
      { key: 'patient', resources: [{ resourceType: 'Patient', id: 'B' } as Resource] },
      { key: 'labs', resources: [obs('1', 'Patient/A')] },
    ], 'A', new Map());
    expect(run).toThrow(OperationOutcomeError);
    try { run(); } catch (e) {
      const err = e as OperationOutcomeError;
      expect(err.status).toBe(412);
      expect(err.outcome.issue.map((i) => i.expression)).toEqual([['prefetch.patient']]);
      expect(JSON.stringify(err.outcome)).not.toMatch(/"B"|Patient\/B/);
    }
  });
});
