import { buildFeatureSet } from './build-feature-set';
import { extractPatientFeatures } from './extract-patient-features';
import type { Json } from './fhir-read';

const AS_OF = new Date('2026-06-01T00:00:00Z');
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const apixaban = { coding: [{ system: RX, code: '1364445', display: 'apixaban 5 MG Oral Tablet' }], text: 'apixaban 5 MG Oral Tablet' };
const patient = { resourceType: 'Patient', id: 'p', gender: 'female', birthDate: '1950-01-01' };
const request = (over: Json): Json => ({ resourceType: 'MedicationRequest', id: `mr-${Math.random()}`, status: 'active', intent: 'order', authoredOn: '2025-01-01', subject: { reference: 'Patient/p' }, ...over });

function onDoac(resources: Json[]): { value: number | undefined; note?: string } {
  const v = buildFeatureSet('clinical-context', extractPatientFeatures([patient, ...resources], AS_OF));
  const i = v.names.indexOf('on_doac');
  return { value: v.present[i] ? v.values[i] : undefined, note: v.provenance[i].note };
}

describe('medicines written as medicationReference', () => {
  it('resolves a bundled (or _include-d) Medication by Medication/id, absolute URL and _history', () => {
    const med = { resourceType: 'Medication', id: 'm1', code: apixaban };
    expect(onDoac([request({ medicationReference: { reference: 'Medication/m1' } }), med]).value).toBe(1);
    expect(onDoac([request({ medicationReference: { reference: 'https://ehr.example/fhir/R4/Medication/m1' } }), med]).value).toBe(1);
    expect(onDoac([request({ medicationReference: { reference: 'Medication/m1/_history/3' } }), med]).value).toBe(1);
  });

  it('resolves a contained Medication, by code or by ingredient', () => {
    expect(onDoac([request({ contained: [{ resourceType: 'Medication', id: 'x', code: apixaban }], medicationReference: { reference: '#x' } })]).value).toBe(1);
    const byIngredient = { resourceType: 'Medication', id: 'x', code: { text: 'Anticoagulant tablet' }, ingredient: [{ itemCodeableConcept: { coding: [{ system: RX, code: '1364430' }] } }] };
    expect(onDoac([request({ contained: [byIngredient], medicationReference: { reference: '#x' } })]).value).toBe(1);
  });

  it('uses the reference display when the Medication is absent (brand names included)', () => {
    expect(onDoac([request({ medicationReference: { reference: 'Medication/gone', display: 'Eliquis 5 mg tablet' } })]).value).toBe(1);
    // A named medicine we do not track is known not to be a DOAC.
    expect(onDoac([request({ medicationReference: { reference: 'Medication/gone', display: 'acetaminophen 500 mg tablet' } })]).value).toBe(0);
  });

  it('makes every medication flag unknown while an active medicine cannot be identified', () => {
    const r = onDoac([request({ medicationReference: { reference: 'Medication/gone' } })]);
    expect(r.value).toBeUndefined();
    expect(r.note).toBe('unknown: 1 active medication record could not be identified (medicationReference not resolvable)');
    // An unresolvable but inactive (stopped, no validity) request does not matter.
    expect(onDoac([request({ status: 'stopped', medicationReference: { reference: 'Medication/gone' } })]).value).toBe(0);
    // A DOAC that is identified stays known even beside an unidentified medicine.
    expect(onDoac([request({ medicationCodeableConcept: apixaban }), request({ medicationReference: { reference: 'Medication/gone' } })]).value).toBe(1);
  });

  it('reads MedicationStatement references and MedicationDispense for their days of supply', () => {
    const statement = { resourceType: 'MedicationStatement', id: 's1', status: 'active', effectiveDateTime: '2025-02-01', subject: { reference: 'Patient/p' }, medicationReference: { reference: 'Medication/m1' } };
    expect(onDoac([statement, { resourceType: 'Medication', id: 'm1', code: apixaban }]).value).toBe(1);
    const dispense = (handedOver: string, days: number | undefined): Json => ({
      resourceType: 'MedicationDispense', id: `d-${handedOver}`, status: 'completed', whenHandedOver: handedOver, medicationCodeableConcept: apixaban,
      ...(days !== undefined ? { daysSupply: { value: days, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } } : {}),
    });
    expect(onDoac([dispense('2026-05-10', 30)]).value).toBe(1); // 22 days ago, 30 days' supply
    expect(onDoac([dispense('2026-04-01', 30)]).value).toBe(0); // supply ran out 2026-05-01
    expect(onDoac([dispense('2026-05-25', undefined)]).value).toBe(0); // span unknown: not counted as taking
  });
});

describe('unidentified medicines in the safety and pharmacogenomic sets (merge of issues 10, 11 and 12)', () => {
  const gone = request({ medicationReference: { reference: 'Medication/gone' } });
  const feature = (set: 'safety-context' | 'warfarin-iwpc', name: string, resources: Json[]) => {
    const v = buildFeatureSet(set, extractPatientFeatures([patient, ...resources], AS_OF));
    const i = v.names.indexOf(name);
    return { value: v.present[i] ? v.values[i] : undefined, note: v.provenance[i].note, items: v.provenance[i].items };
  };

  it('safety-context lists the identified ingredients and counts the unidentified ones, with a note', () => {
    const r = feature('safety-context', 'active_ingredient_count', [request({ medicationCodeableConcept: apixaban }), gone]);
    expect(r.items.map((i) => i.concept)).toEqual(['ingredient:apixaban', 'unidentified_medications']);
    expect(r.items[1]).toMatchObject({ value: 1 });
    expect(r.note).toBe('unknown: 1 active medication record could not be identified (medicationReference not resolvable)');
    // Every medicine identified: the list is complete (no count item, no note).
    const complete = feature('safety-context', 'active_ingredient_count', [request({ medicationCodeableConcept: apixaban })]);
    expect(complete.items.map((i) => i.concept)).toEqual(['ingredient:apixaban']);
    expect(complete.note).toBeUndefined();
  });

  it('IWPC amiodarone and enzyme-inducer flags are unknown, not 0, beside an unidentified medicine', () => {
    for (const name of ['amiodarone', 'enzyme_inducer']) {
      expect(feature('warfarin-iwpc', name, [gone])).toMatchObject({ value: undefined, note: expect.stringMatching(/could not be identified/) });
      expect(feature('warfarin-iwpc', name, [request({ medicationCodeableConcept: apixaban })]).value).toBe(0);
    }
  });
});
