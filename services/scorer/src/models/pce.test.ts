import { FEATURE_SETS } from '@prognos/contracts';
import type * as ort from 'onnxruntime-node';
import { pceManifest } from './pce';
import { pceIndividualSum, pceReference, type PceInputs } from './pce-reference';
import { openBundledModel, runRows, seededRandom } from './bundled-model-runner';

let session: ort.InferenceSession;
beforeAll(async () => { session = await openBundledModel('pce'); });
afterAll(async () => { await session.release(); });

const toRow = (x: PceInputs) => [x.ageYears, x.male ? 1 : 0, x.black ? 1 : 0, x.totalCholMgDl, x.hdlMgDl, x.sbpMmHg,
  x.bpTreated ? 1 : 0, x.smoker ? 1 : 0, x.diabetes ? 1 : 0];

// Goff 2013 worked example (Table A): age 55, TC 213 mg/dL, HDL 50, untreated SBP 120, non-smoker, no diabetes.
const example = (male: boolean, black: boolean): PceInputs => ({
  ageYears: 55, male, black, totalCholMgDl: 213, hdlMgDl: 50, sbpMmHg: 120, bpTreated: false, smoker: false, diabetes: false,
});

describe('Pooled Cohort Equations ONNX bundle', () => {
  it('reads the pce feature set in contract order', () => {
    expect(pceManifest().inputs.map((i) => i.name)).toEqual(FEATURE_SETS.pce.features.map((f) => f.name));
  });

  it('reproduces the Goff 2013 worked example for all four groups within 0.1 percentage point', async () => {
    const out = await runRows(session, [example(false, false), example(false, true), example(true, false), example(true, true)].map(toRow));
    const [wf, aaf, wm, aam] = out.ascvd_10y!.map((p) => p * 100);
    expect(Math.abs(wf! - 2.1)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(aaf! - 3.0)).toBeLessThanOrEqual(0.1);
    // The guideline text says 5.3 % (from the rounded sum 60.69), the exact sum gives 5.38 %: within 0.1 pp of both.
    expect(Math.abs(wm! - 5.3)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(wm! - 5.4)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(aam! - 6.1)).toBeLessThanOrEqual(0.1);
  });

  it('has the individual sums printed in Goff 2013 Table A (AA female 86.16, White male 60.69)', () => {
    expect(Math.abs(pceIndividualSum(example(false, true)) - 86.16)).toBeLessThan(0.015);
    expect(Math.abs(pceIndividualSum(example(true, false)) - 60.69)).toBeLessThan(0.015);
  });

  it('uses the White equations when race_black is 0, whatever else the record says', async () => {
    const out = await runRows(session, [toRow(example(true, false))]);
    expect(out.ascvd_10y![0]).toBeCloseTo(pceReference(example(true, false)), 6);
  });

  it('equals the TypeScript reference within 1e-5 on 800 rows across the validated range', async () => {
    const rnd = seededRandom(42);
    const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
    const rows = Array.from({ length: 800 }, () => Array.from(Float32Array.from(toRow({
      ageYears: u(40, 79), male: rnd() < 0.5, black: rnd() < 0.5, totalCholMgDl: u(130, 320), hdlMgDl: u(20, 100),
      sbpMmHg: u(90, 200), bpTreated: rnd() < 0.5, smoker: rnd() < 0.5, diabetes: rnd() < 0.5,
    }))));
    const out = await runRows(session, rows);
    let maxErr = 0;
    rows.forEach((r, i) => {
      const ref = pceReference({
        ageYears: r[0]!, male: r[1] === 1, black: r[2] === 1, totalCholMgDl: r[3]!, hdlMgDl: r[4]!, sbpMmHg: r[5]!,
        bpTreated: r[6] === 1, smoker: r[7] === 1, diabetes: r[8] === 1,
      });
      maxErr = Math.max(maxErr, Math.abs(out.ascvd_10y![i]! - ref));
    });
    expect(maxErr).toBeLessThan(1e-5);
  });
});
