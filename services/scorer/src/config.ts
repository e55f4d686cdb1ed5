/**
 * Scorer configuration from the environment, validated at startup.
 */
import path from 'node:path';
import { z } from 'zod';

export const scorerConfigSchema = z.object({
  /** auto: CUDA when its provider loads, else CPU. */
  SCORER_DEVICE: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** onnxruntime intra-op threads per session. @defaultValue 1 */
  SCORER_INTRA_OP_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** onnxruntime inter-op threads per session. @defaultValue 1 */
  SCORER_INTER_OP_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** Micro-batcher: most rows in one run. @defaultValue 64 */
  SCORER_MAX_BATCH: z.coerce.number().int().min(1).max(4096).default(64),
  /** Micro-batcher: longest wait for more rows, microseconds. @defaultValue 500 */
  SCORER_MAX_WAIT_US: z.coerce.number().int().min(0).max(1_000_000).default(500),
  /** KFRE baseline survival constants. @defaultValue 'north-america' */
  KFRE_REGION: z.enum(['north-america', 'other']).default('north-america'),
  /** KDIGO 2024 PP 2.2.1: nephrology referral at 5-year KFRE risk >= this (3-5%). @defaultValue 0.05 */
  KFRE_REFERRAL_THRESHOLD: z.coerce.number().min(0.03).max(0.05).default(0.05),
  /** Bundled model bundles (manifest.json + model.onnx per folder). */
  MODELS_DIR: z.string().default(path.resolve(__dirname, '..', 'models')),
  /** A hospital's own model bundles (ONNX + manifest + card policy), discovered at boot. */
  CUSTOM_MODELS_DIR: z.string().optional(),
  /**
   * Learned progression model shown by ckd-progression beside KFRE (a `"kind": "learned"` bundle id
   * in MODELS_DIR or CUSTOM_MODELS_DIR); 'none' turns it off. @defaultValue 'ckd-progression-gru'
   */
  CKD_LEARNED_MODEL: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/).default('ckd-progression-gru'),
  /**
   * Public base URL of the Prognos HTTP service (e.g. https://prognos.example.org): learned-model
   * cards then link their model card at `<base>/models/<id>/card`. @defaultValue none (no link)
   */
  MODEL_CARD_BASE_URL: z.url().optional(),
  /** Maximum age of a lab result used for a prediction, days. @defaultValue 365 */
  LAB_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /**
   * Canonical URL of the CodeSystem that identifies models in RiskAssessment.method.coding (the
   * deployment's own, e.g. https://fhir.hospital.example/CodeSystem/risk-models). Unset: method
   * carries text only, never a made-up system.
   */
  RISK_METHOD_SYSTEM: z.url({ protocol: /^https?$/ }).optional(),
});

export type ScorerConfig = z.infer<typeof scorerConfigSchema>;

export function loadScorerConfig(env: NodeJS.ProcessEnv = process.env): ScorerConfig {
  const parsed = scorerConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid scorer configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
