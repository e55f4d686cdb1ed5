import { aggregateSeries, slopePerYear } from './aggregate-series';
import type { SeriesPoint } from './types';

const DAY = 86_400_000;
const t0 = Date.UTC(2018, 0, 1);
const pt = (days: number, value: number): SeriesPoint => ({ t: t0 + days * DAY, value, date: new Date(t0 + days * DAY).toISOString(), derivation: 'reported' });

describe('slopePerYear', () => {
  it('is the least-squares slope per year for evenly spaced points (60, 50, 40 over 364 days = -20.068/yr)', () => {
    // -10 per 182 days = -10 x 365.2425 / 182 per year
    expect(slopePerYear([pt(0, 60), pt(182, 50), pt(364, 40)])).toBeCloseTo(-20.0683, 3);
  });

  it('fits noisy points by least squares', () => {
    // x = 0, 1, 2, 3 years (x 365.2425 days), y = 1, 3, 2, 5: slope = sum(dx dy)/sum(dx^2) = 5.5/5 = 1.1
    const y = 365.2425;
    expect(slopePerYear([pt(0, 1), pt(y, 3), pt(2 * y, 2), pt(3 * y, 5)])).toBeCloseTo(1.1, 10);
  });

  it('needs at least 3 points spanning at least 90 days', () => {
    expect(slopePerYear([pt(0, 60), pt(200, 50)])).toBeUndefined();
    expect(slopePerYear([pt(0, 60), pt(30, 55), pt(89, 50)])).toBeUndefined();
    expect(slopePerYear([pt(0, 60), pt(30, 55), pt(90, 50)])).toBeDefined();
  });
});

describe('aggregateSeries', () => {
  const asOf = t0 + 400 * DAY;

  it('gives last, its age, min, max, mean, count and change from baseline over the window', () => {
    const s = aggregateSeries([pt(-2000, 90), pt(0, 60), pt(182, 50), pt(364, 40)], asOf, 730, 1096);
    expect(s.last?.value).toBe(40);
    expect(s.lastAgeDays).toBeCloseTo(36, 10);
    expect(s.count).toBe(3); // the point 2000 days back is outside the 1096-day window
    expect(s.min).toBe(40);
    expect(s.max).toBe(60);
    expect(s.mean).toBe(50);
    expect(s.changeFromBaselinePct).toBeCloseTo(-33.3333, 3); // (40 - 60) / 60
    expect(s.slopePerYear).toBeCloseTo(-20.0683, 3);
  });

  it('drops a stale last value but keeps counting the window', () => {
    const s = aggregateSeries([pt(0, 60)], asOf, 30, 1096);
    expect(s.last).toBeUndefined();
    expect(s.count).toBe(1);
  });

  it('handles an empty series', () => {
    expect(aggregateSeries([], asOf, 730, 1096)).toEqual({ count: 0, window: [] });
  });
});
