import { histogramQuantile } from './histogram-quantile';

// Hand-computed with the Prometheus rule: rank = q·total, linear interpolation inside the bucket.
const buckets = [
  { le: 0.1, count: 10 },
  { le: 0.5, count: 30 },
  { le: 1, count: 40 },
  { le: Infinity, count: 40 },
];

describe('histogramQuantile', () => {
  it('interpolates the median inside the bucket that holds rank 20 of 40', () => {
    // rank 20 lies in (0.1, 0.5] which holds observations 11..30: 0.1 + 0.4 · (20 − 10) / 20 = 0.3
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.3, 12);
  });

  it('interpolates from zero inside the first bucket', () => {
    // rank 4 of 40 in (0, 0.1] holding 10: 0.1 · 4 / 10 = 0.04
    expect(histogramQuantile(0.1, buckets)).toBeCloseTo(0.04, 12);
  });

  it('answers the upper bound of a bucket when the rank is its last observation', () => {
    // rank 0.99 · 40 = 39.6 in (0.5, 1] holding 10: 0.5 + 0.5 · 9.6 / 10 = 0.98
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.98, 12);
  });

  it('answers the largest finite bound when the rank falls in the +Inf bucket', () => {
    const tail = [{ le: 1, count: 1 }, { le: Infinity, count: 4 }];
    expect(histogramQuantile(0.95, tail)).toBe(1);
  });

  it('answers null when there are no observations or q is out of range', () => {
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }])).toBeNull();
    expect(histogramQuantile(1.5, buckets)).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });
});
