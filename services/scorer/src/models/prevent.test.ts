import { FEATURE_SETS } from '@prognos/contracts';
import type * as ort from 'onnxruntime-node';
import { preventManifest } from './prevent';
import { preventReference, type PreventInputs } from './prevent-reference';
import { openBundledModel, runRows, seededRandom } from './bundled-model-runner';

let session: ort.InferenceSession;
beforeAll(async () => { session = await openBundledModel('prevent-base-10y'); });
afterAll(async () => { await session.release(); });

const toRow = (x: PreventInputs) => [x.ageYears, x.male ? 1 : 0, x.totalCholMgDl, x.hdlMgDl, x.sbpMmHg, x.bpTreated ? 1 : 0,
  x.statin ? 1 : 0, x.diabetes ? 1 : 0, x.smoker ? 1 : 0, x.egfr, x.bmi];

const sigmoid = (lp: number) => 1 / (1 + Math.exp(-lp));

describe('PREVENT base 10-year ONNX bundle', () => {
  it('reads the prevent feature set in contract order', () => {
    expect(preventManifest().inputs.map((i) => i.name)).toEqual(FEATURE_SETS.prevent.features.map((f) => f.name));
  });

  /*
   * Worked example 1, female, by hand from the Table S12A coefficients (clinical-reference §1.4).
   * It is also the example of Table S25 of the PREVENT supplement (total CVD 0.147) that preventr
   * (martingmayer/preventr README and man/estimate_risk.Rd) reproduces, with ASCVD 0.092 and HF 0.081
   * "from the supplemental Excel file".
   * Inputs: 50 y, TC 200 mg/dL, HDL 45, SBP 160 treated, no statin, diabetes, non-smoker, eGFR 90, BMI 35.
   *   age_c = (50−55)/10 = −0.5
   *   nonHDL_c = (200−45)·0.02586 − 3.5 = 4.0083 − 3.5 = 0.5083
   *   HDL_c = (45·0.02586 − 1.3)/0.3 = (1.1637 − 1.3)/0.3 = −0.454333
   *   sbp_lt = (min(160,110) − 110)/20 = 0;  sbp_ge = (160 − 130)/20 = 1.5
   *   bmi_lt = (min(35,30) − 25)/5 = 1;  bmi_ge = (35 − 30)/5 = 1
   *   egfr_lt = (min(90,60) − 60)/−15 = 0;  egfr_ge = (90 − 90)/−15 = 0
   * CVD:   −3.307728 + 0.7939329·−0.5 (−0.396966) + 0.0305239·0.5083 (0.015515) − 0.1606857·−0.454333 (0.073005)
   *        + 0.3600781·1.5 (0.540117) + 0.8667604 + 0.3151672 − 0.0663612·1.5 (−0.099542)
   *        − 0.0819715·(−0.5·0.5083) (0.020833) + 0.0306769·(−0.5·−0.454333) (0.006969)
   *        − 0.0946348·(−0.5·1.5) (0.070976) − 0.27057·(−0.5·1) (0.135285)          = −1.759608 → 0.146839
   * ASCVD: −3.819975 − 0.359942 + 0.059825 + 0.068688 + 0.538928 + 0.834858 + 0.226531 − 0.059364
   *        + 0.014432 + 0.007399 + 0.077699 + 0.120877                               = −2.290044 → 0.091951
   * HF:    −4.310409 + 0.8998235·−0.5 (−0.449912) + 0.3576505·1.5 (0.536476) + 1.038346
   *        − 0.0072294·1 (bmi_lt) + 0.2997706·1 (bmi_ge) + 0.3534442 − 0.0981511·1.5 (−0.147227)
   *        − 0.0946663·−0.75 (0.071000) − 0.3581041·−0.5 (0.179052) − 0.003878·−0.5 (0.001939) = −2.434749 → 0.080561
   */
  it('matches the hand-calculated female example (and preventr\'s printed 0.147 / 0.092 / 0.081)', async () => {
    const out = await runRows(session, [[50, 0, 200, 45, 160, 1, 0, 1, 0, 90, 35]]);
    expect(out.cvd_10y![0]).toBeCloseTo(sigmoid(-1.759608), 5);
    expect(out.ascvd_10y![0]).toBeCloseTo(sigmoid(-2.290044), 5);
    expect(out.hf_10y![0]).toBeCloseTo(sigmoid(-2.434749), 5);
    expect(out.cvd_10y![0]).toBeCloseTo(0.147, 3);
    expect(out.ascvd_10y![0]).toBeCloseTo(0.092, 3);
    expect(out.hf_10y![0]).toBeCloseTo(0.081, 3);
  });

  /*
   * Worked example 2, male, by hand: 60 y, TC 220, HDL 40, SBP 140 untreated, statin, no diabetes,
   * smoker, eGFR 50, BMI 28.
   *   age_c = 0.5;  nonHDL_c = 180·0.02586 − 3.5 = 1.1548;  HDL_c = (1.0344 − 1.3)/0.3 = −0.885333
   *   sbp_lt = 0;  sbp_ge = (140 − 130)/20 = 0.5;  bmi_lt = (28 − 25)/5 = 0.6;  bmi_ge = 0
   *   egfr_lt = (50 − 60)/−15 = 0.666667;  egfr_ge = (60 − 90)/−15 = 2
   * CVD:   −3.031168 + 0.384426 (age) + 0.085013 (nonHDL) + 0.084499 (HDL) + 0.168133 (sbp_ge) + 0.438687 (smoking)
   *        + 0.358599 (egfr_lt) + 0.032965 (egfr_ge) − 0.133735 (statin) + 0.150273·1.1548 (0.173535)
   *        − 0.0517874·0.5774 (−0.029902) + 0.0191169·−0.442667 (−0.008462) − 0.1049477·0.25 (−0.026237)
   *        − 0.0895067·0.5 (−0.044753) − 0.1543702·0.333333 (−0.051457)                 = −1.599856 → 0.168002
   * ASCVD: −3.500655 + 0.354992 + 0.191542 + 0.101307 + 0.161999 + 0.395697 + 0.246005 + 0.040724
   *        − 0.086558 + 0.132297 − 0.017322 − 0.010303 − 0.023176 − 0.048526 − 0.040569 = −2.102545 → 0.108850
   * HF:    −3.946391 + 0.448632 (age) + 0.181723 (sbp_ge) + 0.502374 (smoking) − 0.0485841·0.6 (−0.029150)
   *        + 0.461794 (egfr_lt) + 0.050365 (egfr_ge) − 0.032230 (age·sbp_ge) − 0.070084 (age·smoking)
   *        − 0.059926 (age·egfr_lt)                                                       = −2.492893 → 0.076358
   */
  it('matches the hand-calculated male example', async () => {
    const out = await runRows(session, [[60, 1, 220, 40, 140, 0, 1, 0, 1, 50, 28]]);
    expect(out.cvd_10y![0]).toBeCloseTo(0.168002, 5);
    expect(out.ascvd_10y![0]).toBeCloseTo(0.108850, 5);
    expect(out.hf_10y![0]).toBeCloseTo(0.076358, 5);
  });

  it('equals the TypeScript reference within 1e-5 on 800 rows across the validated range', async () => {
    const rnd = seededRandom(7);
    const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
    const rows = Array.from({ length: 800 }, () => Array.from(Float32Array.from(toRow({
      ageYears: u(30, 79), male: rnd() < 0.5, totalCholMgDl: u(130, 320), hdlMgDl: u(20, 100), sbpMmHg: u(90, 180),
      bpTreated: rnd() < 0.5, statin: rnd() < 0.5, diabetes: rnd() < 0.5, smoker: rnd() < 0.5, egfr: u(15, 140), bmi: u(18.5, 39.9),
    }))));
    const out = await runRows(session, rows);
    let maxErr = 0;
    rows.forEach((r, i) => {
      const ref = preventReference({
        ageYears: r[0]!, male: r[1] === 1, totalCholMgDl: r[2]!, hdlMgDl: r[3]!, sbpMmHg: r[4]!, bpTreated: r[5] === 1,
        statin: r[6] === 1, diabetes: r[7] === 1, smoker: r[8] === 1, egfr: r[9]!, bmi: r[10]!,
      });
      maxErr = Math.max(maxErr, Math.abs(out.cvd_10y![i]! - ref.cvd), Math.abs(out.ascvd_10y![i]! - ref.ascvd), Math.abs(out.hf_10y![i]! - ref.hf));
    });
    expect(maxErr).toBeLessThan(1e-5);
  });
});
