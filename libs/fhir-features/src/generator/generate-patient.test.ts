import type { Observation } from '@medplum/fhirtypes';
import { buildFeatureSet } from '../build-feature-set';
import { ckdEpi2021 } from '../ckd-epi-2021';
import { extractPatientFeatures } from '../extract-patient-features';
import { MS_PER_YEAR } from '../fhir-read';
import { DEFAULT_GENERATOR_AS_OF, generatePatient, PATIENT_PROFILES, planPatient, plannedAcr, plannedEgfr, type PatientProfile } from './generate-patient';

const AS_OF = DEFAULT_GENERATOR_AS_OF;
const valueOf = (set: Parameters<typeof buildFeatureSet>[0], name: string, seed: number, profile: PatientProfile, size = 400): number | null => {
  const v = buildFeatureSet(set, extractPatientFeatures(generatePatient({ seed, profile, targetResources: size }), AS_OF));
  const i = v.names.indexOf(name);
  return v.present[i] ? v.values[i] : null;
};

describe('generatePatient', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify(generatePatient({ seed: 7, targetResources: 500 }));
    expect(JSON.stringify(generatePatient({ seed: 7, targetResources: 500 }))).toBe(a);
    expect(JSON.stringify(generatePatient({ seed: 8, targetResources: 500 }))).not.toBe(a);
  });

  it.each([50, 100, 1000, 5000, 20000])('produces exactly %p resources', (size) => {
    const b = generatePatient({ seed: size, profile: 'af-hf', targetResources: size });
    expect(b.entry).toHaveLength(size);
  });

  it('clamps sizes to 50..20000', () => {
    expect(generatePatient({ seed: 1, targetResources: 3 }).entry).toHaveLength(50);
  });

  it('uses obviously synthetic names and identifiers', () => {
    const p = generatePatient({ seed: 3 }).entry![0].resource as { name: { family: string }[]; identifier: { value: string }[] };
    expect(p.name[0].family).toBe('Synthetic');
    expect(p.identifier[0].value).toBe('SYN-3');
  });

  it('writes creatinine that recomputes (CKD-EPI 2021) to the intended eGFR trajectory', () => {
    for (const profile of PATIENT_PROFILES) {
      const seed = 11;
      const plan = planPatient({ seed, profile, targetResources: 600 });
      const bundle = generatePatient({ seed, profile, targetResources: 600, noise: false });
      let checked = 0;
      for (const e of bundle.entry ?? []) {
        const o = e.resource as Observation;
        if (o.resourceType !== 'Observation' || !['2160-0', '14682-9'].includes(o.code?.coding?.[0]?.code ?? '')) continue;
        const t = Date.parse(o.effectiveDateTime!);
        const age = (t - plan.birthMs) / MS_PER_YEAR;
        if (age < 18) continue;
        const q = o.valueQuantity!;
        const mgdl = q.unit === 'umol/L' ? q.value! / 88.4 : q.value!;
        // Rounding to 0.01 mg/dL or 1 umol/L moves eGFR by < 3 %.
        expect(Math.abs(ckdEpi2021(mgdl, age, plan.sex) / plannedEgfr(plan, t) - 1)).toBeLessThan(0.03);
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    }
  });

  it('lets the extractor recover the planned slope from noisy data', () => {
    const plan = planPatient({ seed: 5, profile: 'ckd-g4-a3', targetResources: 2000 });
    const slope = valueOf('egfr-trajectory', 'egfr_slope_per_year', 5, 'ckd-g4-a3', 2000);
    expect(slope).not.toBeNull();
    expect(Math.abs(slope! - plan.egfrSlopePerYear)).toBeLessThan(1);
  });

  it('covers CKD G3b/G4 with ACR > 300 mg/g, T2D, SGLT2i, ARB and a high-intensity statin', () => {
    for (const seed of [1, 2, 3]) {
      const pf = extractPatientFeatures(generatePatient({ seed, profile: 'ckd-g3b-a3-t2d', targetResources: 300 }), AS_OF);
      const v = buildFeatureSet('clinical-context', pf);
      const get = (n: string): number => v.values[v.names.indexOf(n)];
      const kfre = buildFeatureSet('kfre-4var', pf);
      expect(kfre.values[2]).toBeGreaterThanOrEqual(28);
      expect(kfre.values[2]).toBeLessThan(46);
      expect(kfre.values[3]).toBeGreaterThan(300);
      expect([get('type2_diabetes'), get('on_sglt2i'), get('on_arb'), get('statin_intensity'), get('ckd_stage')]).toEqual([1, 1, 1, 3, Math.fround(3.2)]);
    }
    const g4 = buildFeatureSet('kfre-4var', extractPatientFeatures(generatePatient({ seed: 9, profile: 'ckd-g4-a3' }), AS_OF));
    expect(g4.values[2]).toBeLessThan(31);
    expect(plannedAcr(planPatient({ seed: 9, profile: 'ckd-g4-a3' }), AS_OF.getTime())).toBeGreaterThan(300);
  });

  it('gives AF/HF patients an anticoagulant and HF therapy', () => {
    for (const seed of [1, 2, 3, 4]) {
      const doac = valueOf('clinical-context', 'on_doac', seed, 'af-hf');
      const warfarin = valueOf('clinical-context', 'on_warfarin', seed, 'af-hf');
      expect(doac! + warfarin!).toBe(1);
      expect(valueOf('clinical-context', 'atrial_fibrillation', seed, 'af-hf')).toBe(1);
    }
  });

  it('reports a share of results in SI units that the extractor converts back', () => {
    const b = generatePatient({ seed: 21, profile: 't2d-ckd-g3a', targetResources: 1500, siShare: 0.5 });
    const units = new Set((b.entry ?? []).map((e) => (e.resource as Observation).valueQuantity?.unit).filter(Boolean));
    for (const u of ['umol/L', 'mmol/L', 'mg/mmol', 'mmol/mol', 'g/L']) expect(units.has(u) ? u : `missing ${u}`).toBe(u);
    const pf = extractPatientFeatures(b, AS_OF);
    expect(pf.dataQuality.excluded).toEqual({});
    expect(pf.series.uacr.every((p) => p.value > 5 && p.value < 1000)).toBe(true);
  });
});

describe('pharmacogenomic profile', () => {
  it('files a CPIC-frequency genotype panel that the extractor reads (pgx profile always; others sometimes)', () => {
    const withPanel = [1, 2, 3, 4, 5].map((seed) => generatePatient({ seed, profile: 'pgx', targetResources: 200 }));
    for (const b of withPanel) {
      expect(b.entry).toHaveLength(200);
      const pf = extractPatientFeatures(b, new Date('2025-06-30T00:00:00Z'));
      for (const gene of ['CYP2C19', 'CYP2D6', 'CYP2C9', 'SLCO1B1', 'TPMT', 'NUDT15', 'DPYD', 'VKORC1', 'HLA-B'] as const) {
        expect({ gene, present: pf.genomics[gene] !== undefined }).toEqual({ gene, present: true });
      }
      expect(pf.genomics.VKORC1?.altCount).toBeGreaterThanOrEqual(0);
      expect(pf.genomics.CYP2C19?.call.phenotype).not.toBe('indeterminate');
    }
    const others = Array.from({ length: 40 }, (_, i) => generatePatient({ seed: 100 + i, targetResources: 80 }));
    const genotyped = others.filter((b) => (b.entry ?? []).some((e) => JSON.stringify(e.resource).includes('84413-4'))).length;
    expect(genotyped).toBeGreaterThan(2);
    expect(genotyped).toBeLessThan(25);
  });
});
