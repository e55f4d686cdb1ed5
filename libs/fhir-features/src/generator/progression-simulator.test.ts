import { BASELINE_HAZARD_PER_YEAR, simulatedLogHazard, simulatePatient } from './progression-simulator';

describe('progression simulator', () => {
  it('is deterministic for a seed and patient index', () => {
    expect(simulatePatient({ seed: 3, index: 7 })).toEqual(simulatePatient({ seed: 3, index: 7 }));
    expect(simulatePatient({ seed: 3, index: 8 })).not.toEqual(simulatePatient({ seed: 3, index: 7 }));
  });

  it('uses KFRE coefficients: hazard rises as eGFR falls and ACR rises, is higher in men and lower with age (Tangri 2011)', () => {
    const h = (age: number, male: boolean, egfr: number, acr: number, change = 0) => simulatedLogHazard(age, male, egfr, acr, change);
    expect(h(70, true, 25, 300)).toBeGreaterThan(h(70, true, 35, 300));
    expect(h(70, true, 35, 1000)).toBeGreaterThan(h(70, true, 35, 100));
    expect(h(70, true, 35, 300)).toBeGreaterThan(h(70, false, 35, 300));
    expect(h(80, true, 35, 300)).toBeLessThan(h(60, true, 35, 300));
    // eGFR -0.5567 per 5 mL/min: 10 mL/min lower = exp(1.1134) x hazard
    expect(Math.exp(h(70, true, 25, 300) - h(70, true, 35, 300))).toBeCloseTo(Math.exp(2 * 0.5567), 6);
    // At the KFRE means the linear predictor is 0 and the 5-year risk is the NA baseline 1 - 0.924.
    expect(h(70.36, true, 36.11, Math.exp(5.137)) - 0.2467 * (1 - 0.5642)).toBeCloseTo(0, 3);
    expect(1 - Math.exp(-5 * BASELINE_HAZARD_PER_YEAR)).toBeCloseTo(0.076, 6);
  });

  it('adds a Coresh 2014 decline effect: a 30 % fall over two years triples the hazard; a rise does nothing', () => {
    expect(Math.exp(simulatedLogHazard(70, true, 30, 300, -0.3) - simulatedLogHazard(70, true, 30, 300, 0))).toBeCloseTo(3, 6);
    expect(simulatedLogHazard(70, true, 30, 300, 0.2)).toBe(simulatedLogHazard(70, true, 30, 300, 0));
  });

  it('in a cohort, fast progressors reach kidney failure far more often (the trajectory carries risk)', () => {
    let fast = 0; let fastKf = 0; let slow = 0; let slowKf = 0;
    for (let i = 0; i < 600; i++) {
      const p = simulatePatient({ seed: 11, index: i });
      if (p.fastProgressor) { fast++; if (p.kidneyFailureMs !== undefined) fastKf++; } else { slow++; if (p.kidneyFailureMs !== undefined) slowKf++; }
      expect(p.resources[0]!.resourceType).toBe('Patient');
    }
    expect(fastKf / fast).toBeGreaterThan(1.5 * (slowKf / slow));
  });
});
