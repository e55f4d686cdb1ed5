/**
 * The learned (sequence) models of one scorer: sessions and padding micro-batchers, created and
 * warmed at boot next to the flat models, and one `run` that turns a ModelRun + ScoringInput into
 * PredictionRecords (with a not-computed reason when the sequence is absent or does not match).
 */
import type { ModelInfo, PredictionRecord, ScoringInput } from '@prognos/contracts';
import type { ModelRun } from '../clinical-service';
import type { ScorerConfig } from '../config';
import type { ScorerLogger } from '../logger';
import * as metrics from '../metrics';
import type { BatchStats } from '../runtime/batch-stats';
import type { ExecutionProviderName, ThreadSettings } from '../runtime/execution-provider';
import { discoverLearnedBundles, learnedModelInfo, type LearnedBundle } from './read-learned-bundles';
import { SequenceBatcher } from './sequence-batcher';
import { createSequenceSession, type SequenceSession } from './sequence-session';

export interface LearnedRunner {
  has(id: string): boolean;
  infos(): ModelInfo[];
  /** Bundle of a loaded learned model (manifest, model card path). */
  bundle(id: string): LearnedBundle | undefined;
  skipped: { dir: string; error: string }[];
  run(run: ModelRun, input: ScoringInput, deadline: number, log: ScorerLogger): Promise<{ records: PredictionRecord[]; ran: boolean }>;
  close(): Promise<void>;
}

interface Loaded { session: SequenceSession; batcher: SequenceBatcher; info: ModelInfo }

export async function createLearnedRunner(config: ScorerConfig, provider: ExecutionProviderName, threads: ThreadSettings, stats: BatchStats, takenIds: Set<string>): Promise<LearnedRunner> {
  const found = discoverLearnedBundles(config.MODELS_DIR, config.CUSTOM_MODELS_DIR, takenIds);
  const loaded = new Map<string, Loaded>();
  const skipped = [...found.skipped];
  for (const b of found.bundles) {
    try {
      const session = await createSequenceSession(b, provider, threads);
      const batcher = new SequenceBatcher(session, { maxBatch: config.SCORER_MAX_BATCH, maxWaitUs: config.SCORER_MAX_WAIT_US, stats });
      loaded.set(b.manifest.id, { session, batcher, info: learnedModelInfo(b, session.loadMs) });
    } catch (err) {
      if (b.origin === 'bundled') {
        await Promise.allSettled([...loaded.values()].map((l) => l.session.release()));
        throw err;
      }
      skipped.push({ dir: b.dir, error: err instanceof Error ? err.message : String(err) });
    }
  }

  const notComputed = (run: ModelRun, l: Loaded | undefined, code: string, reason: string): { records: PredictionRecord[]; ran: boolean } => {
    metrics.predictionsNotComputed.inc({ model: run.modelId, reason: code });
    if (!l) return { records: [{ modelId: run.modelId, modelVersion: 'unknown', output: '*', notComputedReason: reason }], ran: false };
    const m = l.session.bundle.manifest;
    return { records: m.outputs.map((o) => ({ modelId: m.id, modelVersion: m.version, output: o.name, horizonYears: o.horizonYears, notComputedReason: reason })), ran: false };
  };

  return {
    has: (id) => loaded.has(id),
    infos: () => [...loaded.values()].map((l) => l.info),
    bundle: (id) => loaded.get(id)?.session.bundle,
    skipped,
    async run(run, input, deadline, log) {
      const l = loaded.get(run.modelId);
      if (!l) return notComputed(run, undefined, 'model_unavailable', `model ${run.modelId} is not loaded`);
      const m = l.session.bundle.manifest;
      if (run.sequenceSet !== m.sequenceSet) return notComputed(run, l, 'feature_set_mismatch', `service asked model ${m.id} to read '${run.sequenceSet ?? ''}', it reads '${m.sequenceSet}'`);
      const seq = input.sequences?.[m.sequenceSet];
      if (!seq) return notComputed(run, l, 'feature_set_missing', `sequence '${m.sequenceSet}' was not sent`);
      if (seq.version !== m.sequenceSetVersion) return notComputed(run, l, 'feature_set_mismatch', `sequence '${m.sequenceSet}' v${seq.version} sent, the model reads v${m.sequenceSetVersion}`);
      if (seq.length === 0) return notComputed(run, l, 'missing_input', 'no eGFR, ACR, blood pressure or HbA1c in the sequence window');
      if (seq.staticPresent.some((p) => p === 0)) {
        const missing = m.statics.filter((_, i) => seq.staticPresent[i] === 0);
        return notComputed(run, l, 'missing_input', `missing input: ${missing.join(', ')}`);
      }
      if (Date.now() >= deadline) return notComputed(run, l, 'deadline_exceeded', 'deadline passed before inference');
      let values: number[];
      try {
        values = await l.batcher.submit(seq);
      } catch (err) {
        log.error({ model: m.id, error: err instanceof Error ? err.message : String(err) }, 'inference failed');
        return notComputed(run, l, 'inference_error', 'the model failed to run');
      }
      const records = m.outputs.map((o, i): PredictionRecord => {
        const v = values[i]!;
        const base = { modelId: m.id, modelVersion: m.version, output: o.name, horizonYears: o.horizonYears };
        if (!Number.isFinite(v)) {
          metrics.predictionsNotComputed.inc({ model: m.id, reason: 'non_finite_output' });
          return { ...base, notComputedReason: 'the model returned a non-finite value' };
        }
        return { ...base, value: v };
      });
      return { records, ran: true };
    },
    async close() {
      await Promise.allSettled([...loaded.values()].map((l) => l.batcher.close()));
      await Promise.allSettled([...loaded.values()].map((l) => l.session.release()));
    },
  };
}
