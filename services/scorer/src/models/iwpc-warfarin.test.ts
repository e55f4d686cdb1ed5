import { FEATURE_SETS } from '@prognos/contracts';
import type * as ort from 'onnxruntime-node';
import { iwpcManifest } from './iwpc-warfarin';
import { iwpcRow, iwpcWeeklyDose, type IwpcInputs } from './iwpc-warfarin-reference';
import { openBundledModel, runRows, seededRandom } from './bundled-model-runner';

let session: ort.InferenceSession;
beforeAll(async () => { session = await openBundledModel('iwpc-warfarin'); });
afterAll(async () => { await session.release(); });

const x = (o: Partial<IwpcInputs>): IwpcInputs => ({
  ageYears: 60, heightCm: 170, weightKg: 80, vkorc1: 'G/G', cyp2c9: '*1/*1', race: 'white', enzymeInducer: false, amiodarone: false, ...o,
});

describe('IWPC pharmacogenetic warfarin ONNX bundle', () => {
  it('reads the warfarin-iwpc feature set in contract order', () => {
    expect(iwpcManifest().inputs.map((i) => i.name)).toEqual(FEATURE_SETS['warfarin-iwpc'].features.map((f) => f.name));
  });

  // Hand calculations from the published coefficients (NEJM 2009;360:753, supplementary appendix):
  // A: 60 y (decade 6), 170 cm, 80 kg, VKORC1 A/G, CYP2C9 *1/*1, White:
  //    5.6044 − 0.2614·6 + 0.0087·170 + 0.0128·80 − 0.8677 = 5.6044 − 1.5684 + 1.4790 + 1.0240 − 0.8677 = 5.6713 → 32.1636 mg/week
  // B: 45 y (decade 4), 160 cm, 60 kg, A/A, *2/*3, Asian, amiodarone:
  //    5.6044 − 1.0456 + 1.3920 + 0.7680 − 1.6974 − 1.9206 − 0.1092 − 0.5503 = 2.4413 → 5.9599 mg/week
  // C: 75 y (decade 7), 185 cm, 100 kg, VKORC1 and CYP2C9 unknown, Black, enzyme inducer:
  //    5.6044 − 1.8298 + 1.6095 + 1.2800 − 0.4854 − 0.2188 − 0.2760 + 1.1816 = 6.8655 → 47.1351 mg/week
  it('reproduces hand calculations from the published coefficients', async () => {
    const out = await runRows(session, [
      iwpcRow(x({ vkorc1: 'A/G' })),
      iwpcRow(x({ ageYears: 45, heightCm: 160, weightKg: 60, vkorc1: 'A/A', cyp2c9: '*2/*3', race: 'asian', amiodarone: true })),
      iwpcRow(x({ ageYears: 75, heightCm: 185, weightKg: 100, vkorc1: 'unknown', cyp2c9: 'unknown', race: 'black', enzymeInducer: true })),
    ]);
    expect(out.weekly_dose_mg![0]).toBeCloseTo(32.16364, 3);
    expect(out.weekly_dose_mg![1]).toBeCloseTo(5.95995, 3);
    expect(out.weekly_dose_mg![2]).toBeCloseTo(47.13509, 3);
    expect(out.daily_dose_mg![0]).toBeCloseTo(32.16364 / 7, 4);
  });

  // The age term is the IWPC decade category: 59.9 years is decade 5, 60.0 is decade 6
  // (A with decade 5: 5.9327² = 35.1969 mg/week).
  it('uses the age decade category on both sides of a decade boundary', async () => {
    const out = await runRows(session, [iwpcRow(x({ ageYears: 59.9, vkorc1: 'A/G' })), iwpcRow(x({ ageYears: 60, vkorc1: 'A/G' }))]);
    expect(out.weekly_dose_mg![0]).toBeCloseTo(35.19693, 3);
    expect(out.weekly_dose_mg![1]).toBeCloseTo(32.16364, 3);
  });

  it('agrees with the independent reference within 1e-3 mg/week on 600 random patients', async () => {
    const rnd = seededRandom(12);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const rows: IwpcInputs[] = [];
    for (let i = 0; i < 600; i++) {
      rows.push({
        ageYears: 18 + rnd() * 82, heightCm: 120 + rnd() * 100, weightKg: 30 + rnd() * 220,
        vkorc1: pick(['G/G', 'A/G', 'A/A', 'unknown'] as const), cyp2c9: pick(['*1/*1', '*1/*2', '*1/*3', '*2/*2', '*2/*3', '*3/*3', 'unknown'] as const),
        race: pick(['white', 'asian', 'black', 'missing_or_mixed'] as const), enzymeInducer: rnd() < 0.1, amiodarone: rnd() < 0.1,
      });
    }
    // Float32 inputs: compare with the reference on the float32-rounded values.
    const f32 = (v: number) => Math.fround(v);
    const out = await runRows(session, rows.map(iwpcRow));
    rows.forEach((r, i) => {
      const ref = iwpcWeeklyDose({ ...r, ageYears: f32(r.ageYears), heightCm: f32(r.heightCm), weightKg: f32(r.weightKg) });
      expect(Math.abs(out.weekly_dose_mg![i]! - ref)).toBeLessThan(1e-3);
    });
  });

  it('orders the genotype effects as published: each risk genotype lowers the dose', async () => {
    const genotypes = ['*1/*1', '*1/*2', '*1/*3', '*2/*2', '*2/*3', '*3/*3'] as const;
    const out = await runRows(session, genotypes.map((c) => iwpcRow(x({ cyp2c9: c }))));
    const doses = out.weekly_dose_mg!;
    for (let i = 1; i < doses.length; i++) expect(doses[i]!).toBeLessThan(doses[i - 1]!);
  });
});
