import { SCORE_BATCH_MAX_ITEMS } from '@prognos/scorer';
import { loadConfig } from '../config';

describe('batch job configuration (QUEUE_MAX_JOBS_IN_FLIGHT, QUEUE_MAX_BATCH)', () => {
  it('defaults to 4 jobs in flight of at most 32 inputs', () => {
    expect(loadConfig({})).toMatchObject({ QUEUE_MAX_JOBS_IN_FLIGHT: 4, QUEUE_MAX_BATCH: 32 });
  });

  it('accepts one input per job with many jobs in flight (one job per call)', () => {
    expect(loadConfig({ QUEUE_MAX_BATCH: '1', QUEUE_MAX_JOBS_IN_FLIGHT: '1000' })).toMatchObject({ QUEUE_MAX_JOBS_IN_FLIGHT: 1000, QUEUE_MAX_BATCH: 1 });
  });

  it('refuses less than 1 of either, and batches larger than the workers accept', () => {
    expect(() => loadConfig({ QUEUE_MAX_JOBS_IN_FLIGHT: '0' })).toThrow();
    expect(() => loadConfig({ QUEUE_MAX_BATCH: '0' })).toThrow();
    expect(loadConfig({ QUEUE_MAX_BATCH: String(SCORE_BATCH_MAX_ITEMS) }).QUEUE_MAX_BATCH).toBe(SCORE_BATCH_MAX_ITEMS);
    expect(() => loadConfig({ QUEUE_MAX_BATCH: String(SCORE_BATCH_MAX_ITEMS + 1) })).toThrow();
  });
});
