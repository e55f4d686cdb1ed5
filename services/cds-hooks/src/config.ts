/**
 * Typed configuration from the environment, validated at startup (fail fast, readable errors).
 * Every deadline, limit and credential is here, not a literal in code.
 */
import os from 'node:os';
import { z } from 'zod';
import { dashboardConfigSchema } from './ops/dashboard-config';
import { DEFAULT_SHOWN_CARDS_MAX } from './analytics/shown-card-log';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

export const configSchema = z.object({
  /**
   * Compared case-insensitively (`Production` is production). Unauthenticated development mode needs
   * `development` or `test` set explicitly; unset counts as production.
   */
  NODE_ENV: z.string().optional().transform((v) => v?.trim().toLowerCase() || undefined),
  /** HTTP port. @defaultValue 8080 */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** This service's public base URL; JWT `aud` must equal `${PUBLIC_BASE_URL}/cds-services/{id}`. */
  PUBLIC_BASE_URL: z.url().optional(),
  /** JSON file: [{ iss, jwks_uri | jwks, jku?: string[], fhirServers: string[] }]. None = development mode. */
  CDS_ISSUERS_FILE: z.string().optional(),
  /** Accepted JWS algorithms (never `none` or HMAC). */
  JWT_ALGORITHMS: list.default(['ES384', 'RS384']),
  /** Allowed clock skew for exp/iat, seconds. @defaultValue 60 */
  JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(600).default(60),
  /** Maximum accepted JWT lifetime (exp - iat) and jti retention, seconds. @defaultValue 3600 */
  JWT_MAX_AGE_S: z.coerce.number().int().min(1).max(86400).default(3600),
  /** In development mode (no issuers), FHIR servers the service may call. Comma list of base URLs. */
  DEV_FHIR_SERVERS: list.default([]),
  /** CORS origins allowed for browser CDS clients (comma list, `*` for any). */
  CORS_ORIGINS: list.default([]),
  /** Request body limit. @defaultValue '5mb' */
  BODY_LIMIT: z.string().default('5mb'),
  /**
   * Soft hook deadline (ms), counted from the call's arrival (pipeline/run-hook.ts): scoring that has
   * not answered by then yields {cards: []}. @defaultValue 1500
   */
  HOOK_DEADLINE_MS: z.coerce.number().int().min(50).max(30000).default(1500),
  /** Timeout for one FHIR query (ms), always inside the hook deadline. @defaultValue 800 */
  FHIR_QUERY_TIMEOUT_MS: z.coerce.number().int().min(10).max(30000).default(800),
  /** Max pages followed per prefetch query. @defaultValue 20 */
  FHIR_MAX_PAGES: z.coerce.number().int().min(1).max(1000).default(20),
  /** Max resources accepted per gathered record. @defaultValue 50000 */
  MAX_RECORD_RESOURCES: z.coerce.number().int().min(1).default(50000),
  /**
   * Oldest lab result (days) a feature may use; the same variable and default as the scorer's, so
   * extraction and card rules share one window (issue 11). @defaultValue 365
   */
  LAB_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** SMART app launch URL added to every card as a `smart` link (CDS Hooks 2.0 §Link); unset = none. */
  SMART_APP_LAUNCH_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Label of that link. @defaultValue 'Open in Prognos' */
  SMART_APP_LABEL: z.string().min(1).max(80).default('Open in Prognos'),
  /** Redis for distributed mode; unset = embedded mode. */
  REDIS_URL: z.string().optional(),
  /**
   * Embedded mode (no REDIS_URL): HTTP processes serving the one PORT (node:cluster), each with its own
   * pipeline and models; card registry, replay cache, feedback, /metrics and dashboard history are
   * shared through the primary. 0 = the machine's available parallelism; 1 = a single process
   * (no cluster). Ignored in distributed mode (scale with replicas). @defaultValue 0
   */
  EMBEDDED_PROCESSES: z.coerce.number().int().min(0).max(256).default(0),
  /**
   * Multi-process embedded mode: V8 young-generation semi-space of each worker, MB (node's
   * `--max-semi-space-size`); a larger one means fewer scavenges of the objects every parsed request
   * leaves behind. 0 = node's default. @defaultValue 0
   */
  EMBEDDED_SEMI_SPACE_MB: z.coerce.number().int().min(0).max(1024).default(0),
  /** Queue name prefix for BullMQ. */
  QUEUE_NAME: z.string().default('prognos-score'),
  /** What to do when Redis is unreachable in distributed mode: score in process, or answer no cards. */
  QUEUE_FALLBACK: z.enum(['in-process', 'empty']).default('in-process'),
  /** Seconds finished scoring jobs (completed or failed) are kept in Redis for inspection. @defaultValue 60 */
  QUEUE_JOB_RETENTION_S: z.coerce.number().int().min(0).max(86400).default(60),
  /** Most finished scoring jobs kept per state (completed, failed). @defaultValue 1000 */
  QUEUE_JOB_RETENTION_COUNT: z.coerce.number().int().min(0).max(100_000).default(1000),
  /**
   * Distributed mode: scoring jobs this process has out at once (queue/job-batcher.ts). Calls that
   * arrive while this many are out wait and leave together as the next job when one finishes
   * (group commit), so batches form across concurrent hooks. More than 1 so that several workers
   * (or several worker slots) share the work of one HTTP process and a slow job does not hold up
   * every other call; small so that calls accumulate into batches under load. @defaultValue 4
   */
  QUEUE_MAX_JOBS_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(4),
  /**
   * Distributed mode: a job without a result after this long stops counting against
   * QUEUE_MAX_JOBS_IN_FLIGHT (its calls still wait for it until their deadlines), so a job stuck on a
   * killed or stalled worker does not hold back the calls behind it. Far above a normal round trip
   * (milliseconds), below the hook deadline. @defaultValue 250
   */
  QUEUE_JOB_SLOT_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  /**
   * Distributed mode: most scoring inputs in one job. 1 (with a large QUEUE_MAX_JOBS_IN_FLIGHT)
   * sends one job per call, as releases before batch jobs did. At most 256 (the workers' limit,
   * SCORE_BATCH_MAX_ITEMS). @defaultValue 32
   */
  QUEUE_MAX_BATCH: z.coerce.number().int().min(1).max(256).default(32),
  /** Operator credential for /dashboard, /api/dashboard, /admin/*: a bearer token ... */
  OPERATOR_TOKEN: z.string().min(16).optional(),
  /** ... or basic auth `user:password`. */
  OPERATOR_BASIC: z.string().regex(/^[^:]+:.+$/).optional(),
  /** Require the operator credential on /metrics too. @defaultValue false */
  METRICS_PROTECTED: bool.default(false),
  /** Max bytes read from one FHIR server response (larger answers fail the query). @defaultValue 20000000 */
  FHIR_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(20_000_000),
  /** JWKS fetch timeout (ms) for jwks_uri / allowlisted jku. @defaultValue 2000 */
  JWKS_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(2000),
  /** Minimum seconds between two JWKS refetches triggered by an unknown kid. @defaultValue 30 */
  JWKS_COOLDOWN_S: z.coerce.number().int().min(0).max(3600).default(30),
  /** Seconds a fetched JWKS is trusted before it is fetched again. @defaultValue 600 */
  JWKS_CACHE_MAX_AGE_S: z.coerce.number().int().min(1).max(86400).default(600),
  /** How long a returned card's uuid stays attributable to its service and kind for feedback, seconds. @defaultValue 604800 */
  CARD_REGISTRY_TTL_S: z.coerce.number().int().min(60).max(90 * 86400).default(7 * 86400),
  /**
   * Window (seconds) in which an alert shown at order-select for a draft order is not repeated at
   * order-sign by a service of the same alert group (pharmacogenomics); 0 disables. @defaultValue 3600
   */
  ALERT_DEDUP_WINDOW_S: z.coerce.number().int().min(0).max(7 * 86400).default(3600),
  /** Most card uuids remembered in memory (embedded mode; least recently used are forgotten). @defaultValue 100000 */
  CARD_REGISTRY_MAX: z.coerce.number().int().min(100).default(100_000),
  /** Redis stream that receives feedback in distributed mode. @defaultValue 'prognos:feedback' */
  FEEDBACK_STREAM_KEY: z.string().min(1).default('prognos:feedback'),
  /** Approximate cap on the feedback stream length (XADD MAXLEN ~). @defaultValue 1000000 */
  FEEDBACK_STREAM_MAXLEN: z.coerce.number().int().min(1000).default(1_000_000),
  /** Feedback items held in memory while Redis is unreachable (oldest dropped beyond). @defaultValue 100000 */
  FEEDBACK_BUFFER_MAX: z.coerce.number().int().min(10).default(100_000),
  /** Hours after which a shown card without feedback counts as ignored in the per-rule analytics. @defaultValue 24 */
  FEEDBACK_IGNORED_AFTER_H: z.coerce.number().min(0.01).max(24 * 90).default(24),
  /**
   * Cards shown kept in memory for the per-rule analytics (embedded mode; the oldest are forgotten, so
   * the analytics reach back as far as this many cards). @defaultValue 200000
   */
  SHOWN_CARDS_MAX: z.coerce.number().int().min(100).max(10_000_000).default(DEFAULT_SHOWN_CARDS_MAX),
  /** Redis stream of cards shown (per-rule analytics) in distributed mode. @defaultValue 'prognos:cards-shown' */
  SHOWN_CARDS_STREAM_KEY: z.string().min(1).default('prognos:cards-shown'),
  /** Serve the card sandbox at /sandbox (operator credential). @defaultValue true, false when NODE_ENV=production */
  SANDBOX_ENABLED: bool.optional(),
  /** Folder of Synthea R4 bundles offered as sandbox patients. @defaultValue ../shared/data/synthea-r4 next to the repository, when present */
  SANDBOX_SYNTHEA_DIR: z.string().optional(),
  /** Commit the build came from, shown on the dashboard. @defaultValue read from .git when present */
  BUILD_COMMIT: z.string().max(64).optional(),
  /** Grace period for in-flight requests on SIGTERM/SIGINT, ms. @defaultValue 10000 */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120000).default(10_000),
  /** Largest nesting depth of a JSON request body (400 beyond). @defaultValue 64 */
  MAX_JSON_DEPTH: z.coerce.number().int().min(8).max(1000).default(64),
  /**
   * Hook calls per HTTP process that hold a parsed body at once; later ones wait as bytes, in
   * arrival order (http/hook-admission.ts). Parsed records are large: holding more of them than the
   * CPU can work on only costs memory and lets late calls overtake early ones. A call waiting on I/O
   * for over 100 ms stops counting. 0 = no bound. @defaultValue 16
   */
  HOOK_MAX_CONCURRENT: z.coerce.number().int().min(0).max(100_000).default(16),
  /** Most card uuids remembered per client (issuer + tenant); the client's oldest are forgotten first. @defaultValue 20000 */
  CARD_REGISTRY_MAX_PER_CLIENT: z.coerce.number().int().min(10).default(20_000),
  /** Most live `jti` digests the in-memory replay cache keeps per issuer (that issuer's new tokens are refused beyond, until entries expire). @defaultValue 200000 */
  REPLAY_CACHE_MAX_PER_ISSUER: z.coerce.number().int().min(100).default(200_000),
  /** Sustained requests per second one client (issuer + tenant) may make to /cds-services (429 beyond). 0 = no limit. @defaultValue 50 */
  CLIENT_RATE_PER_S: z.coerce.number().min(0).default(50),
  /** Burst above that rate (token bucket size). @defaultValue 100 */
  CLIENT_RATE_BURST: z.coerce.number().int().min(1).default(100),
  /** Requests of one client in flight at once (429 beyond). 0 = no limit. @defaultValue 32 */
  CLIENT_MAX_CONCURRENT: z.coerce.number().int().min(0).default(32),
  /** Node server: time to receive the request headers, ms. @defaultValue 10000 */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Node server: time to receive the whole request (headers and body), ms. @defaultValue 30000 */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Node server: idle keep-alive connection lifetime, ms. @defaultValue 5000 */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * Shared secret (32+ characters) the scorer workers sign results with (HMAC-SHA256); the HTTP side
   * refuses unsigned or badly signed results. Required in distributed mode outside development.
   */
  SCORING_RESULT_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** DASHBOARD_REFRESH_MS, DASHBOARD_SAMPLE_MS, DASHBOARD_HISTORY_MIN, DASHBOARD_WINDOW_S (ops/dashboard-config.ts). */
  ...dashboardConfigSchema.shape,
});

export type Config = z.infer<typeof configSchema>;

/** true only when NODE_ENV asks for development (or test) explicitly: the one switch for lax defaults. */
export function isDevelopmentEnv(config: { NODE_ENV?: string }): boolean {
  return config.NODE_ENV === 'development' || config.NODE_ENV === 'test';
}

/** HTTP processes to run: EMBEDDED_PROCESSES (0 = available parallelism) in embedded mode, 1 in distributed mode. */
export function embeddedProcesses(config: Pick<Config, 'EMBEDDED_PROCESSES' | 'REDIS_URL'>, parallelism: () => number = os.availableParallelism): number {
  if (config.REDIS_URL) return 1;
  return config.EMBEDDED_PROCESSES > 0 ? config.EMBEDDED_PROCESSES : Math.max(1, parallelism());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
