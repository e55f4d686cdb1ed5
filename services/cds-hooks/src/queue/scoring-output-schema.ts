/**
 * Shape check of a worker's result before it is trusted (what crosses Redis is validated on both
 * sides). Cards are checked loosely here; the HTTP side validates each bound card against the CDS
 * Hooks card rules before sending it.
 */
import { z } from 'zod';
import { JOB_FAILURE } from '@prognos/scorer';

const cardDraftSchema = z.looseObject({
  uuid: z.string().min(1),
  summary: z.string(),
  indicator: z.enum(['info', 'warning', 'critical']),
  source: z.looseObject({ label: z.string() }),
  kind: z.string(),
});

export const scoringOutputSchema = z.looseObject({
  correlationId: z.string().min(1),
  serviceId: z.string().min(1),
  cards: z.array(cardDraftSchema),
  systemActions: z.array(z.looseObject({ type: z.string() })).optional(),
  predictions: z.array(z.looseObject({ modelId: z.string(), modelVersion: z.string(), output: z.string() })),
  executionProvider: z.string(),
  inferenceMs: z.number(),
});

/** One item's outcome in a batch result: its output, or one of the fixed JOB_FAILURE reasons. */
export const scoreBatchItemResultSchema = z.union([
  z.object({ output: scoringOutputSchema }).strict(),
  z.object({ failure: z.enum(JOB_FAILURE) }).strict(),
]);

/** A batch job's result (ScoreBatchJobResult): one entry per item, in the items' order, and the signature. */
export const scoreBatchResultSchema = z.object({
  results: z.array(scoreBatchItemResultSchema),
  signature: z.string().optional(),
}).strict();
