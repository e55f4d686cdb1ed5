/**
 * Distributed mode, HTTP side. The HTTP app imports this module dynamically when REDIS_URL is set:
 *   const { createQueueScorer } = await import('./queue');
 *   const engine = await createQueueScorer(config, { catalog: loadServiceCatalog(scorerConfig), logger });
 * and passes `engine.queue` (bull-board) and `engine.workers` to the ops routes.
 */
export * from './queue-scorer';
export * from './queue-errors';
export { scoringOutputSchema } from './scoring-output-schema';
