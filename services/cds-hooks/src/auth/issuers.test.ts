import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadIssuers } from './issuers';

function file(content: unknown): string {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'issuers-')), 'issuers.json');
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('trusted issuers file (CDS_ISSUERS_FILE)', () => {
  it('means development mode when not configured', () => {
    expect(loadIssuers(undefined)).toEqual([]);
  });

  it('reads issuers with their keys, jku allowlist and FHIR servers', () => {
    const issuers = loadIssuers(file([{ iss: 'https://ehr.example.org', jwks_uri: 'https://ehr.example.org/jwks', fhirServers: ['https://ehr.example.org/fhir'] }]));
    expect(issuers).toEqual([{ iss: 'https://ehr.example.org', jwks_uri: 'https://ehr.example.org/jwks', jku: [], fhirServers: ['https://ehr.example.org/fhir'] }]);
  });

  it('refuses an issuer without any key source, unknown fields, duplicates and broken JSON', () => {
    expect(() => loadIssuers(file([{ iss: 'a', fhirServers: [] }]))).toThrow(/jwks_uri, jwks or jku/);
    expect(() => loadIssuers(file([{ iss: 'a', jwks_uri: 'https://a/jwks', secret: 'x' }]))).toThrow(/invalid/);
    expect(() => loadIssuers(file([{ iss: 'a', jwks_uri: 'https://a/j' }, { iss: 'a', jwks_uri: 'https://a/j' }]))).toThrow(/duplicate/);
    expect(() => loadIssuers(file('{not json'))).toThrow(/CDS_ISSUERS_FILE/);
  });
});
