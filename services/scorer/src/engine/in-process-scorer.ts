/**
 * The in-process scoring engine: loads bundled and custom model bundles, creates and warms one
 * onnxruntime session per model, and scores a ScoringInput by running its service's models through
 * per-model micro-batchers and handing the predictions to the service's card policy.
 */
import {
  badRequest, notFound, scoringInputSchema, type CdsServiceDescriptor, type ModelInfo, type PredictionRecord,
  type ScoringEngine, type ScoringInput, type ScoringOutput,
} from '@prognos/contracts';
import { z } from 'zod';
import { discoverCustomBundles, type SkippedBundle } from '../bundles/custom-bundles';
import { toModelInfo } from '../bundles/model-manifest';
import { readBundledModels, type ModelBundle } from '../bundles/read-model-bundle';
import type { ClinicalService, ModelRun } from '../clinical-service';
import type { ScorerConfig } from '../config';
import { createScorerLogger, type ScorerLogger } from '../logger';
import * as metrics from '../metrics';
import { BatchStats, type ModelBatchStats } from '../runtime/batch-stats';
import { chooseExecutionProvider, type ThreadSettings } from '../runtime/execution-provider';
import { MicroBatcher } from '../runtime/micro-batcher';
import { createModelSession, type ModelSession } from '../runtime/model-session';
import { builtInServices } from '../services';
import { buildModelRow, type NotComputedCode } from './build-model-row';
import { readPatientSafety } from '../safety/patient-safety';
import { screenCardSuggestions, type ScreeningTally } from '../safety/screen-cards';
import { completeRiskAssessments } from './complete-risk-assessments';
import { createLearnedRunner, type LearnedRunner } from '../learned/learned-runner';

export interface InProcessScorer extends ScoringEngine {
  readonly mode: 'embedded';
  /** Discovery descriptors of every service (built-in + custom bundles). */
  services(): CdsServiceDescriptor[];
  /** Models loaded, with load times. */
  models(): ModelInfo[];
  /** 'cpu' | 'cuda': the provider that actually created the sessions. */
  readonly executionProvider: string;
  /** Rows and onnxruntime runs per model id since start (rows / runs = mean batch size). */
  batchStats(): Record<string, ModelBatchStats>;
  /** Custom bundles that were skipped at boot, with the reason. */
  skippedBundles(): SkippedBundle[];
  /**
   * score() without re-checking the input against scoringInputSchema, for a caller that has just
   * done so (the distributed worker validates every job it takes).
   */
  scoreValidated(input: ScoringInput, options: { deadline: number }): Promise<ScoringOutput>;
}

export interface InProcessScorerOptions {
  /** Services to serve instead of the built-in ones (custom bundles are always added). @defaultValue builtInServices() */
  services?: ClinicalService[];
  /** @defaultValue a pino logger at LOG_LEVEL */
  logger?: ScorerLogger;
}

interface LoadedModel {
  session: ModelSession;
  batcher: MicroBatcher;
  info: ModelInfo;
}

function notComputed(run: ModelRun, bundle: ModelBundle | undefined, code: NotComputedCode, reason: string): PredictionRecord[] {
  metrics.predictionsNotComputed.inc({ model: run.modelId, reason: code });
  if (!bundle) return [{ modelId: run.modelId, modelVersion: 'unknown', output: '*', notComputedReason: reason }];
  return bundle.manifest.outputs.map((o) => ({
    modelId: bundle.manifest.id,
    modelVersion: bundle.manifest.version,
    output: o.name,
    notComputedReason: reason,
    ...(o.horizonYears !== undefined ? { horizonYears: o.horizonYears } : {}),
  }));
}

/**
 * Loads every model bundle, creates and warms the sessions; resolves when ready to score.
 * @throws Error when a bundled model is broken or SCORER_DEVICE=cuda cannot load CUDA (custom
 *   bundles that fail are skipped and reported instead)
 */
export async function createInProcessScorer(config: ScorerConfig, options: InProcessScorerOptions = {}): Promise<InProcessScorer> {
  const log = options.logger ?? createScorerLogger();
  const threads: ThreadSettings = { intraOpNumThreads: config.SCORER_INTRA_OP_THREADS, interOpNumThreads: config.SCORER_INTER_OP_THREADS };
  const builtIns = options.services ?? builtInServices();

  const bundled = readBundledModels(config.MODELS_DIR);
  const custom = discoverCustomBundles(config.CUSTOM_MODELS_DIR, {
    modelIds: new Set(bundled.map((b) => b.manifest.id)),
    serviceIds: new Set(builtIns.map((s) => s.descriptor.id)),
  });
  const skipped: SkippedBundle[] = [...custom.skipped];

  const probe = bundled[0]?.modelPath ?? custom.bundles[0]?.bundle.modelPath;
  const choice = await chooseExecutionProvider(config.SCORER_DEVICE, probe, threads);
  const provider = choice.provider;
  if (choice.fallbackReason) {
    log.warn({ device: config.SCORER_DEVICE, provider, reason: choice.fallbackReason }, 'CUDA execution provider unavailable; using CPU');
  }

  const stats = new BatchStats();
  const models = new Map<string, LoadedModel>();
  const load = async (bundle: ModelBundle): Promise<void> => {
    const session = await createModelSession(bundle, provider, threads);
    const batcher = new MicroBatcher(session, { maxBatch: config.SCORER_MAX_BATCH, maxWaitUs: config.SCORER_MAX_WAIT_US, stats });
    models.set(bundle.manifest.id, { session, batcher, info: toModelInfo(bundle.manifest, bundle.origin, session.loadMs) });
  };
  try {
    for (const bundle of bundled) await load(bundle);
  } catch (err) {
    await Promise.allSettled([...models.values()].map((m) => m.session.release()));
    throw err;
  }

  let learned: LearnedRunner;
  try {
    learned = await createLearnedRunner(config, provider, threads, stats, new Set([...bundled.map((b) => b.manifest.id), ...custom.bundles.map((c) => c.bundle.manifest.id)]));
  } catch (err) {
    await Promise.allSettled([...models.values()].map((m) => m.session.release()));
    throw err;
  }
  skipped.push(...learned.skipped);

  const services = new Map<string, ClinicalService>();
  for (const s of builtIns) services.set(s.descriptor.id, s);
  for (const c of custom.bundles) {
    try {
      await load(c.bundle);
      services.set(c.service.descriptor.id, c.service);
    } catch (err) {
      skipped.push({ dir: c.bundle.dir, error: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const s of skipped) log.error({ bundle: s.dir, error: s.error }, 'custom model bundle skipped');
  for (const s of services.values()) {
    const absent = s.descriptor.models.filter((id) => !models.has(id) && !learned.has(id));
    if (absent.length > 0) log.warn({ service: s.descriptor.id, models: absent }, 'service refers to models that are not loaded');
  }
  log.info({
    provider,
    device: config.SCORER_DEVICE,
    intraOpThreads: threads.intraOpNumThreads,
    interOpThreads: threads.interOpNumThreads,
    maxBatch: config.SCORER_MAX_BATCH,
    maxWaitUs: config.SCORER_MAX_WAIT_US,
    models: [...models.values(), ...learned.infos().map((info) => ({ info }))].map((m) => ({ id: m.info.id, version: m.info.version, origin: m.info.origin, loadMs: m.info.loadMs })),
    services: [...services.keys()],
  }, 'scorer ready');

  let closed = false;

  async function runModel(run: ModelRun, input: ScoringInput, deadline: number): Promise<{ records: PredictionRecord[]; ran: boolean }> {
    if (run.sequenceSet !== undefined) return learned.run(run, input, deadline, log);
    const loaded = models.get(run.modelId);
    if (!loaded) return { records: notComputed(run, undefined, 'model_unavailable', `model ${run.modelId} is not loaded`), ran: false };
    const bundle = loaded.session.bundle;
    const m = bundle.manifest;
    if (run.featureSet !== m.featureSet) {
      return { records: notComputed(run, bundle, 'feature_set_mismatch', `service asked model ${m.id} to read '${run.featureSet}', it reads '${m.featureSet}'`), ran: false };
    }
    const row = buildModelRow(m, input.featureSets[run.featureSet]);
    if (!row.ok) return { records: notComputed(run, bundle, row.code, row.reason), ran: false };
    if (Date.now() >= deadline) return { records: notComputed(run, bundle, 'deadline_exceeded', 'deadline passed before inference'), ran: false };
    let values: number[];
    try {
      values = await loaded.batcher.submit(row.row);
    } catch (err) {
      log.error({ model: m.id, error: err instanceof Error ? err.message : String(err) }, 'inference failed');
      return { records: notComputed(run, bundle, 'inference_error', 'the model failed to run'), ran: false };
    }
    const records = m.outputs.map((o, i): PredictionRecord => {
      const v = values[i]!;
      const base = { modelId: m.id, modelVersion: m.version, output: o.name, ...(o.horizonYears !== undefined ? { horizonYears: o.horizonYears } : {}) };
      if (!Number.isFinite(v)) {
        metrics.predictionsNotComputed.inc({ model: m.id, reason: 'non_finite_output' });
        return { ...base, notComputedReason: 'the model returned a non-finite value' };
      }
      return { ...base, value: v };
    });
    return { records, ran: true };
  }

  const scorer: InProcessScorer = {
    mode: 'embedded',
    executionProvider: provider,

    async score(rawInput: ScoringInput, { deadline }: { deadline: number }): Promise<ScoringOutput> {
      if (closed) throw new Error('scorer is closed');
      const parsed = scoringInputSchema.safeParse(rawInput);
      if (!parsed.success) throw badRequest(`invalid scoring input:\n${z.prettifyError(parsed.error)}`);
      return scorer.scoreValidated(parsed.data as ScoringInput, { deadline });
    },

    async scoreValidated(input: ScoringInput, { deadline }: { deadline: number }): Promise<ScoringOutput> {
      if (closed) throw new Error('scorer is closed');
      const service = services.get(input.serviceId);
      if (!service) throw notFound(`unknown CDS service '${input.serviceId}' (known: ${[...services.keys()].join(', ')})`);
      if (Date.now() >= deadline) throw new Error(`deadline passed before scoring ${input.serviceId}`);

      const runs = service.modelRuns(input, config);
      const started = performance.now();
      const results = await Promise.all(runs.map((r) => runModel(r, input, deadline)));
      const anyRan = results.some((r) => r.ran);
      const inferenceMs = anyRan ? Math.round((performance.now() - started) * 1000) / 1000 : 0;
      const predictions = results.flatMap((r) => r.records);
      const modelInfo = (id: string): ModelInfo | undefined => models.get(id)?.info ?? learned.infos().find((i) => i.id === id);
      const built = service.buildCards({ input, predictions, config, modelInfo });
      // RiskAssessment method/basis/occurrenceDateTime, for built-in and custom services alike
      // (basis and occurrence are placeholders the HTTP side binds: input.asOf is HOOK_TIME_REFERENCE).
      completeRiskAssessments(built.cards, runs, input.asOf, config.RISK_METHOD_SYSTEM);
      // Clinical safety screening: no medication reaches a card action unscreened (src/safety).
      const tally: ScreeningTally = { block: 0, caution: 0, clear: 0 };
      const cards = screenCardSuggestions(built.cards, readPatientSafety(input, config.LAB_MAX_AGE_DAYS), tally);
      for (const verdict of ['block', 'caution', 'clear'] as const) {
        if (tally[verdict] > 0) metrics.safetyScreenings.inc({ service: input.serviceId, verdict }, tally[verdict]);
      }
      const systemActions = built.systemActions;
      return {
        correlationId: input.correlationId,
        serviceId: input.serviceId,
        cards,
        ...(systemActions && systemActions.length > 0 ? { systemActions } : {}),
        predictions,
        executionProvider: anyRan ? provider : 'none',
        inferenceMs,
      };
    },

    async readiness() {
      const checks: Record<string, { ok: boolean; detail?: string }> = {};
      for (const m of [...models.values(), ...learned.infos().map((info) => ({ info }))]) {
        checks[`model:${m.info.id}`] = { ok: !closed, detail: `${provider}, warmed in ${m.info.loadMs} ms` };
      }
      if (config.CUSTOM_MODELS_DIR !== undefined) {
        const loadedCustom = [...models.values()].filter((m) => m.info.origin === 'custom').length;
        checks['custom-bundles'] = {
          ok: skipped.length === 0,
          detail: `${loadedCustom} loaded` + (skipped.length > 0 ? `, ${skipped.length} skipped: ${skipped.map((s) => s.dir).join(', ')}` : ''),
        };
      }
      // Skipped custom bundles are reported but do not make the scorer unready.
      return { ready: !closed && models.size > 0, checks };
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...models.values()].map((m) => m.batcher.close()));
      await Promise.allSettled([...models.values()].map((m) => m.session.release()));
      await learned.close();
    },

    services: () => [...services.values()].map((s) => s.descriptor),
    models: () => [...[...models.values()].map((m) => m.info), ...learned.infos()],
    batchStats: () => stats.snapshot(),
    skippedBundles: () => skipped.map((s) => ({ ...s })),
  };
  return scorer;
}
