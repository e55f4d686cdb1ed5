import { extractPatientFeatures } from './extract-patient-features';
import { unitLabel } from './extract-observations';

describe('data-quality drill-down labels', () => {
  it('labels a unit by its UCUM code when understood, never echoing free text', () => {
    expect(unitLabel('mg/dl', 'mg/dL')).toBe('mg/dL');
    expect(unitLabel(undefined)).toBe('none');
    expect(unitLabel('10*3/uL')).toBe('10*3/uL');
    expect(unitLabel('John Smith 12 Main St')).toBe('other');
    expect(unitLabel('x'.repeat(25))).toBe('other');
  });

  it('counts an implausible HbA1c under reason, concept and unit', () => {
    const obs = (id: string, value: number, code: string, unit: string) => ({
      resourceType: 'Observation', id, status: 'final', effectiveDateTime: '2024-01-01',
      subject: { reference: 'Patient/p' },
      code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] },
      valueQuantity: { value, unit, code, system: 'http://unitsofmeasure.org' },
    });
    const f = extractPatientFeatures([
      { resourceType: 'Patient', id: 'p', gender: 'female', birthDate: '1960-01-01' },
      obs('a', 55, '%', '%'), obs('b', 7, '%', '%'), obs('c', 7, 'kg', 'kg'), obs('d', 7, 'blah blah', 'blah blah'),
    ], new Date('2025-01-01'));
    expect(f.dataQuality.excludedByConcept).toEqual({
      'implausible_value|hba1c|%': 1,
      'incompatible_unit|hba1c|kg': 1,
      'unknown_unit|hba1c|unrecognised': 1,
    });
    expect(f.dataQuality.excluded.implausible_value).toBe(1);
  });
});
