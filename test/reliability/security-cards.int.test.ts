/**
 * Issue 14, card content: whatever a scorer or a custom bundle puts in a card's URLs, only https
 * (http in development mode) reaches the EHR, through the HTTP service as an EHR calls it.
 */
import { randomUUID } from 'node:crypto';
import type { ScoringEngine, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { cardPolicySchema } from '../../services/scorer/src/bundles/card-policy';
import { cardsDropped } from '../../services/cds-hooks/src/metrics';
import { postJson, startTestApp } from '../http/support/harness';

/** A scorer whose cards carry every scheme an attacker would try. */
class HostileUrlEngine implements ScoringEngine {
  readonly mode = 'embedded' as const;
  async score(input: ScoringInput): Promise<ScoringOutput> {
    return {
      correlationId: input.correlationId, serviceId: input.serviceId, predictions: [], executionProvider: 'none', inferenceMs: 1,
      cards: [{
        uuid: randomUUID(), kind: 'test.urls', summary: 'Card with hostile links', indicator: 'critical',
        source: { label: 'Source', url: 'file:///etc/passwd', icon: 'data:image/svg+xml,<svg onload=alert(1)>' },
        links: [
          { label: 'js', url: 'javascript:alert(document.cookie)', type: 'absolute' },
          { label: 'data', url: 'data:text/html,<script>alert(1)</script>', type: 'absolute' },
          { label: 'file', url: 'file:///C:/secrets.txt', type: 'absolute' },
          { label: 'creds', url: 'https://user:pw@evil.example/', type: 'absolute' },
          { label: 'plain http', url: 'http://guidelines.example.org/ckd', type: 'absolute' },
          { label: 'guideline', url: 'https://kdigo.org/guidelines/ckd-evaluation-and-management/', type: 'absolute' },
        ],
      }],
    };
  }
  async readiness() { return { ready: true, checks: {} }; }
  async close(): Promise<void> { /* nothing held */ }
}

const hook = () => ({
  hook: 'patient-view', hookInstance: randomUUID(), context: { patientId: 'p1', userId: 'Practitioner/1' },
  prefetch: {
    patient: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1960-01-01' },
    observations: { resourceType: 'Bundle', type: 'searchset', entry: [] },
  },
});

async function unsafeDrops(): Promise<number> {
  return (await cardsDropped.get()).values.filter((v) => v.labels.reason === 'unsafe_url').reduce((a, v) => a + v.value, 0);
}

describe('security hardening: card URLs', () => {
  it.each([
    ['production', 'production', ['https://kdigo.org/guidelines/ckd-evaluation-and-management/']],
    ['development', 'development', ['http://guidelines.example.org/ckd', 'https://kdigo.org/guidelines/ckd-evaluation-and-management/']],
  ])('keeps only https links (http too in development) and strips unsafe source urls: %s', async (_name, env, expected) => {
    const app = await startTestApp({ engine: new HostileUrlEngine(), env: { NODE_ENV: env } });
    try {
      const before = await unsafeDrops();
      const res = await postJson(`${app.url}/cds-services/test-patient-view`, hook());
      expect(res.status).toBe(200);
      expect(res.body.cards).toHaveLength(1);
      const card = res.body.cards[0];
      expect(card.links.map((l: { url: string }) => l.url)).toEqual(expected);
      expect(card.source).toEqual({ label: 'Source' });
      expect(JSON.stringify(res.body)).not.toMatch(/javascript:|data:|file:|user:pw/);
      expect(await unsafeDrops() - before).toBe(8 - expected.length);
    } finally {
      await app.close();
    }
  });

  it('refuses a custom bundle card policy whose source URL is not http(s)', () => {
    const policy = {
      service: { id: 'x', hook: 'patient-view', title: 'X', description: 'x' },
      featureSet: 'kfre-4var', output: 'risk', thresholds: [{ atLeast: 0, indicator: 'info' }], summary: 's',
    };
    expect(cardPolicySchema.safeParse({ ...policy, source: { label: 'L', url: 'javascript:alert(1)' } }).success).toBe(false);
    expect(cardPolicySchema.safeParse({ ...policy, source: { label: 'L', url: 'https://example.org/model' } }).success).toBe(true);
  });
});
