/**
 * Test harness for the HTTP service: config from a plain env object, an app on an ephemeral loopback
 * port, a captured pino destination, and the service descriptors the HTTP-level tests use.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { CdsServiceDescriptor, ScoringEngine } from '@prognos/contracts';
import { createApp, type AppDependencies } from '../../../services/cds-hooks/src/app';
import type { AuthMode } from '../../../services/cds-hooks/src/auth/authenticate';
import { loadConfig, type Config } from '../../../services/cds-hooks/src/config';
import { createLogger } from '../../../services/cds-hooks/src/logger';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

export interface Running { url: string; server: Server; close(): Promise<void> }

export async function listen(app: ReturnType<typeof createApp>): Promise<Running> {
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Log lines captured in memory (the log test reads them all as one string). */
export class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void { this.chunks.push(chunk.toString('utf8')); cb(); }
  text(): string { return this.chunks.join(''); }
}

/**
 * An engine whose scorer is down: never ready, every score() rejects. It exercises the outage path
 * (200 {cards: []} + deadline miss) and lets HTTP-behaviour tests run without models.
 */
export class OfflineEngine implements ScoringEngine {
  readonly mode = 'embedded' as const;
  calls = 0;
  async score(): Promise<never> { this.calls += 1; throw new Error('scorer offline'); }
  async readiness() { return { ready: false, checks: { models: { ok: false, detail: 'offline' } } }; }
  async close(): Promise<void> { /* nothing held */ }
}

/** Descriptors for HTTP-behaviour tests (shapes as the scorer publishes them). */
export const TEST_SERVICES: CdsServiceDescriptor[] = [
  {
    id: 'test-patient-view', hook: 'patient-view', title: 'Test patient-view service',
    description: 'Reads the patient, conditions and observations', origin: 'custom', models: [],
    prefetch: {
      patient: 'Patient/{{context.patientId}}',
      conditions: 'Condition?patient={{context.patientId}}',
      observations: 'Observation?patient={{context.patientId}}',
      user: 'Practitioner/{{userPractitionerId}}',
    },
    requiredPrefetch: ['patient', 'observations'],
    featureSets: ['clinical-context'], usesDraftOrders: false,
  },
  {
    id: 'test-order-sign', hook: 'order-sign', title: 'Test order-sign service',
    description: 'Reads draft orders and medications', origin: 'custom', models: [],
    prefetch: { patient: 'Patient/{{context.patientId}}', medications: 'MedicationRequest?patient={{context.patientId}}&status=active' },
    requiredPrefetch: ['patient'], featureSets: ['clinical-context'], usesDraftOrders: true,
  },
  {
    id: 'test-order-select', hook: 'order-select', title: 'Test order-select service',
    description: 'Reads selections', origin: 'custom', models: [],
    prefetch: {}, requiredPrefetch: [], featureSets: [], usesDraftOrders: true,
  },
  {
    id: 'test-encounter-start', hook: 'encounter-start', title: 'Test encounter-start service',
    description: 'Encounter start', origin: 'custom', models: [],
    prefetch: { encounter: 'Encounter/{{context.encounterId}}' }, requiredPrefetch: [], featureSets: [], usesDraftOrders: false,
  },
];

export interface TestAppOptions extends Partial<Omit<AppDependencies, 'config' | 'logger'>> {
  env?: Record<string, string>;
  logTo?: LogCapture;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<Running & { deps: AppDependencies }> {
  const config = testConfig(options.env);
  const logger = createLogger(options.logTo ? 'info' : 'silent', options.logTo);
  const auth: AuthMode = options.auth ?? { kind: 'development', fhirServers: config.DEV_FHIR_SERVERS };
  const deps: AppDependencies = {
    engine: new OfflineEngine(),
    services: TEST_SERVICES,
    ...options,
    auth,
    config,
    logger,
  };
  const running = await listen(createApp(deps));
  return { ...running, deps };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep text */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A CDS Hooks specification example from test/fixtures/cds-hooks-spec (see SOURCE.md there). */
export function specFixture<T = any>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  return JSON.parse(fs.readFileSync(`${__dirname}/../../fixtures/cds-hooks-spec/${name}`, 'utf8')) as T;
}
