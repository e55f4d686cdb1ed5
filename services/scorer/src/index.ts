/**
 * Public API of @prognos/scorer.
 */
import type { ScorerConfig } from './config';
import { createInProcessScorer as create, type InProcessScorer, type InProcessScorerOptions } from './engine/in-process-scorer';
import { loadServiceCatalog as loadCatalog, type ServiceCatalog } from './engine/service-catalog';

export * from './config';
export * from './clinical-service';
export { builtInServices } from './services';
export * as scorerMetrics from './metrics';
export { getOrCreateMetric } from './get-or-create-metric';
// Distributed-mode protocol shared with the HTTP process (job schema, heartbeat keys, Redis options).
export * from './worker/shared';
export type { InProcessScorer, InProcessScorerOptions } from './engine/in-process-scorer';
export type { ServiceCatalog } from './engine/service-catalog';
export { batchStats, type ModelBatchStats } from './runtime/batch-stats';
export { chooseExecutionProvider, type DeviceSetting, type ExecutionProviderName } from './runtime/execution-provider';
export type { SkippedBundle } from './bundles/custom-bundles';
export { modelManifestSchema, type ModelManifest } from './bundles/model-manifest';
export { cardPolicySchema, type CardPolicy } from './bundles/card-policy';
export type { NotComputedCode } from './engine/build-model-row';
export { createScorerLogger, type ScorerLogger } from './logger';
export { learnedModelCards } from './learned/read-learned-bundles';

/** Loads every model bundle, creates and warms the sessions; resolves when ready to score. */
export async function createInProcessScorer(config: ScorerConfig, options?: InProcessScorerOptions): Promise<InProcessScorer> {
  return create(config, options);
}

/** Service descriptors and model infos from manifests alone (no sessions): for the HTTP process in distributed mode. */
export function loadServiceCatalog(config: ScorerConfig): ServiceCatalog {
  return loadCatalog(config);
}
