/**
 * The real Prognos HTTP app in this process (createApp + the in-process scorer with its real ONNX
 * models), on 127.0.0.1 port 0, plus helpers that send real CDS Hooks traffic to it. Used by the
 * dashboard and metrics tests; nothing here is a stub.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Resource } from '@medplum/fhirtypes';
import { generatePatient, type PatientProfile } from '../../../libs/fhir-features/src/generator/generate-patient';
import { resolveBundleReferences } from '../../fhir-server/fhir-test-server';
import { createInProcessScorer, learnedModelCards, loadScorerConfig } from '@prognos/scorer';
import { createApp } from '../../../services/cds-hooks/src/app';
import { resolvePrefetch as resolveTemplates } from '../../../services/cds-hooks/src/sandbox/resolve-prefetch';
import type { AuthMode } from '../../../services/cds-hooks/src/auth/authenticate';
import type { IssuerConfig } from '../../../services/cds-hooks/src/auth/issuers';
import { createJwtVerifier } from '../../../services/cds-hooks/src/auth/jwt-verifier';
import { MemoryReplayCache } from '../../../services/cds-hooks/src/auth/replay-cache';
import { loadConfig, type Config } from '../../../services/cds-hooks/src/config';
import { createLogger } from '../../../services/cds-hooks/src/logger';

export interface RunningPrognos {
  url: string;
  config: Config;
  /** Models the scorer loaded (what the dashboard must list). */
  models: { id: string; version: string }[];
  close(): Promise<void>;
}

/**
 * Starts the app with `env` (config variables). With `issuers`, CDS clients must send JWTs signed by
 * those issuers' keys (audience PUBLIC_BASE_URL + path); without, development mode.
 */
export async function startPrognos(env: Record<string, string>, issuers?: IssuerConfig[]): Promise<RunningPrognos> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const logger = createLogger('silent');
  const scorerConfig = loadScorerConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const scorer = await createInProcessScorer(scorerConfig);
  const auth: AuthMode = issuers
    ? {
      kind: 'jwt',
      publicBaseUrl: config.PUBLIC_BASE_URL!,
      verifier: createJwtVerifier({
        issuers,
        algorithms: config.JWT_ALGORITHMS,
        clockSkewS: config.JWT_CLOCK_SKEW_S,
        maxAgeS: config.JWT_MAX_AGE_S,
        replayCache: new MemoryReplayCache(),
        jwks: { timeoutMs: config.JWKS_TIMEOUT_MS, cooldownS: config.JWKS_COOLDOWN_S, cacheMaxAgeS: config.JWKS_CACHE_MAX_AGE_S },
      }),
    }
    : { kind: 'development', fhirServers: config.DEV_FHIR_SERVERS };
  const app = createApp({
    config,
    logger,
    engine: scorer,
    services: scorer.services(),
    auth,
    models: () => scorer.models(),
    executionProvider: () => scorer.executionProvider,
    modelCards: learnedModelCards(scorerConfig.MODELS_DIR, scorerConfig.CUSTOM_MODELS_DIR),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    models: scorer.models().map((m) => ({ id: m.id, version: m.version })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scorer.close();
    },
  };
}

export interface Card {
  uuid?: string;
  summary: string;
  indicator: string;
  suggestions?: { uuid?: string; label: string }[];
  overrideReasons?: { system?: string; code: string; display: string }[];
}

export interface SyntheticPatient {
  profile: PatientProfile;
  id: string;
  resources: Resource[];
}

/** Synthetic patients (the project's seeded generator), one per profile, records ending now. */
export function syntheticPatients(profiles: readonly PatientProfile[], seed = 1): SyntheticPatient[] {
  return profiles.map((profile, i) => {
    const resources = resolveBundleReferences(generatePatient({ seed: seed + i, profile, targetResources: 120, asOf: new Date() }));
    const patient = resources.find((r) => r.resourceType === 'Patient');
    return { profile, id: patient!.id!, resources };
  });
}

/** POSTs a hook call; resolves with the status and the cards (empty unless 200). */
export async function callHook(
  baseUrl: string,
  serviceId: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; cards: Card[] }> {
  const res = await fetch(`${baseUrl}/cds-services/${serviceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { cards?: Card[] };
  return { status: res.status, cards: res.status === 200 ? json.cards ?? [] : [] };
}

/** Sends one feedback item for `card`; resolves with the HTTP status. */
export async function sendFeedback(
  baseUrl: string,
  serviceId: string,
  card: Card,
  outcome: 'accepted' | 'overridden',
  headers: Record<string, string> = {},
): Promise<number> {
  const item: Record<string, unknown> = { card: card.uuid, outcome, outcomeTimestamp: new Date().toISOString() };
  if (outcome === 'accepted') item.acceptedSuggestions = [{ id: card.suggestions![0]!.uuid }];
  if (outcome === 'overridden' && card.overrideReasons?.[0]) {
    const { system, code, display } = card.overrideReasons[0];
    item.overrideReason = { reason: { system, code, display } };
  }
  const res = await fetch(`${baseUrl}/cds-services/${serviceId}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ feedback: [item] }),
  });
  await res.arrayBuffer();
  return res.status;
}

export interface DiscoveryEntry {
  id: string;
  hook: string;
  prefetch?: Record<string, string>;
}

/** GET /cds-services. */
export async function discover(baseUrl: string, headers: Record<string, string> = {}): Promise<DiscoveryEntry[]> {
  const res = await fetch(`${baseUrl}/cds-services`, { headers });
  return ((await res.json()) as { services: DiscoveryEntry[] }).services;
}

/**
 * What an EHR does before calling: renders each prefetch template for the patient and answers it
 * from the patient's record, with the sandbox's resolver (`_include`d Medications too). Done in memory because
 * Medplum's in-memory search takes seconds per query on this 2-core machine and the browser test
 * needs dozens of calls; the FHIR-query path itself is covered by the HTTP service's own tests.
 */
export function resolvePrefetch(entry: DiscoveryEntry, patientId: string, resources: readonly Resource[]): Record<string, unknown> {
  return resolveTemplates(entry.prefetch ?? {}, { patientId }, resources);
}

/** A patient-view call carrying its prefetch (no FHIR server access needed). */
export function patientViewWithPrefetch(patientId: string, prefetch: Record<string, unknown>): Record<string, unknown> {
  return {
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/example', patientId },
    prefetch,
  };
}
