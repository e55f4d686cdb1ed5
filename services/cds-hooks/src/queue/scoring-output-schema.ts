/**
 * Shape check of a worker's result before it is trusted (what crosses Redis is validated on both
 * sides). Cards are checked loosely here; the HTTP side validates each bound card against the CDS
 * Hooks card rules before sending it.
 */
import { z } from 'zod';

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
