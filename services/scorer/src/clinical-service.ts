/**
 * A clinical CDS service as the scorer runs it: its discovery descriptor, the models it runs on
 * which feature set, and a pure function from features + predictions to cards.
 * Built-in services live in ./services; a hospital's own model bundle with a declarative card
 * policy becomes one of these too (no code change).
 */
import type { ActionDraft, CardDraft, CdsServiceDescriptor, ModelInfo, PredictionRecord, ScoringInput } from '@prognos/contracts';
import type { ScorerConfig } from './config';

export interface ModelRun {
  /** Model id as in its manifest (e.g. 'kfre-4var-na'). */
  modelId: string;
  /** Feature set whose vector is the model's input row (manifest inputs are checked against it). */
  featureSet: string;
  /** For a learned sequence model: the sequence set (ScoringInput.sequences) it reads instead. */
  sequenceSet?: string;
}

export interface CardBuildContext {
  input: ScoringInput;
  /** One record per model output, including those not computed (with the reason). */
  predictions: PredictionRecord[];
  config: ScorerConfig;
  /** The catalogue entry of a loaded model (title, intended use), when the engine provides it. */
  modelInfo?: (modelId: string) => ModelInfo | undefined;
}

export interface CardBuildResult {
  cards: CardDraft[];
  systemActions?: ActionDraft[];
}

export interface ClinicalService {
  descriptor: CdsServiceDescriptor;
  /** Models to run for a request; may depend on config (e.g. KFRE region) and on the input. */
  modelRuns(input: ScoringInput, config: ScorerConfig): ModelRun[];
  buildCards(ctx: CardBuildContext): CardBuildResult;
}
