/**
 * THE FLOOR: the same hook calls pushed through the same code in one process, with no HTTP and no
 * queue: JSON.parse of the same body string, then the service's own pipeline function (`runHook`:
 * validate → gather from prefetch → extract features → score with the in-process scorer → check and
 * bind cards). `concurrency` calls are kept in flight, as autocannon keeps `connections`.
 */
import { createInProcessScorer, createScorerLogger, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { MemoryCardRegistry, createLogger, embeddedEngine, loadConfig, runHook, type HookDependencies } from '@prognos/cds-hooks';
import type { CdsServiceDescriptor } from '@prognos/contracts';
import type { HookCall } from './bench-requests';
import { percentile } from './drive-load';

export interface FloorResult {
  requests: number;
  durationS: number;
  throughput: number;
  /** Mean wall time per call with one call in flight at a time, ms (the pure cost of one call). */
  serialMs: number;
  p50: number;
  p95: number;
  p99: number;
  /** Calls whose answer had at least one card. */
  withCards: number;
  failures: number;
}

export interface Floor {
  scorer: InProcessScorer;
  services: CdsServiceDescriptor[];
  measure(calls: readonly HookCall[], options: { durationS: number; concurrency?: number; serialCalls?: number }): Promise<FloorResult>;
  close(): Promise<void>;
}

/**
 * One in-process scorer and the service's hook dependencies with the service's default config
 * (development mode: no FHIR server is allowed, so gathering is prefetch only, as in the service).
 */
export async function createFloor(env: Record<string, string> = {}): Promise<Floor> {
  const scorer = await createInProcessScorer(loadScorerConfig({ LOG_LEVEL: 'warn', ...env } as NodeJS.ProcessEnv), { logger: createScorerLogger('warn') });
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', ...env });
  const deps: HookDependencies = {
    config,
    // The service's own embedded engine (scores its own inputs without a second schema pass).
    engine: embeddedEngine(scorer),
    cardRegistry: new MemoryCardRegistry(config.CARD_REGISTRY_TTL_S, config.CARD_REGISTRY_MAX),
    logger: createLogger('silent'),
  };
  const client = { iss: 'development', fhirServers: [] as string[] };
  const services = scorer.services();
  const byId = new Map(services.map((s) => [s.id, s]));

  const once = async (call: HookCall): Promise<boolean> => {
    const descriptor = byId.get(call.serviceId);
    if (!descriptor) throw new Error(`unknown service ${call.serviceId}`);
    const body: unknown = JSON.parse(call.body);
    const response = await runHook(descriptor, body, client, deps);
    // The service serialises the answer: so does the floor.
    JSON.stringify(response);
    return response.cards.length > 0;
  };

  return {
    scorer,
    services,
    async measure(calls, { durationS, concurrency = 10, serialCalls = Math.min(200, calls.length * 10) }) {
      // Warm-up (JIT, caches) so the floor is not charged for first calls.
      for (const c of calls) await once(c);
      const tSerial = performance.now();
      for (let i = 0; i < serialCalls; i++) await once(calls[i % calls.length]!);
      const serialMs = (performance.now() - tSerial) / serialCalls;

      const latencies: number[] = [];
      let withCards = 0;
      let failures = 0;
      let next = 0;
      const start = performance.now();
      const end = start + durationS * 1000;
      const lane = async () => {
        while (performance.now() < end) {
          const call = calls[next++ % calls.length]!;
          const t0 = performance.now();
          try {
            if (await once(call)) withCards += 1;
          } catch {
            failures += 1;
          }
          latencies.push(performance.now() - t0);
          // Let timers and I/O run between calls, as the event loop does between HTTP requests.
          await new Promise<void>((r) => setImmediate(r));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      const elapsed = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        requests: latencies.length, durationS: elapsed, throughput: latencies.length / elapsed, serialMs,
        p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), withCards, failures,
      };
    },
    close: () => scorer.close(),
  };
}
