/**
 * Public API of @prognos/scorer.
 * PLACEHOLDER SIGNATURES for createInProcessScorer / loadServiceCatalog: the model-runtime work
 * replaces them with the real implementations (keep these signatures).
 */
import type { CdsServiceDescriptor, ModelInfo, ScoringEngine } from '@prognos/contracts';
import type { ScorerConfig } from './config';

export * from './config';
export * from './clinical-service';
export * as scorerMetrics from './metrics';

export interface InProcessScorer extends ScoringEngine {
  readonly mode: 'embedded';
  /** Discovery descriptors of every service (built-in + custom bundles). */
  services(): CdsServiceDescriptor[];
  /** Models loaded, with load times. */
  models(): ModelInfo[];
  /** 'cpu' | 'cuda': the provider that actually created the sessions. */
  readonly executionProvider: string;
}

/** Loads every model bundle, creates and warms the sessions; resolves when ready to score. */
export async function createInProcessScorer(_config: ScorerConfig): Promise<InProcessScorer> {
  throw new Error('not implemented yet');
}

/** Service descriptors and model infos from manifests alone (no sessions): for the HTTP process in distributed mode. */
export function loadServiceCatalog(_config: ScorerConfig): { services: CdsServiceDescriptor[]; models: ModelInfo[] } {
  throw new Error('not implemented yet');
}
