import { ICD10_PREFIXES, SNOMED_CONDITIONS, lookupIcd10 } from './condition-concepts';
import { LOINC_TO_CONCEPT } from './observation-concepts';

// Guards against the wrong codes seen in public code (clinical-reference.md §6).
describe('condition code tables', () => {
  it('maps the SNOMED CT CKD stage codes to their stages (431857002 is stage 4, not 3 or ESRD)', () => {
    expect(SNOMED_CONDITIONS.get('431855005')).toEqual({ concepts: ['ckd'], stage: 1 });
    expect(SNOMED_CONDITIONS.get('431856006')).toEqual({ concepts: ['ckd'], stage: 2 });
    expect(SNOMED_CONDITIONS.get('433144002')).toEqual({ concepts: ['ckd'], stage: 3 });
    expect(SNOMED_CONDITIONS.get('431857002')).toEqual({ concepts: ['ckd'], stage: 4 });
    expect(SNOMED_CONDITIONS.get('433146000')).toEqual({ concepts: ['ckd'], stage: 5 });
    expect(SNOMED_CONDITIONS.get('46177005')?.concepts).toContain('esrd');
    for (const wrong of ['431857006', '431858001', '431858007']) expect(SNOMED_CONDITIONS.has(wrong)).toBe(false);
  });

  it('reads the ICD-10-CM N18.3x split and ESRD by longest prefix', () => {
    expect(lookupIcd10('N18.31')).toEqual({ concepts: ['ckd'], stage: 3.1 });
    expect(lookupIcd10('N18.32')).toEqual({ concepts: ['ckd'], stage: 3.2 });
    expect(lookupIcd10('N18.4')).toEqual({ concepts: ['ckd'], stage: 4 });
    expect(lookupIcd10('N18.6')?.concepts).toContain('esrd');
  });

  it('keeps intracranial haemorrhage (I60, I61) out of the atherosclerotic stroke concept', () => {
    expect(ICD10_PREFIXES.get('I61')?.concepts).toEqual(['haemorrhagic_stroke', 'major_bleeding']);
    expect(ICD10_PREFIXES.get('I60')?.concepts).not.toContain('stroke');
    expect(ICD10_PREFIXES.get('I63')?.concepts).toEqual(['stroke']);
  });
});

describe('LOINC eGFR codes', () => {
  it('treats both the CKD-EPI 2009 code (62238-1) and the 2021 code (98979-8) as reported eGFR only', () => {
    // Reported eGFR is used only where no creatinine exists; creatinine is recomputed with CKD-EPI 2021.
    expect(LOINC_TO_CONCEPT.get('62238-1')).toBe('egfr_reported');
    expect(LOINC_TO_CONCEPT.get('98979-8')).toBe('egfr_reported');
    expect(LOINC_TO_CONCEPT.get('2160-0')).toBe('creatinine');
    expect(LOINC_TO_CONCEPT.get('9318-7')).toBe('uacr');
    expect(LOINC_TO_CONCEPT.get('14959-1')).toBe('uacr');
  });
});

describe('malignancy (CPIC 2018 thiopurine indication)', () => {
  it('maps ICD-10 C00-C97 and not D-chapter neoplasms', () => {
    expect(lookupIcd10('C91.00')?.concepts).toEqual(['malignancy']); // acute lymphoblastic leukaemia
    expect(lookupIcd10('C50.911')?.concepts).toEqual(['malignancy']);
    expect(lookupIcd10('C97')?.concepts).toEqual(['malignancy']);
    expect(lookupIcd10('D12.6')).toBeUndefined(); // benign neoplasm of colon
    expect(SNOMED_CONDITIONS.get('91857003')?.concepts).toEqual(['malignancy']);
  });
});
