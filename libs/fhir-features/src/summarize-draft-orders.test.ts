import { summarizeDraftOrders } from './summarize-draft-orders';
import { RXNORM } from './testing/fixtures';

describe('summarizeDraftOrders', () => {
  it('summarises medication orders by entry index with classes, strength, dose and frequency', () => {
    const draft = {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { resource: { resourceType: 'ServiceRequest', id: 'sr1', status: 'draft' } },
        {
          resource: {
            resourceType: 'MedicationRequest', id: 'mr1', status: 'draft', intent: 'order',
            medicationCodeableConcept: { coding: [{ system: RXNORM, code: '861004', display: 'metformin hydrochloride 1000 MG Oral Tablet' }] },
            dosageInstruction: [{ timing: { code: { coding: [{ code: 'BID' }] } }, doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet' } }] }],
          },
        },
        {
          resource: {
            resourceType: 'MedicationRequest', id: 'mr2', status: 'draft', intent: 'order', medicationReference: { reference: '#ibu' },
            contained: [{ resourceType: 'Medication', id: 'ibu', code: { text: 'Ibuprofen 400 MG Oral Tablet' } }],
            dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 8, periodUnit: 'h' } }, doseAndRate: [{ doseQuantity: { value: 400, unit: 'mg' } }] }],
          },
        },
      ],
    };
    const out = summarizeDraftOrders(draft);
    expect(out).toEqual([
      { index: 0, resourceType: 'ServiceRequest', ingredients: [], classes: [] },
      {
        index: 1, resourceType: 'MedicationRequest', rxcui: '861004', display: 'metformin hydrochloride 1000 MG Oral Tablet',
        ingredients: ['metformin'], classes: ['metformin'], strengthMg: 1000, doseMg: 1000, frequencyPerDay: 2,
      },
      {
        index: 2, resourceType: 'MedicationRequest', display: 'Ibuprofen 400 MG Oral Tablet',
        ingredients: ['ibuprofen'], classes: ['nsaid'], strengthMg: 400, doseMg: 400, frequencyPerDay: 3,
      },
    ]);
    expect(JSON.stringify(out)).not.toMatch(/mr1|mr2|sr1/);
  });

  it('returns an empty list for missing or malformed input', () => {
    expect(summarizeDraftOrders(undefined)).toEqual([]);
    expect(summarizeDraftOrders({ resourceType: 'Bundle' } as never)).toEqual([]);
    expect(summarizeDraftOrders({ resourceType: 'Bundle', entry: [null, 3, { resource: { resourceType: 9 } }] } as never)).toEqual([]);
  });
});
