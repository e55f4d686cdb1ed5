import { FEATURE_SETS } from '@prognos/contracts';
import type * as ort from 'onnxruntime-node';
import { kfreManifest, type KfreRegion, type KfreVariant } from './kfre';
import { kfreReference, type KfreInputs } from './kfre-reference';
import { openBundledModel, runRows, seededRandom } from './bundled-model-runner';

const VARIANTS: [KfreVariant, KfreRegion][] = [['4var', 'na'], ['4var', 'other'], ['8var', 'na'], ['8var', 'other']];
const sessions = new Map<string, ort.InferenceSession>();

beforeAll(async () => {
  for (const [v, r] of VARIANTS) sessions.set(`${v}-${r}`, await openBundledModel(`kfre-${v}-${r}`));
});
afterAll(async () => { for (const s of sessions.values()) await s.release(); });

function row(variant: KfreVariant, x: KfreInputs): number[] {
  const base = [x.ageYears, x.male ? 1 : 0, x.egfr, x.uacrMgG];
  return variant === '4var' ? base : [...base, x.albuminGDl!, x.phosphateMgDl!, x.bicarbonateMmolL!, x.calciumMgDl!];
}

describe('KFRE ONNX bundles', () => {
  it('read the kfre feature sets in contract order', () => {
    expect(kfreManifest('4var', 'na').inputs.map((i) => i.name)).toEqual(FEATURE_SETS['kfre-4var'].features.map((f) => f.name));
    expect(kfreManifest('8var', 'other').inputs.map((i) => i.name)).toEqual(FEATURE_SETS['kfre-8var'].features.map((f) => f.name));
  });

  // Oracle: lshpaner/kfre README (clinical-reference §1.1): 57.28-year-old female, non-North-American,
  // eGFR 15, ACR 1762.00184 mg/g, 4-variable → 2-year 44.66 %, 5-year 89.89 %.
  it('reproduces the published 4-variable non-North-American example (44.66 % / 89.89 %)', async () => {
    const out = await runRows(sessions.get('4var-other')!, [[57.28, 0, 15, 1762.00184]]);
    expect(Math.abs(out.risk_2y![0]! - 0.4466)).toBeLessThan(0.00005);
    expect(Math.abs(out.risk_5y![0]! - 0.8989)).toBeLessThan(0.00005);
  });

  // Same patient, North-American S0 (0.9750 / 0.9240), by hand:
  //   LP = −0.2201·(5.728 − 7.036) + 0.2467·(0 − 0.5642) − 0.5567·(15/5 − 7.222) + 0.4510·(ln 1762.00184 − 5.137)
  //      = 0.287891 − 0.139188 + 2.350387 + 0.4510·(7.474206 − 5.137 = 2.337206 → 1.054080) = 3.553170
  //   exp(LP) = 34.9238;  2 y: 1 − 0.9750^34.9238 = 0.586954;  5 y: 1 − 0.9240^34.9238 = 0.936739
  it('applies the North-American baseline survival to the same linear predictor', async () => {
    const out = await runRows(sessions.get('4var-na')!, [[57.28, 0, 15, 1762.00184]]);
    expect(out.risk_2y![0]).toBeCloseTo(0.586954, 5);
    expect(out.risk_5y![0]).toBeCloseTo(0.936739, 5);
  });

  // 8-variable, by hand: male 65 y, eGFR 30, ACR 500 mg/g, albumin 3.8 g/dL, phosphate 4.2 mg/dL,
  // bicarbonate 22 mmol/L, calcium 9.0 mg/dL:
  //   −0.1992·(6.5 − 7.036)   =  0.106771     0.1602·(1 − 0.5642)      = 0.069815
  //   −0.4919·(30/5 − 7.222)  =  0.601102     0.3364·(ln 500 = 6.214608 − 5.137) = 0.362507
  //   −0.3441·(3.8 − 3.997)   =  0.067788     0.2604·(4.2 − 3.916)     = 0.073954
  //   −0.07354·(22 − 25.57)   =  0.262538    −0.2228·(9.0 − 9.355)     = 0.079094
  //   LP = 1.623569, exp(LP) = 5.071155
  //   NA:    2 y 1 − 0.9780^5.071155 = 0.106680;  5 y 1 − 0.9301^5.071155 = 0.307517
  //   other: 2 y 1 − 0.9827^5.071155 = 0.084696;  5 y 1 − 0.9245^5.071155 = 0.328403
  it('matches a hand-calculated 8-variable example for both regions', async () => {
    const r = [[65, 1, 30, 500, 3.8, 4.2, 22, 9.0]];
    const na = await runRows(sessions.get('8var-na')!, r);
    const other = await runRows(sessions.get('8var-other')!, r);
    expect(na.risk_2y![0]).toBeCloseTo(0.106680, 5);
    expect(na.risk_5y![0]).toBeCloseTo(0.307517, 5);
    expect(other.risk_2y![0]).toBeCloseTo(0.084696, 5);
    expect(other.risk_5y![0]).toBeCloseTo(0.328403, 5);
  });

  it.each(VARIANTS)('equals the TypeScript reference within 1e-5 on 500 rows across the validated range (%s, %s)', async (variant, region) => {
    const rnd = seededRandom(variant === '4var' ? 11 : 13);
    const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
    const patients: KfreInputs[] = Array.from({ length: 500 }, () => ({
      ageYears: u(18, 100), male: rnd() < 0.5, egfr: u(10, 60), uacrMgG: Math.exp(u(Math.log(1), Math.log(5000))),
      albuminGDl: u(2, 5), phosphateMgDl: u(2, 8), bicarbonateMmolL: u(12, 32), calciumMgDl: u(7, 11),
    }));
    // The ONNX input is float32: give the reference the same rounded values.
    const rows = patients.map((p) => Array.from(Float32Array.from(row(variant, p))));
    const out = await runRows(sessions.get(`${variant}-${region}`)!, rows);
    let maxErr = 0;
    rows.forEach((r, i) => {
      const ref = kfreReference(variant, region, {
        ageYears: r[0]!, male: r[1] === 1, egfr: r[2]!, uacrMgG: r[3]!,
        albuminGDl: r[4], phosphateMgDl: r[5], bicarbonateMmolL: r[6], calciumMgDl: r[7],
      });
      maxErr = Math.max(maxErr, Math.abs(out.risk_2y![i]! - ref.risk2y), Math.abs(out.risk_5y![i]! - ref.risk5y));
    });
    expect(maxErr).toBeLessThan(1e-5);
  });
});
