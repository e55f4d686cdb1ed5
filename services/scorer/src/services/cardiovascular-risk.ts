/**
 * `cardiovascular-risk` (patient-view): Pooled Cohort Equations and PREVENT 10-year risks and the
 * ACC/AHA statin rules (2018 cholesterol guideline, Figure 2; 2019 primary prevention guideline),
 * as summarised in clinical-reference.md §2:
 * - Clinical ASCVD: secondary prevention, high-intensity statin (Class I) when no statin is active
 *   (age > 75: moderate or high intensity reasonable, IIa). No primary-prevention card.
 * - LDL-C >= 190 mg/dL (age 20-75): high-intensity statin without risk assessment (I).
 * - Diabetes, age 40-75: moderate-intensity statin (I).
 * - Age 40-75, LDL-C 70-189 mg/dL, no diabetes, by PCE 10-year ASCVD risk:
 *   < 5% low (lifestyle), 5 to < 7.5% borderline (moderate intensity if risk enhancers, IIb),
 *   7.5 to < 20% intermediate (moderate intensity, I), >= 20% high (high intensity, I).
 * Every statin card is skipped when a statin is active. PREVENT is shown alongside; the bands are
 * defined on PCE only.
 */
import type { CardDraft, ScoringInput, SuggestionDraft } from '@prognos/contracts';
import type { CardBuildContext, CardBuildResult, ClinicalService, ModelRun } from '../clinical-service';
import type { ScorerConfig } from '../config';
import { SOURCES, completedYears, describeInputs, formatNumber, formatPercent, markdown, newCard, newSuggestion, section, type InputLine } from './card-kit';
import { DRUGS, OUTCOMES } from './codes';
import { unknownMedicationCard } from './medication-unknown';
import { viewFeatureSet } from './feature-view';
import { createMedicationAction, createRiskAssessmentAction, horizonOf, type OutcomeConcept } from './fhir-resources';
import { ACTIVE_MEDICATIONS, CONDITIONS, LOINC, PATIENT, observations } from './prefetch';
import { computedOutput, modelTitle, notComputedReasons, type ComputedPrediction } from './predictions';

export const CARDIOVASCULAR_RISK_ID = 'cardiovascular-risk';

/** ACC/AHA 2019 risk bands on PCE 10-year ASCVD risk. */
export const RISK_BANDS = { borderline: 0.05, intermediate: 0.075, high: 0.2 } as const;
export const LDL_SEVERE_MG_DL = 190;
export const LDL_MIN_PRIMARY_MG_DL = 70;
/**
 * Diabetes 40-75: PCE 10-year risk from which a high-intensity statin is offered beside the moderate
 * one (2018 AHA/ACC: "multiple ASCVD risk factors" → high intensity reasonable, IIa; 20% is the
 * guideline's high-risk band).
 */
export const HIGH_RISK_DIABETES = RISK_BANDS.high;

export type RiskBand = 'low' | 'borderline' | 'intermediate' | 'high';

export function riskBand(risk: number): RiskBand {
  if (risk >= RISK_BANDS.high) return 'high';
  if (risk >= RISK_BANDS.intermediate) return 'intermediate';
  if (risk >= RISK_BANDS.borderline) return 'borderline';
  return 'low';
}

function modelRuns(input: ScoringInput): ModelRun[] {
  const ctx = viewFeatureSet(input, 'clinical-context');
  // The risk equations are for primary prevention only.
  if (ctx.flag('ascvd')) return [];
  return [{ modelId: 'pce', featureSet: 'pce' }, { modelId: 'prevent-base-10y', featureSet: 'prevent' }];
}

const PREVENT_OUTCOMES: Record<string, OutcomeConcept> = {
  cvd_10y: OUTCOMES.cvdPrevent, ascvd_10y: OUTCOMES.ascvdPrevent, hf_10y: OUTCOMES.hfPrevent,
};

function raSuggestion(modelId: string, records: ComputedPrediction[], outcomes: Record<string, OutcomeConcept>, asOf: string): SuggestionDraft {
  return newSuggestion({
    label: `File ${modelTitle(modelId)} risk assessment in the record`,
    actions: [createRiskAssessmentAction({
      modelId, modelVersion: records[0]!.modelVersion, modelTitle: modelTitle(modelId), asOf,
      predictions: records.map((record) => ({ record, outcome: outcomes[record.output]!, horizonYears: horizonOf(record) ?? 10 })),
    })],
  });
}

function statinSuggestion(intensity: 'high' | 'moderate', reason: string, recommended = true): SuggestionDraft {
  const drug = intensity === 'high' ? DRUGS.atorvastatin80 : DRUGS.simvastatin20;
  return newSuggestion({
    label: `Order ${drug.display}, ${drug.sig} (${intensity}-intensity statin)`,
    isRecommended: recommended,
    actions: [createMedicationAction(drug, reason)],
  });
}

function buildCards(bctx: CardBuildContext): CardBuildResult {
  const { input, predictions } = bctx;
  const ctx = viewFeatureSet(input, 'clinical-context');
  const pceSet = viewFeatureSet(input, 'pce');
  // Guideline age bands ("40-75", "older than 75") are in completed years, as the card shows the age.
  const rawAge = ctx.get('age_years');
  const age = rawAge === undefined ? undefined : completedYears(rawAge);
  const ldl = ctx.get('ldl_mg_dl');
  const statinKnown = ctx.known('on_statin');
  const onStatin = ctx.flag('on_statin');
  const cards: CardDraft[] = [];

  if (ctx.flag('ascvd')) {
    if (!statinKnown) {
      cards.push(unknownMedicationCard({ kind: 'cv.statin-medication-unknown', therapy: 'a statin', indication: 'Clinical ASCVD', view: ctx, flags: ['on_statin'], source: SOURCES.accAha2018 }));
    } else if (!onStatin) {
      const older = age !== undefined && age > 75;
      const { used } = describeInputs([
        { view: ctx, name: 'ascvd', label: 'Clinical ASCVD', flag: true },
        { view: ctx, name: 'age_years', label: 'Age', digits: 0 },
        { view: ctx, name: 'ldl_mg_dl', label: 'LDL cholesterol', digits: 0 },
        { view: ctx, name: 'on_statin', label: 'Statin active', flag: true },
      ]);
      cards.push(newCard({
        kind: 'cv.secondary-prevention-statin',
        // > 75 years the guideline only says "reasonable" (IIa): the summary must not say "recommended".
        summary: older
          ? 'Clinical ASCVD, age > 75, no statin: moderate- or high-intensity statin is reasonable (ACC/AHA 2018, IIa)'
          : 'Clinical ASCVD and no statin: high-intensity statin recommended (ACC/AHA 2018, Class I)',
        indicator: older ? 'info' : 'warning', // Class I → warning; IIa (reasonable) → info, as for the other IIa/IIb cards.
        source: SOURCES.accAha2018,
        detail: markdown([
          older
            ? '2018 AHA/ACC cholesterol guideline (secondary prevention): in patients older than 75 with clinical ASCVD, initiating moderate- or high-intensity statin therapy is reasonable after weighing benefit, adverse effects, drug interactions and patient preference (IIa).'
            : '2018 AHA/ACC cholesterol guideline (secondary prevention): in patients 75 or younger with clinical ASCVD, start high-intensity statin therapy to lower LDL-C by 50% or more (Class I).',
          'Risk equations (PCE, PREVENT) are not used in secondary prevention. No statin is active in the record.',
          section('Inputs used', used),
        ]),
        suggestions: older
          ? [statinSuggestion('moderate', 'Clinical ASCVD (secondary prevention)', false), statinSuggestion('high', 'Clinical ASCVD (secondary prevention)', false)]
          : [statinSuggestion('high', 'Clinical ASCVD (secondary prevention)')],
      }));
    }
    return { cards };
  }

  const pce = computedOutput(predictions, 'pce', 'ascvd_10y');
  const prevent = ['cvd_10y', 'ascvd_10y', 'hf_10y']
    .map((o) => computedOutput(predictions, 'prevent-base-10y', o))
    .filter((p): p is ComputedPrediction => p !== undefined);
  const preventBy = (o: string) => prevent.find((p) => p.output === o);
  const band = pce ? riskBand(pce.value) : undefined;

  const inputLines: InputLine[] = [
    { view: pceSet, name: 'age_years', label: 'Age', digits: 0 },
    { view: pceSet, name: 'sex_male', label: 'Male sex', flag: true },
    { view: pceSet, name: 'race_black', label: 'Black race (PCE equation choice)', flag: true },
    { view: pceSet, name: 'total_chol_mg_dl', label: 'Total cholesterol', digits: 0 },
    { view: pceSet, name: 'hdl_mg_dl', label: 'HDL cholesterol', digits: 0 },
    { view: pceSet, name: 'sbp_mmhg', label: 'Systolic blood pressure', digits: 0 },
    { view: pceSet, name: 'bp_treated', label: 'Treated for hypertension', flag: true },
    { view: pceSet, name: 'smoker', label: 'Current smoker', flag: true },
    { view: pceSet, name: 'diabetes', label: 'Diabetes', flag: true },
    { view: viewFeatureSet(input, 'prevent'), name: 'egfr', label: 'eGFR (PREVENT)', digits: 0 },
    { view: viewFeatureSet(input, 'prevent'), name: 'bmi_kg_m2', label: 'BMI (PREVENT)', digits: 1 },
    { view: ctx, name: 'ldl_mg_dl', label: 'LDL cholesterol', digits: 0 },
  ];
  const { used, missing } = describeInputs(inputLines);
  const excluded = [
    ...notComputedReasons(predictions, 'pce').map((r) => `- PCE not computed: ${r}`),
    ...notComputedReasons(predictions, 'prevent-base-10y').map((r) => `- PREVENT not computed: ${r}`),
  ];

  if (pce || prevent.length > 0) {
    const parts: string[] = [];
    if (pce) parts.push(`10-year ASCVD risk ${formatPercent(pce.value)} (PCE, ${band})`);
    const pCvd = preventBy('cvd_10y');
    const pHf = preventBy('hf_10y');
    const pAscvd = preventBy('ascvd_10y');
    if (pCvd) parts.push(`PREVENT CVD ${formatPercent(pCvd.value)}`);
    if (!pce && pAscvd) parts.push(`ASCVD ${formatPercent(pAscvd.value)}`);
    if (pHf) parts.push(`HF ${formatPercent(pHf.value)}`);
    const suggestions: SuggestionDraft[] = [];
    if (pce) suggestions.push(raSuggestion('pce', [pce], { ascvd_10y: OUTCOMES.ascvdPce }, input.asOf));
    if (prevent.length > 0) suggestions.push(raSuggestion('prevent-base-10y', prevent, PREVENT_OUTCOMES, input.asOf));
    const results: string[] = [];
    if (pce) results.push(`- ${modelTitle('pce')} v${pce.modelVersion}: 10-year hard ASCVD risk ${formatPercent(pce.value)} (${band} risk band, ACC/AHA 2019)`);
    for (const p of prevent) results.push(`- ${modelTitle('prevent-base-10y')} v${p.modelVersion}: ${p.output.replace('_10y', '').toUpperCase()} 10-year risk ${formatPercent(p.value)}`);
    cards.push(newCard({
      kind: 'cv.risk',
      summary: parts.join('; '),
      indicator: 'info',
      source: pce ? SOURCES.pce : SOURCES.prevent,
      detail: markdown([
        section('Results', results),
        section('Inputs used', used),
        section('Missing or excluded', [...missing, ...excluded, ...(onStatin ? ['- Statin active: statin initiation rules skipped'] : [])]),
        'PCE: Goff 2013 (ACC/AHA), valid age 40-79. PREVENT: Khan 2024 (AHA), base model, age 30-79. Risk bands and statin rules: 2019 ACC/AHA primary prevention guideline (bands are defined on PCE).',
      ]),
      suggestions,
      selectionBehavior: 'any',
      overrideReasons: false,
    }));
  }

  if (!statinKnown) {
    // Unknown statin status (unidentified medicines): say so where a statin would be considered.
    const diabetic = ctx.flag('type2_diabetes') || pceSet.flag('diabetes');
    const why = ldl !== undefined && ldl >= LDL_SEVERE_MG_DL ? `LDL-C ${formatNumber(ldl, 0)} mg/dL`
      : diabetic && age !== undefined && age >= 40 && age <= 75 ? 'Diabetes, age 40-75'
        : pce && pce.value >= 0.075 ? `10-year ASCVD risk ${formatPercent(pce.value)}` : undefined;
    if (why) cards.push(unknownMedicationCard({ kind: 'cv.statin-medication-unknown', therapy: 'a statin', indication: why, view: ctx, flags: ['on_statin'], source: SOURCES.accAha2018 }));
    return { cards };
  }
  if (onStatin) return { cards };

  const diabetes = ctx.flag('type2_diabetes') || pceSet.flag('diabetes');
  const statinInputs = describeInputs([
    { view: ctx, name: 'age_years', label: 'Age', digits: 0 },
    { view: ctx, name: 'ldl_mg_dl', label: 'LDL cholesterol', digits: 0 },
    { view: ctx, name: 'type2_diabetes', label: 'Type 2 diabetes', flag: true },
    { view: ctx, name: 'on_statin', label: 'Statin active', flag: true },
  ]).used;
  const riskLine = pce ? `PCE 10-year ASCVD risk ${formatPercent(pce.value)} (${band}).` : undefined;

  if (ldl !== undefined && ldl >= LDL_SEVERE_MG_DL && age !== undefined && age >= 20 && age <= 75) {
    cards.push(newCard({
      kind: 'cv.statin-ldl-190',
      summary: `LDL-C ${formatNumber(ldl, 0)} mg/dL ≥ 190 and no statin: high-intensity statin (ACC/AHA 2018, Class I)`,
      indicator: 'warning',
      source: SOURCES.accAha2018,
      detail: markdown([
        '2018 AHA/ACC cholesterol guideline: in adults 20-75 with LDL-C ≥ 190 mg/dL (4.9 mmol/L), start maximally tolerated (high-intensity) statin therapy without calculating 10-year risk (Class I). Evaluate for familial hypercholesterolaemia and secondary causes.',
        riskLine,
        section('Inputs used', statinInputs),
      ]),
      suggestions: [statinSuggestion('high', `LDL-C ${formatNumber(ldl, 0)} mg/dL (severe hypercholesterolaemia)`)],
    }));
    return { cards };
  }

  const diabetesHighRisk = pce?.value !== undefined && pce.value >= HIGH_RISK_DIABETES;
  if (diabetes && age !== undefined && age >= 40 && age <= 75) {
    cards.push(newCard({
      kind: 'cv.statin-diabetes',
      summary: `Diabetes, age ${formatNumber(age, 0)}, no statin: moderate-intensity statin (ACC/AHA 2018, Class I)`,
      indicator: 'warning',
      source: SOURCES.accAha2018,
      detail: markdown([
        '2018 AHA/ACC cholesterol guideline: in adults 40-75 with diabetes mellitus, start moderate-intensity statin therapy regardless of 10-year ASCVD risk (Class I). With multiple ASCVD risk factors, high-intensity statin therapy to lower LDL-C by 50% or more is reasonable (IIa).',
        riskLine,
        section('Inputs used', statinInputs),
      ]),
      suggestions: [
        statinSuggestion('moderate', 'Diabetes mellitus, age 40-75 (primary prevention)'),
        // 2018 AHA/ACC: with diabetes and multiple ASCVD risk factors, high intensity is reasonable
        // (IIa). A PCE 10-year risk >= 20% is taken as that marker; offered, not pre-selected.
        ...(diabetesHighRisk
          ? [statinSuggestion('high', `Diabetes mellitus with 10-year ASCVD risk ${formatPercent(pce!.value)} (PCE; IIa)`, false)]
          : []),
      ],
    }));
    return { cards };
  }

  const primaryEligible = age !== undefined && age >= 40 && age <= 75 && !diabetes
    && ldl !== undefined && ldl >= LDL_MIN_PRIMARY_MG_DL && ldl < LDL_SEVERE_MG_DL;
  if (!pce || !band || !primaryEligible || band === 'low') return { cards };

  const pct = formatPercent(pce.value);
  if (band === 'borderline') {
    cards.push(newCard({
      kind: 'cv.statin-borderline',
      summary: `Borderline 10-year ASCVD risk ${pct} (PCE): consider a statin if risk enhancers are present (IIb)`,
      indicator: 'info',
      source: SOURCES.accAha2019,
      detail: markdown([
        '2019 ACC/AHA primary prevention guideline: 10-year risk 5% to < 7.5% (borderline). If risk-enhancing factors are present (e.g. family history of premature ASCVD, LDL-C ≥ 160 mg/dL, CKD, metabolic syndrome, inflammatory disease, elevated Lp(a) or apoB), discuss moderate-intensity statin therapy (IIb).',
        section('Inputs used', statinInputs),
      ]),
      suggestions: [statinSuggestion('moderate', `Borderline 10-year ASCVD risk ${pct} with risk enhancers`, false)],
    }));
  } else if (band === 'intermediate') {
    cards.push(newCard({
      kind: 'cv.statin-intermediate',
      summary: `Intermediate 10-year ASCVD risk ${pct} (PCE) and no statin: moderate-intensity statin (Class I)`,
      indicator: 'warning',
      source: SOURCES.accAha2019,
      detail: markdown([
        '2019 ACC/AHA primary prevention guideline: 10-year risk 7.5% to < 20% (intermediate). After a clinician-patient risk discussion, start moderate-intensity statin therapy to reduce LDL-C by 30-49% (Class I). If the decision is uncertain, a coronary artery calcium score can refine it (CAC 0: statin may be withheld).',
        section('Inputs used', statinInputs),
      ]),
      suggestions: [statinSuggestion('moderate', `Intermediate 10-year ASCVD risk ${pct} (PCE)`)],
    }));
  } else {
    cards.push(newCard({
      kind: 'cv.statin-high',
      summary: `High 10-year ASCVD risk ${pct} (PCE) and no statin: high-intensity statin (Class I)`,
      indicator: 'warning',
      source: SOURCES.accAha2019,
      detail: markdown([
        '2019 ACC/AHA primary prevention guideline: 10-year risk ≥ 20% (high). Start statin therapy to reduce LDL-C by 50% or more (high intensity, Class I).',
        section('Inputs used', statinInputs),
      ]),
      suggestions: [statinSuggestion('high', `High 10-year ASCVD risk ${pct} (PCE)`)],
    }));
  }
  return { cards };
}

export const cardiovascularRiskService: ClinicalService = {
  descriptor: {
    id: CARDIOVASCULAR_RISK_ID,
    hook: 'patient-view',
    title: 'Cardiovascular risk: PCE and PREVENT 10-year risk, ACC/AHA statin therapy',
    description: 'Pooled Cohort Equations and AHA PREVENT 10-year risks, and ACC/AHA 2018/2019 statin recommendations (risk band, LDL-C ≥ 190 mg/dL, diabetes age 40-75, secondary prevention) when no statin is active.',
    prefetch: {
      patient: PATIENT,
      cardiometabolicLabs: observations([...LOINC.lipids, ...LOINC.creatinine, ...LOINC.egfr, ...LOINC.hba1c]),
      vitals: observations([...LOINC.bloodPressure, ...LOINC.body, ...LOINC.smoking], 100),
      conditions: CONDITIONS,
      medications: ACTIVE_MEDICATIONS,
    },
    requiredPrefetch: ['patient', 'cardiometabolicLabs', 'vitals', 'conditions', 'medications'],
    featureSets: ['pce', 'prevent', 'clinical-context'],
    usesDraftOrders: false,
    models: ['pce', 'prevent-base-10y'],
    origin: 'bundled',
  },
  modelRuns: (input: ScoringInput, _config: ScorerConfig) => modelRuns(input),
  buildCards,
};

