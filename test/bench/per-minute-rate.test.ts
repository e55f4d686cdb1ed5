import { perMinuteRate } from './run-bench';

describe('perMinuteRate (soak throughput minute by minute)', () => {
  it('divides each whole minute\'s answers by its seconds, and leaves out a last partial minute', () => {
    const samples: { t: number; answers?: number }[] = [{ t: 0 }];
    for (let t = 1; t <= 150; t++) samples.push({ t, answers: t <= 60 ? 100 : t <= 120 ? 50 : 10 });
    expect(perMinuteRate(samples)).toEqual([100, 50]);
  });

  it('weights by the real spacing of the samples', () => {
    const samples = [{ t: 0 }, { t: 30, answers: 300 }, { t: 60, answers: 600 }, { t: 61, answers: 5 }];
    expect(perMinuteRate(samples)).toEqual([15]);
  });
});
