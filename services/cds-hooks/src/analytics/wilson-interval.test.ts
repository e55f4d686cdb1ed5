import { wilsonInterval } from './wilson-interval';

/** Newcombe RG, Stat Med 1998;17:857-872, Table II, method 3 (Wilson score, no continuity correction). */
const NEWCOMBE_TABLE_II: [number, number, number, number][] = [
  [81, 263, 0.2553, 0.3662],
  [15, 148, 0.0624, 0.1605],
  [0, 20, 0, 0.1611],
  [1, 29, 0.0061, 0.1718],
];

describe('wilsonInterval', () => {
  it.each(NEWCOMBE_TABLE_II)('%i/%i gives Newcombe\'s %f to %f', (k, n, lo, hi) => {
    const [l, h] = wilsonInterval(k, n)!;
    expect(l).toBeCloseTo(lo, 4);
    expect(h).toBeCloseTo(hi, 4);
  });

  it('knows nothing from no observation and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(3, 2)).toBeNull();
    expect(wilsonInterval(-1, 2)).toBeNull();
  });

  it('stays inside [0, 1] at the extremes', () => {
    const [l, h] = wilsonInterval(5, 5)!;
    expect(h).toBe(1);
    expect(l).toBeGreaterThan(0.5);
  });
});
