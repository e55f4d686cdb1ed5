/**
 * One hook call, end to end (the handler only calls this):
 * validate → gather record → extract features → score (raced against the hook deadline) → bind and
 * check cards → respond. Scoring that fails or misses the deadline yields `{cards: []}` and a
 * deadlineMisses count: a CDS client must never wait on us or see a half-made card.
 *
 * The deadline (HOOK_DEADLINE_MS) counts from the call's arrival when the caller knows it
 * (`options.receivedAt`, stamped by http/request-arrival.ts), so time spent waiting for admission
 * behind other calls counts too. A call whose deadline passed before its record was read is answered
 * `{cards: []}` at once, after validation (a malformed request still gets its 400), without gathering,
 * extraction or scoring: under overload the service then spends its CPU on calls it can still answer
 * in time.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { CdsResponse, CdsServiceDescriptor, ScoringEngine, ScoringOutput } from '@prognos/contracts';
import type { CallingClient } from '../auth/authenticate';
import { isDevelopmentEnv, type Config } from '../config';
import type { CardRegistry } from '../feedback/card-registry';
import type { ShownCardLog } from '../analytics/shown-card-log';
import { validateHookRequest } from '../hooks/validate-hook-request';
import type { Logger } from '../logger';
import { cardsReturned, deadlineMisses, deadlinePassedBeforeRecord, hooksShedUnread, stageDuration, suggestionsOffered } from '../metrics';
import { gatherRecord } from '../prefetch/gather-record';
import { readPatientStatus } from '@prognos/fhir-features';
import { DEFAULT_ALERT_DEDUP_WINDOW_S, dedupeAlerts } from './alert-dedup';
import type { DriftView } from '../ops/model-drift';
import { buildScoringInputWithBasis } from './build-scoring-input';
import { deceasedCard } from './deceased-card';
import { finalizeCards } from './finalize-cards';

export type HookConfig = Pick<Config,
  'HOOK_DEADLINE_MS' | 'FHIR_QUERY_TIMEOUT_MS' | 'FHIR_MAX_PAGES' | 'FHIR_MAX_RESPONSE_BYTES' | 'MAX_RECORD_RESOURCES'>
  & Partial<Pick<Config, 'NODE_ENV' | 'ALERT_DEDUP_WINDOW_S' | 'LAB_MAX_AGE_DAYS' | 'SMART_APP_LAUNCH_URL' | 'SMART_APP_LABEL'>>;

export interface HookDependencies {
  config: HookConfig;
  engine: ScoringEngine;
  cardRegistry: CardRegistry;
  /** Per-rule analytics: which cards were shown (optional; absent = not recorded). */
  shownCards?: ShownCardLog;
  logger: Logger;
  /** Clock (hook time = features' asOf). */
  now?: () => Date;
  /** Prediction distribution and input missingness per model, for the dashboard's drift panel. */
  drift?: Pick<DriftView, 'record'>;
}

export interface RunHookOptions {
  /** When the call arrived (epoch ms): the deadline counts from then. @defaultValue now */
  receivedAt?: number;
}

export async function runHook(
  descriptor: CdsServiceDescriptor,
  body: unknown,
  client: CallingClient,
  deps: HookDependencies,
  options: RunHookOptions = {},
): Promise<CdsResponse> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const asOf = now();
  const arrivedAt = options.receivedAt ?? Date.now();
  const deadline = arrivedAt + deps.config.HOOK_DEADLINE_MS;
  const service = descriptor.id;

  const read = await readRecord(descriptor, body, client, deps, asOf, deadline);
  if (read === 'deadline-passed') return answeredBeforeRecord(service, started, deps.logger, arrivedAt, 'parsed');
  const { context, hookInstance, sources, status, built } = read;
  // Nothing below needs the request body or the record (a few hundred kB to MBs of small objects):
  // dropped here, they are garbage before the scoring wait, so the young-generation collections
  // that other calls trigger meanwhile do not copy them (and do not promote them to the old space).
  body = undefined;
  const log = deps.logger.child({ hookInstance, service });
  const draftOrders = context.draftOrders;
  const input = built?.input;

  const output = input
    ? await scoreWithinDeadline(deps.engine, input, deadline, log)
    : { cards: [deceasedCard(status, (draftOrders?.entry?.length ?? 0) > 0)], systemActions: undefined, executionProvider: 'none' };
  if (!output) {
    log.info({ keys: sources, cards: 0, scored: false }, 'hook answered without scoring');
    return answeredAtDeadline(service, started);
  }

  if (input && 'predictions' in output) deps.drift?.record(input, output);
  const tCards = performance.now();
  const boundDrafts = (draftOrders?.entry ?? []).map((e) => e.resource as unknown as Record<string, unknown>);
  const finalized = finalizeCards(service, output.cards, output.systemActions, {
    patientId: context.patientId,
    encounterId: context.encounterId,
    userId: context.userId,
    asOf,
    draftOrders: boundDrafts,
    basis: built?.basis,
  }, {
    allowHttpUrls: isDevelopmentEnv(deps.config),
    ...(deps.config.SMART_APP_LAUNCH_URL
      ? { smartLink: { label: deps.config.SMART_APP_LABEL ?? 'Open in Prognos', url: deps.config.SMART_APP_LAUNCH_URL, type: 'smart' as const } } : {}),
  });
  // order-select -> order-sign: an alert already shown for this draft is not repeated (alert-dedup.ts).
  finalized.cards = await dedupeAlerts(finalized.cards, {
    descriptor, patientId: context.patientId, draftOrders: boundDrafts, registry: deps.cardRegistry,
    client: { iss: client.iss, tenant: client.tenant },
    windowS: deps.config.ALERT_DEDUP_WINDOW_S ?? DEFAULT_ALERT_DEDUP_WINDOW_S, now: asOf.getTime(), logger: log,
  });
  for (const { card } of finalized.cards) {
    cardsReturned.inc({ service, indicator: card.indicator });
    const n = card.suggestions?.length ?? 0;
    if (n > 0) suggestionsOffered.inc({ service }, n);
  }
  if (finalized.cards.length > 0) {
    // Feedback attribution; failure here must not cost the clinician the cards.
    deps.cardRegistry.remember({ iss: client.iss, tenant: client.tenant }, service, finalized.cards.map((c) => ({
      uuid: c.card.uuid as string,
      kind: c.kind,
      overrideReasons: c.card.overrideReasons?.map((r) => `${r.system}|${r.code}`),
    })))
      .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'card registry unavailable'));
    const shownAt = Date.now();
    deps.shownCards?.record(finalized.cards.map((c) => ({
      uuid: c.card.uuid as string, serviceId: service, kind: c.kind, indicator: c.card.indicator, shownAt,
      issuer: client.iss, ...(client.tenant ? { tenant: client.tenant } : {}),
    }))).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'shown-card log unavailable'));
  }
  stageDuration.observe({ service, stage: 'cards' }, (performance.now() - tCards) / 1000);
  stageDuration.observe({ service, stage: 'total' }, (performance.now() - started) / 1000);
  log.info({ keys: sources, cards: finalized.cards.length, provider: output.executionProvider }, 'hook answered');

  const response: CdsResponse = { cards: finalized.cards.map((c) => c.card) };
  if (finalized.systemActions) response.systemActions = finalized.systemActions;
  return response;
}

/**
 * The answer of a call shed at admission: it waited behind other calls until its deadline had passed,
 * and its body was never parsed (http/hook-admission.ts), so nothing of the request is known here but
 * the service it was sent to.
 */
export function answerShedUnread(service: string, deps: Pick<HookDependencies, 'logger'>, receivedAt: number | undefined): CdsResponse {
  return answeredBeforeRecord(service, performance.now(), deps.logger, receivedAt, 'unparsed');
}

/**
 * The answer of a call whose deadline passed before its record was read: parsed and validated (it
 * waited for its body or for admission), or shed unparsed at admission. Counted and logged.
 */
function answeredBeforeRecord(service: string, started: number, logger: Logger, arrivedAt: number | undefined, body: 'parsed' | 'unparsed'): CdsResponse {
  deadlinePassedBeforeRecord.inc({ service });
  if (body === 'unparsed') hooksShedUnread.inc({ service });
  logger.info({ service, cards: 0, scored: false, parsed: body === 'parsed', waitedMs: arrivedAt === undefined ? undefined : Date.now() - arrivedAt },
    body === 'unparsed' ? 'hook answered without parsing it: it waited for admission until its deadline passed'
      : 'hook answered without reading the record: its deadline passed before it could start');
  return answeredAtDeadline(service, started);
}

/** The answer of a call that missed its deadline (or whose scoring failed): no cards, counted as a miss. */
function answeredAtDeadline(service: string, started: number): CdsResponse {
  deadlineMisses.inc({ service });
  stageDuration.observe({ service, stage: 'total' }, (performance.now() - started) / 1000);
  return { cards: [] };
}

/**
 * Validate → gather → patient status → scoring input: everything that reads the record. Returns only
 * what the call needs afterwards (context ids and draft orders, the prefetch sources for the log, the
 * scoring input and its basis), so the record itself ends with this function.
 */
async function readRecord(descriptor: CdsServiceDescriptor, body: unknown, client: CallingClient, deps: HookDependencies, asOf: Date, deadline: number) {
  const request = validateHookRequest(body, descriptor);
  if (Date.now() >= deadline) return 'deadline-passed' as const;
  const record = await gatherRecord(descriptor, request, {
    allowedFhirServers: client.fhirServers,
    queryTimeoutMs: deps.config.FHIR_QUERY_TIMEOUT_MS,
    deadline,
    maxPages: deps.config.FHIR_MAX_PAGES,
    maxResponseBytes: deps.config.FHIR_MAX_RESPONSE_BYTES,
    maxResources: deps.config.MAX_RECORD_RESOURCES,
  });
  const sources = Object.fromEntries(Object.entries(record.keys).map(([k, r]) => [k, r.reason ? `${r.source}:${r.reason}` : r.source]));
  const { patientId, encounterId, userId } = request.context;
  const draftOrders = request.context.draftOrders as Bundle | undefined;
  // A deceased patient gets no prediction, order or referral: one card says so, nothing is scored.
  const status = readPatientStatus(record.resources.filter((r) => r.resourceType === 'Patient'), asOf);
  const built = status.deceased ? undefined : buildScoringInputWithBasis({
    descriptor, resources: record.resources, asOf, draftOrders, selections: request.context.selections,
    labMaxAgeDays: deps.config.LAB_MAX_AGE_DAYS,
  });
  return { context: { patientId, encounterId, userId, draftOrders }, hookInstance: request.hookInstance, sources, status, built };
}

/** engine.score raced against the deadline; undefined on timeout, failure or a mismatched answer. */
async function scoreWithinDeadline(
  engine: ScoringEngine,
  input: Parameters<ScoringEngine['score']>[0],
  deadline: number,
  log: Logger,
): Promise<ScoringOutput | undefined> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), remaining); });
  try {
    const result = await Promise.race([engine.score(input, { deadline }), timeout]);
    if (result === 'timeout') {
      log.warn({ budgetMs: remaining }, 'scoring missed the hook deadline');
      return undefined;
    }
    if (result.correlationId !== input.correlationId) {
      log.error('scoring answer does not match the request');
      return undefined;
    }
    // queue_wait (distributed) is recorded by the queue engine, which knows the round trip.
    stageDuration.observe({ service: input.serviceId, stage: 'inference' }, result.inferenceMs / 1000);
    return result;
  } catch (e) {
    log.warn({ err: (e as Error)?.message }, 'scoring failed');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
