/**
 * Rows and runs per model, for the dashboard and the distributed worker's heartbeat
 * (rows / runs is the mean batch size). Prometheus has the same numbers as counters; these are
 * plain objects so a heartbeat needs no registry scrape.
 */
export interface ModelBatchStats { rows: number; runs: number }

export class BatchStats {
  private readonly byModel = new Map<string, ModelBatchStats>();

  record(modelId: string, rows: number): void {
    const s = this.byModel.get(modelId) ?? { rows: 0, runs: 0 };
    s.rows += rows;
    s.runs += 1;
    this.byModel.set(modelId, s);
  }

  /** A copy: model id → { rows, runs } since start. */
  snapshot(): Record<string, ModelBatchStats> {
    return Object.fromEntries([...this.byModel].map(([k, v]) => [k, { ...v }]));
  }
}

/** Every batcher in this process also records here (one process may host several scorers in tests). */
export const processBatchStats = new BatchStats();

/** Rows and runs per model across every scorer in this process since start. */
export function batchStats(): Record<string, ModelBatchStats> {
  return processBatchStats.snapshot();
}
