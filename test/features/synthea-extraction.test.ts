/**
 * Every shared Synthea bundle extracts without error; every feature is finite and inside its range
 * or marked missing; the data-quality report counts the data's known defects (clinical-reference §4),
 * checked against counts taken independently from the raw JSON.
 */
import { FEATURE_SET_NAMES, FEATURE_SETS } from '@prognos/contracts';
import { buildFeatureSet, extractPatientFeatures, toFeaturePayload } from '@prognos/fhir-features';
import { describeWithSharedData, readJson, syntheaBundlePaths } from '../support/shared-data';

interface RawBundle { entry: { resource: Record<string, any> }[] }

const RANGES: Record<string, [number, number]> = {
  age_years: [0, 130], egfr: [1, 200], egfr_last: [1, 200], egfr_min: [1, 200], egfr_max: [1, 200], egfr_mean: [1, 200],
  uacr_mg_g: [0, 50_000], uacr_last: [0, 50_000], albumin_g_dl: [0.5, 7], phosphate_mg_dl: [0.3, 20], bicarbonate_mmol_l: [3, 60],
  calcium_mg_dl: [2, 20], total_chol_mg_dl: [50, 1000], hdl_mg_dl: [5, 250], ldl_mg_dl: [5, 700], sbp_mmhg: [50, 300],
  bmi_kg_m2: [8, 100], hba1c_pct: [3.5, 20], potassium_mmol_l: [1.5, 10], weight_kg: [0.3, 400], creatinine_last_mg_dl: [0.1, 30],
  egfr_last_age_days: [0, 730], uacr_last_age_days: [0, 730], creatinine_last_age_days: [0, 730], egfr_count: [0, 100_000],
  egfr_slope_per_year: [-300, 300], egfr_change_from_baseline_pct: [-100, 2000], ckd_stage: [1, 5], statin_intensity: [0, 3],
  active_ingredient_count: [0, 60], drug_allergy_count: [0, 10_000], potassium_last: [1.5, 10], potassium_last_age_days: [0, 100_000],
};

function latestDate(b: RawBundle): Date {
  let max = 0;
  for (const e of b.entry) {
    const t = Date.parse(e.resource.effectiveDateTime ?? e.resource.authoredOn ?? e.resource.onsetDateTime ?? '');
    if (Number.isFinite(t) && t > max) max = t;
  }
  return new Date(max);
}

describeWithSharedData('Synthea R4 sample bundles', () => {
  const files = syntheaBundlePaths();
  const bundles = files.map((f) => readJson<RawBundle>(f));

  it('finds the 38 bundles', () => {
    expect(bundles.length).toBe(38);
  });

  it('extracts every bundle, at its last date and at a fixed date, into finite in-range or missing features', () => {
    for (const [i, b] of bundles.entries()) {
      for (const asOf of [latestDate(b), new Date('2015-01-01T00:00:00Z')]) {
        const pf = extractPatientFeatures(b, asOf);
        expect(pf.dataQuality.resourcesSeen).toBe(b.entry.length);
        for (const set of FEATURE_SET_NAMES) {
          const p = toFeaturePayload(buildFeatureSet(set, pf));
          p.names.forEach((name, k) => {
            const label = `${files[i]} ${set}.${name}`;
            const v = p.values[k];
            expect({ label, finite: Number.isFinite(v) }).toEqual({ label, finite: true });
            if (!p.present[k]) return;
            const unit = FEATURE_SETS[set].features[k].unit;
            const [lo, hi] = RANGES[name] ?? (unit === '1' ? [0, 1] : [-Infinity, Infinity]);
            expect({ label, v, ok: v >= lo && v <= hi }).toEqual({ label, v, ok: true });
            if (unit === '1' && !(name in RANGES) && name !== 'egfr_count') expect({ label, flag: v === 0 || v === 1 }).toEqual({ label, flag: true });
          });
        }
      }
    }
  });

  it("counts the 'mL/min' eGFR label defect and the implausible HbA1c values", () => {
    const farFuture = new Date('2100-01-01T00:00:00Z');
    let mlMin = 0;
    let lowA1c = 0;
    let reportedCorrected = 0;
    let reportedImplausible = 0;
    for (const b of bundles) {
      // Independent oracle from the raw JSON: distinct (time, value) eGFR results labelled 'mL/min',
      // and HbA1c results below 3.5 %.
      const seen = new Set<string>();
      for (const { resource: r } of b.entry) {
        if (r.resourceType !== 'Observation' || r.status !== 'final' || !r.valueQuantity) continue;
        const code = r.code.coding[0].code;
        if (code === '33914-3' && r.valueQuantity.unit === 'mL/min') seen.add(`${r.effectiveDateTime}|${r.valueQuantity.value}`);
        if (code === '4548-4' && r.valueQuantity.value < 3.5) lowA1c++;
      }
      mlMin += seen.size;
      const dq = extractPatientFeatures(b, farFuture).dataQuality;
      reportedCorrected += dq.corrected?.egfr_unit_label_ml_min ?? 0;
      reportedImplausible += dq.excluded.implausible_value ?? 0;
    }
    expect(mlMin).toBeGreaterThan(0);
    expect(lowA1c).toBeGreaterThan(0);
    expect(reportedCorrected).toBe(mlMin);
    expect(reportedImplausible).toBe(lowA1c);
  });

  it('uses eGFR recomputed from creatinine, never the independently drawn Synthea eGFR, when both exist', () => {
    for (const b of bundles) {
      const pf = extractPatientFeatures(b, new Date('2100-01-01T00:00:00Z'));
      const creatinineDays = new Set(pf.series.creatinine.map((p) => Math.floor(p.t / 86_400_000)));
      for (const p of pf.egfr) {
        if (creatinineDays.has(Math.floor(p.t / 86_400_000))) expect(p.derivation).toBe('computed');
      }
    }
  });

  it('maps the product-coded Synthea medications to classes', () => {
    const classes = new Set<string>();
    for (const b of bundles) {
      const asOf = latestDate(b);
      for (const m of extractPatientFeatures(b, asOf).medications) for (const c of m.classes) classes.add(c);
    }
    for (const c of ['statin', 'antiplatelet']) expect(classes.has(c) ? c : `missing ${c}`).toBe(c);
  });
});
