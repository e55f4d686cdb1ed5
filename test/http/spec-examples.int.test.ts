/**
 * The CDS Hooks 2.0 specification's own examples (test/fixtures/cds-hooks-spec, copied from the spec
 * text) against this service: discovery shape, the patient-view request, the example cards.
 */
import { cardSchema, cdsResponseSchema, type CdsServiceDescriptor } from '@prognos/contracts';
import { validateHookRequest } from '../../services/cds-hooks/src/hooks/validate-hook-request';
import { ServiceRegistry } from '../../services/cds-hooks/src/service-registry';
import { postJson, specFixture, startTestApp } from './support/harness';

const discovery = specFixture<{ services: Record<string, unknown>[] }>('discovery.json');
const request = specFixture<Record<string, unknown>>('patient-view-request.json');
const response = specFixture<{ cards: unknown[] }>('response-example.json');

/** The spec's discovery services as descriptors (what the registry is built from). */
const specDescriptors: CdsServiceDescriptor[] = discovery.services.map((s) => ({
  id: s.id as string, hook: s.hook as string, title: s.title as string, description: s.description as string,
  prefetch: (s.prefetch as Record<string, string>) ?? {}, requiredPrefetch: s.prefetch ? Object.keys(s.prefetch as object).slice(0, 1) : [],
  featureSets: [], usesDraftOrders: false, models: [], origin: 'custom',
}));

describe('CDS Hooks 2.0 specification examples', () => {
  it('generates discovery in the shape of the spec example (same keys and values, optional fields omitted)', () => {
    const ours = new ServiceRegistry(specDescriptors).discovery();
    expect(ours.services).toHaveLength(3);
    ours.services.forEach((entry, i) => {
      const spec = discovery.services[i];
      for (const k of ['hook', 'title', 'description', 'id', 'prefetch'] as const) expect(entry[k]).toEqual(spec[k]);
      // A service without prefetch templates has no `prefetch` member (never `{}`).
      if (!spec.prefetch) expect('prefetch' in entry).toBe(false);
    });
  });

  it('accepts the spec patient-view request as valid', () => {
    const v = validateHookRequest(request, specDescriptors[0]);
    expect(v.context.patientId).toBe('1288992');
    expect(v.fhirAuthorization?.token_type).toBe('Bearer');
  });

  it('answers the spec request with 412, not 400: valid, but its fhirServer is not allowed for this client and the prefetch lacks a required key', async () => {
    const app = await startTestApp({ services: [{ ...specDescriptors[0], prefetch: { patientToGreet: 'Patient/{{context.patientId}}', obs: 'Observation?patient={{context.patientId}}' }, requiredPrefetch: ['obs'] }] });
    try {
      const res = await postJson(`${app.url}/cds-services/static-patient-greeter`, request);
      expect(res.status).toBe(412);
      expect(res.body.issue[0].expression).toEqual(['prefetch.obs']);
    } finally {
      await app.close();
    }
  });

  it('recognises the spec example response cards as valid cards', () => {
    expect(cdsResponseSchema.safeParse(response).success).toBe(true);
    for (const c of response.cards) expect(cardSchema.safeParse(c).success).toBe(true);
  });

  it('keeps GET /cds-services available with an empty registry (200, empty services array)', async () => {
    const app = await startTestApp({ services: [] });
    try {
      const res = await fetch(`${app.url}/cds-services`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ services: [] });
    } finally {
      await app.close();
    }
  });
});
