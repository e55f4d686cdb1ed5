import { JobBatcher } from './job-batcher';

function recording(maxJobsInFlight: number, maxBatch: number, discard?: (item: number) => boolean) {
  const sent: number[][] = [];
  const batcher = new JobBatcher<number>({ maxJobsInFlight, maxBatch, send: (items) => { sent.push(items); }, discard });
  return { sent, batcher };
}

describe('JobBatcher (group commit of scoring inputs)', () => {
  it('sends each item at once, alone, while fewer jobs than the limit are in flight', () => {
    const { sent, batcher } = recording(2, 32);
    batcher.submit(1);
    expect(sent).toEqual([[1]]);
    batcher.jobFinished();
    batcher.submit(2);
    batcher.submit(3);
    expect(sent).toEqual([[1], [2], [3]]);
    expect(batcher.inFlight).toBe(2);
    expect(batcher.waitingCount).toBe(0);
  });

  it('keeps items while the limit is reached and sends them together when a job finishes', () => {
    const { sent, batcher } = recording(1, 32);
    for (let i = 1; i <= 5; i++) batcher.submit(i);
    expect(sent).toEqual([[1]]);
    expect(batcher.waitingCount).toBe(4);
    batcher.jobFinished();
    expect(sent).toEqual([[1], [2, 3, 4, 5]]);
    expect(batcher.inFlight).toBe(1);
  });

  it('splits what accumulated into jobs of at most maxBatch items, as many as free slots allow', () => {
    const { sent, batcher } = recording(2, 3);
    for (let i = 1; i <= 12; i++) batcher.submit(i);
    expect(sent).toEqual([[1], [2]]);
    batcher.jobFinished();
    expect(sent.slice(2)).toEqual([[3, 4, 5]]);
    batcher.jobFinished();
    batcher.jobFinished();
    expect(sent.slice(3)).toEqual([[6, 7, 8], [9, 10, 11]]);
    expect(batcher.waitingCount).toBe(1);
    expect(batcher.inFlight).toBe(2);
  });

  it('with maxBatch 1 sends one item per job, like one job per call', () => {
    const { sent, batcher } = recording(100, 1);
    for (let i = 1; i <= 5; i++) batcher.submit(i);
    expect(sent).toEqual([[1], [2], [3], [4], [5]]);
  });

  it('leaves out the items the caller discards when a job is formed, and uses no slot for an empty job', () => {
    const { sent, batcher } = recording(1, 2, (item) => item % 2 === 0);
    for (let i = 1; i <= 6; i++) batcher.submit(i);
    batcher.jobFinished();
    // Discarded items take no place in the job: 2 and 4 are left out, 3 and 5 fill it.
    expect(sent).toEqual([[1], [3, 5]]);
    batcher.jobFinished();
    // Only 6 was left, and it is discarded: no job is sent and no slot stays taken.
    expect(sent).toHaveLength(2);
    expect(batcher.inFlight).toBe(0);
    expect(batcher.waitingCount).toBe(0);
  });

  it('gives back a waiting item on withdraw, and not one already sent', () => {
    const { sent, batcher } = recording(1, 8);
    batcher.submit(1);
    batcher.submit(2);
    batcher.submit(3);
    expect(batcher.withdraw(1)).toBe(false);
    expect(batcher.withdraw(2)).toBe(true);
    batcher.jobFinished();
    expect(sent).toEqual([[1], [3]]);
  });

  it('hands over every waiting item on withdrawAll', () => {
    const { batcher } = recording(1, 8);
    [1, 2, 3].forEach((i) => batcher.submit(i));
    expect(batcher.withdrawAll()).toEqual([2, 3]);
    expect(batcher.waitingCount).toBe(0);
  });

  it('refuses a finish without a job in flight and limits below 1', () => {
    expect(() => recording(1, 1).batcher.jobFinished()).toThrow();
    expect(() => recording(0, 1)).toThrow();
    expect(() => recording(1, 0)).toThrow();
  });
});
