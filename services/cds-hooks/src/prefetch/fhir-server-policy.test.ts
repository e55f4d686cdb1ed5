import { isAllowedFhirServer, isUnderBase, normaliseBase, resolveUnderBase } from './fhir-server-policy';

describe('FHIR server policy (SSRF defence)', () => {
  const allowed = ['https://ehr.example.org/fhir/R4/'];

  it('allows only configured base URLs, ignoring a trailing slash', () => {
    expect(isAllowedFhirServer('https://ehr.example.org/fhir/R4', allowed)).toBe(true);
    expect(isAllowedFhirServer('https://ehr.example.org/fhir/R4/', allowed)).toBe(true);
    expect(isAllowedFhirServer('https://ehr.example.org/fhir', allowed)).toBe(false);
    expect(isAllowedFhirServer('https://ehr.example.org.evil.com/fhir/R4', allowed)).toBe(false);
    expect(isAllowedFhirServer('http://ehr.example.org/fhir/R4', allowed)).toBe(false);
    expect(isAllowedFhirServer('https://user:pw@ehr.example.org/fhir/R4', allowed)).toBe(false);
    expect(isAllowedFhirServer('file:///etc/passwd', allowed)).toBe(false);
    expect(isAllowedFhirServer('https://ehr.example.org/fhir/R4', [])).toBe(false);
  });

  it('keeps relative queries under the base and refuses escapes', () => {
    const base = normaliseBase('https://ehr.example.org/fhir/R4')!;
    expect(resolveUnderBase('Observation?patient=1', base)?.href).toBe('https://ehr.example.org/fhir/R4/Observation?patient=1');
    expect(resolveUnderBase('../../admin', base)).toBeNull();
    expect(resolveUnderBase('https://evil.example/x', base)).toBeNull();
    expect(resolveUnderBase('//evil.example/x', base)).toBeNull();
  });

  it('accepts next links on the same origin and base path only', () => {
    const base = normaliseBase('https://ehr.example.org/fhir/R4')!;
    expect(isUnderBase('https://ehr.example.org/fhir/R4/Observation?_offset=10', base)).toBe(true);
    expect(isUnderBase('https://ehr.example.org/other/Observation', base)).toBe(false);
    expect(isUnderBase('https://ehr.example.org:8443/fhir/R4/Observation', base)).toBe(false);
    expect(isUnderBase('http://169.254.169.254/latest/meta-data', base)).toBe(false);
  });
});
