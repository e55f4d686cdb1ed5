/**
 * `af-stroke-prevention` (patient-view), for patients with atrial fibrillation only.
 *
 * 2023 ACC/AHA/ACCP/HRS AF guideline §6.3 (clinical-reference.md §2):
 * - Annual thromboembolic risk >= 2% (CHA2DS2-VASc >= 2 in men, >= 3 in women): oral
 *   anticoagulation recommended (1, A); >= 1% to < 2% (score 1 in men, 2 in women): reasonable (2a).
 * - DOACs recommended over warfarin, except moderate-severe rheumatic mitral stenosis or a
 *   mechanical heart valve (1, A). Apixaban is suggested, dosed by its label criteria.
 * - Aspirin (+/- clopidogrel) as an alternative to anticoagulation: Class 3: Harm.
 * - Bleeding-risk scores must not by themselves be used to withhold anticoagulation
 *   (Class 3: No Benefit); HAS-BLED is used to list modifiable bleeding risks.
 * CHA2DS2-VASc (Lip 2010) and HAS-BLED (Pisters 2010) are computed here in TypeScript.
 */
import type { CardDraft, ScoringInput, SuggestionDraft } from '@prognos/contracts';
import type { CardBuildContext, CardBuildResult, ClinicalService } from '../clinical-service';
import { computeCha2ds2Vasc, type PointScore } from '../scores/cha2ds2-vasc';
import { computeHasBled, type HasBledScore } from '../scores/has-bled';
import { assessApixabanDose, type ApixabanDoseAssessment } from './apixaban-dose';
import { SOURCES, describeInputs, markdown, newCard, newSuggestion, section, type InputLine } from './card-kit';
import { DRUGS, OUTCOMES } from './codes';
import { viewFeatureSet, type FeatureView } from './feature-view';
import { createMedicationAction, pointScoreRiskAssessment } from './fhir-resources';
import { ACTIVE_MEDICATIONS, CONDITIONS, LOINC, PATIENT, observations } from './prefetch';
import { readRenalLabs, staleCreatinineLabel } from './renal';
import { readPatientSafety, strongDualInhibitor } from '../safety/patient-safety';

export const AF_STROKE_PREVENTION_ID = 'af-stroke-prevention';
export const SCORE_VERSION = '1.0.0';

/** Score at or above which anticoagulation is recommended (1, A): 2 for men, 3 for women. */
export function anticoagulationThreshold(female: boolean): number {
  return female ? 3 : 2;
}

interface AfState {
  ctx: FeatureView;
  cha: FeatureView;
  hb: FeatureView;
  female?: boolean;
  age?: number;
  cha2ds2vasc?: PointScore;
  hasBled?: HasBledScore;
  /** true when DOAC and warfarin flags are both known. */
  anticoagulantKnown: boolean;
  anticoagulated: boolean;
  onAspirinOrAntiplatelet: boolean;
}

function assess(input: ScoringInput): AfState {
  const ctx = viewFeatureSet(input, 'clinical-context');
  const cha = viewFeatureSet(input, 'cha2ds2-vasc');
  const hb = viewFeatureSet(input, 'has-bled');
  const age = cha.get('age_years') ?? ctx.get('age_years');
  const female = cha.known('sex_female') ? cha.flag('sex_female') : ctx.known('sex_male') ? !ctx.flag('sex_male') : undefined;
  const state: AfState = {
    ctx, cha, hb, female, age,
    anticoagulantKnown: ctx.known('on_doac') && ctx.known('on_warfarin'),
    anticoagulated: ctx.flag('on_doac') || ctx.flag('on_warfarin'),
    onAspirinOrAntiplatelet: ctx.flag('on_aspirin') || ctx.flag('on_antiplatelet'),
  };
  if (age !== undefined && female !== undefined) {
    state.cha2ds2vasc = computeCha2ds2Vasc({
      ageYears: age, female,
      congestiveHeartFailure: cha.flag('chf'),
      hypertension: cha.flag('hypertension'),
      diabetes: cha.flag('diabetes'),
      strokeTiaThromboembolism: cha.flag('stroke_tia_te'),
      vascularDisease: cha.flag('vascular_disease'),
    });
  }
  if (age !== undefined) {
    state.hasBled = computeHasBled({
      ageYears: age,
      systolicBpMmHg: hb.get('sbp_mmhg'),
      abnormalRenalFunction: hb.flag('renal_abnormal'),
      abnormalLiverFunction: hb.flag('liver_abnormal'),
      stroke: hb.flag('stroke'),
      bleedingHistory: hb.flag('bleeding_history'),
      labileInr: hb.flag('labile_inr'),
      antiplateletOrNsaid: hb.flag('antiplatelet_or_nsaid'),
      alcoholExcess: hb.flag('alcohol_excess'),
    });
  }
  return state;
}

function chaLevel(score: number, female: boolean): 'low' | 'moderate' | 'high' {
  const t = anticoagulationThreshold(female);
  return score >= t ? 'high' : score === t - 1 ? 'moderate' : 'low';
}

function scoreSuggestion(s: AfState, asOf: string): SuggestionDraft | undefined {
  if (!s.cha2ds2vasc || s.female === undefined) return undefined;
  const actions = [{
    type: 'create' as const,
    description: 'File CHA2DS2-VASc stroke risk assessment in the record',
    resource: pointScoreRiskAssessment({
      scoreId: 'cha2ds2-vasc', scoreTitle: 'CHA2DS2-VASc', version: SCORE_VERSION, asOf, outcome: OUTCOMES.stroke,
      score: s.cha2ds2vasc.score, level: chaLevel(s.cha2ds2vasc.score, s.female), horizonYears: 1,
    }),
  }];
  if (s.hasBled) {
    actions.push({
      type: 'create' as const,
      description: 'File HAS-BLED bleeding risk assessment in the record',
      resource: pointScoreRiskAssessment({
        scoreId: 'has-bled', scoreTitle: 'HAS-BLED', version: SCORE_VERSION, asOf, outcome: OUTCOMES.majorBleeding,
        score: s.hasBled.score, level: s.hasBled.score >= 3 ? 'high' : s.hasBled.score >= 1 ? 'moderate' : 'low', horizonYears: 1,
      }),
    });
  }
  return newSuggestion({ label: 'File CHA2DS2-VASc and HAS-BLED in the record', actions });
}

function scoreLines(s: AfState): string[] {
  const lines: string[] = [];
  if (s.cha2ds2vasc) {
    const items = s.cha2ds2vasc.items.map((i) => `${i.label} (+${i.points})`).join(', ');
    lines.push(`- CHA2DS2-VASc ${s.cha2ds2vasc.score}${items ? `: ${items}` : ': no risk factor'}`);
  }
  if (s.hasBled) {
    const items = s.hasBled.items.map((i) => i.label).join(', ');
    lines.push(`- HAS-BLED ${s.hasBled.score}${items ? `: ${items}` : ': no risk factor'}${s.hb.known('sbp_mmhg') ? '' : ' (systolic BP unknown)'}`);
  }
  return lines;
}

function inputLines(s: AfState): InputLine[] {
  return [
    { view: s.cha, name: 'age_years', label: 'Age', digits: 0 },
    { view: s.cha, name: 'sex_female', label: 'Female sex', flag: true },
    { view: s.cha, name: 'chf', label: 'Heart failure', flag: true },
    { view: s.cha, name: 'hypertension', label: 'Hypertension', flag: true },
    { view: s.cha, name: 'diabetes', label: 'Diabetes', flag: true },
    { view: s.cha, name: 'stroke_tia_te', label: 'Prior stroke/TIA/thromboembolism', flag: true },
    { view: s.cha, name: 'vascular_disease', label: 'Vascular disease', flag: true },
    { view: s.hb, name: 'sbp_mmhg', label: 'Systolic blood pressure', digits: 0 },
    { view: s.hb, name: 'renal_abnormal', label: 'Abnormal renal function', flag: true },
    { view: s.hb, name: 'liver_abnormal', label: 'Abnormal liver function', flag: true },
    { view: s.hb, name: 'bleeding_history', label: 'Bleeding history', flag: true },
    { view: s.hb, name: 'labile_inr', label: 'Labile INR', flag: true },
    { view: s.hb, name: 'antiplatelet_or_nsaid', label: 'Antiplatelet or NSAID', flag: true },
    { view: s.hb, name: 'alcohol_excess', label: 'Alcohol excess', flag: true },
  ];
}

function apixabanSuggestions(dose: ApixabanDoseAssessment, recommended: boolean, prefix = 'Order'): SuggestionDraft[] {
  const reason = 'Stroke prevention in atrial fibrillation';
  // Label §2.5: 2.5 mg is due by the criteria and a strong dual CYP3A4/P-gp inhibitor is active: avoid apixaban.
  if (dose.avoid) return [];
  if (dose.reduce) {
    return [newSuggestion({ label: `${prefix} ${DRUGS.apixaban2_5.display}, ${DRUGS.apixaban2_5.sig} (label dose reduction: ${dose.met.length >= 2 ? '2 criteria met' : 'strong dual CYP3A4/P-gp inhibitor'})`, isRecommended: recommended, actions: [createMedicationAction(DRUGS.apixaban2_5, reason)] })];
  }
  const five = newSuggestion({ label: `${prefix} ${DRUGS.apixaban5.display}, ${DRUGS.apixaban5.sig}`, isRecommended: recommended && !dose.undetermined, actions: [createMedicationAction(DRUGS.apixaban5, reason)] });
  if (!dose.undetermined) return [five];
  return [five, newSuggestion({ label: `${prefix} ${DRUGS.apixaban2_5.display}, ${DRUGS.apixaban2_5.sig} (if 2 label criteria are met)`, isRecommended: false, actions: [createMedicationAction(DRUGS.apixaban2_5, reason)] })];
}

function doseLines(dose: ApixabanDoseAssessment): string[] {
  return [
    `- Apixaban dose criteria met (label: 2.5 mg twice daily with ≥ 2 of age ≥ 80, weight ≤ 60 kg, creatinine ≥ 1.5 mg/dL, or with a strong dual CYP3A4/P-gp inhibitor): ${dose.met.length > 0 ? dose.met.join('; ') : 'none'}`,
    ...(dose.avoid ? ['- Apixaban not offered: the label (§2.5) says to avoid it with a strong dual CYP3A4/P-gp inhibitor when 2.5 mg twice daily is already the dose; review the interacting drug or choose another anticoagulant.'] : []),
    ...(dose.unknown.length > 0 ? [`- Not known, check before ordering: ${dose.unknown.join(', ')}`] : []),
  ];
}

function modifiableLine(hb: HasBledScore | undefined): string | undefined {
  if (!hb || hb.modifiable.length === 0) return undefined;
  return `Modifiable bleeding risks to address (never a reason on their own to withhold anticoagulation): ${hb.modifiable.map((i) => i.label).join('; ')}.`;
}

function buildCards(bctx: CardBuildContext): CardBuildResult {
  const { input, config } = bctx;
  const s = assess(input);
  if (!s.ctx.flag('atrial_fibrillation')) return { cards: [] };
  const cards: CardDraft[] = [];
  const { used, missing } = describeInputs(inputLines(s));

  if (!s.cha2ds2vasc || s.female === undefined) {
    cards.push(newCard({
      kind: 'af.score-unavailable',
      summary: 'Atrial fibrillation: CHA2DS2-VASc not computable (age or sex missing)',
      indicator: 'info',
      source: SOURCES.af2023,
      detail: markdown(['CHA2DS2-VASc needs age and sex.', section('Missing', missing)]),
      overrideReasons: false,
    }));
    return { cards };
  }

  const score = s.cha2ds2vasc.score;
  const threshold = anticoagulationThreshold(s.female);
  const sexWord = s.female ? 'women' : 'men';
  const labs = readRenalLabs(viewFeatureSet(input, 'egfr-trajectory'), config.LAB_MAX_AGE_DAYS);
  const inhibitor = strongDualInhibitor(readPatientSafety(input, config.LAB_MAX_AGE_DAYS));
  const dose = assessApixabanDose({
    ageYears: s.age, weightKg: s.ctx.get('weight_kg'),
    creatinineMgDl: labs.creatinine?.recent ? labs.creatinine.value : undefined,
    ...(inhibitor ? { strongDualInhibitor: inhibitor } : {}),
    creatinineUnknownAs: staleCreatinineLabel(viewFeatureSet(input, 'egfr-trajectory'), input.asOf),
  });
  const raSuggestion = scoreSuggestion(s, input.asOf);
  const common = [
    section('Scores', scoreLines(s)),
    section('Inputs used', used),
    section('Missing or excluded', missing),
  ];
  const hbText = s.hasBled ? `, HAS-BLED ${s.hasBled.score}` : '';

  if (s.anticoagulantKnown && !s.anticoagulated && score >= threshold) {
    cards.push(newCard({
      kind: 'af.anticoagulation',
      summary: `AF with CHA2DS2-VASc ${score} (≥ ${threshold} in ${sexWord}) and no anticoagulant: start a DOAC (Class 1)`,
      indicator: 'warning',
      source: SOURCES.af2023,
      detail: markdown([
        `2023 ACC/AHA/ACCP/HRS AF guideline: with an estimated stroke risk ≥ 2%/year (CHA2DS2-VASc ≥ 2 in men, ≥ 3 in women), oral anticoagulation is recommended (1, A); DOACs are recommended over warfarin except with moderate-severe rheumatic mitral stenosis or a mechanical heart valve (1, A). No anticoagulant is active in the record.`,
        modifiableLine(s.hasBled),
        section('Apixaban dose', doseLines(dose)),
        ...common,
      ]),
      suggestions: [...apixabanSuggestions(dose, true), ...(raSuggestion ? [raSuggestion] : [])],
      selectionBehavior: 'any',
    }));
  } else if (s.anticoagulantKnown && !s.anticoagulated && score === threshold - 1) {
    cards.push(newCard({
      kind: 'af.anticoagulation-consider',
      summary: `AF with CHA2DS2-VASc ${score} (${sexWord}): anticoagulation is reasonable (Class 2a); discuss${hbText}`,
      indicator: 'info',
      source: SOURCES.af2023,
      detail: markdown([
        '2023 ACC/AHA/ACCP/HRS AF guideline: with an estimated stroke risk of 1% to < 2%/year (CHA2DS2-VASc 1 in men, 2 in women), oral anticoagulation is reasonable (2a, A); risk modifiers may inform the decision.',
        modifiableLine(s.hasBled),
        section('Apixaban dose', doseLines(dose)),
        ...common,
      ]),
      suggestions: [...apixabanSuggestions(dose, false), ...(raSuggestion ? [raSuggestion] : [])],
      selectionBehavior: 'any',
    }));
  } else {
    // A recorded anticoagulant is known even when other medicines are unidentified; otherwise an
    // unknown flag makes the status unknown (issue 11: unknown is never "not taking it").
    const status = s.anticoagulated ? `on ${s.ctx.flag('on_doac') ? 'a DOAC' : 'warfarin'}` : !s.anticoagulantKnown ? 'anticoagulant status unknown' : 'anticoagulation not indicated by score';
    // The switch is offered only when the record shows no DOAC: with unidentified medicines a DOAC
    // may already be taken, so no DOAC is suggested then.
    const onWarfarinOnly = s.ctx.flag('on_warfarin') && s.ctx.known('on_doac') && !s.ctx.flag('on_doac');
    const onWarfarinUnknownDoac = s.ctx.flag('on_warfarin') && !s.ctx.known('on_doac');
    // DOACs are recommended over warfarin (1, A) except with a mechanical valve or moderate-severe
    // rheumatic mitral stenosis: the switch is offered as a suggestion (never pre-selected), and the
    // safety screening stage removes it where an exception is recorded, saying why.
    const switchSuggestions = onWarfarinOnly ? apixabanSuggestions(dose, false, 'Switch to') : [];
    const suggestions = [...switchSuggestions, ...(raSuggestion ? [raSuggestion] : [])];
    cards.push(newCard({
      kind: 'af.stroke-risk',
      summary: `AF: CHA2DS2-VASc ${score}${hbText}; ${status}`,
      indicator: 'info',
      source: SOURCES.af2023,
      detail: markdown([
        !s.anticoagulantKnown && !s.anticoagulated
          ? `Anticoagulant status unknown: ${s.ctx.provenance('on_doac')?.note ?? s.ctx.provenance('on_warfarin')?.note ?? 'the medication list could not be read'}. No anticoagulant is suggested, since one may already be taken: check the medication list.`
          : undefined,
        onWarfarinUnknownDoac
          ? `On warfarin; whether a DOAC is also taken is unknown (${s.ctx.provenance('on_doac')?.note ?? 'the medication list could not be read'}). No switch to a DOAC is suggested: check the medication list.`
          : undefined,
        onWarfarinOnly
          ? 'On warfarin: DOACs are recommended over warfarin unless moderate-severe rheumatic mitral stenosis or a mechanical heart valve is present (1, A). To switch: stop warfarin and start apixaban once INR is below 2.0 (apixaban label §2.4).'
          : undefined,
        onWarfarinOnly ? section('Apixaban dose', doseLines(dose)) : undefined,
        modifiableLine(s.hasBled),
        ...common,
      ]),
      ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
      overrideReasons: false,
    }));
  }

  if (s.anticoagulantKnown && !s.anticoagulated && s.onAspirinOrAntiplatelet) {
    const indicated = score >= threshold - 1;
    cards.push(newCard({
      kind: 'af.aspirin-alone',
      summary: indicated
        ? `AF on aspirin/antiplatelet without anticoagulant: not a substitute for anticoagulation (Class 3: Harm)`
        : 'AF on aspirin/antiplatelet for stroke prevention: no benefit at this CHA2DS2-VASc (Class 3: No Benefit)',
      indicator: 'warning',
      source: SOURCES.af2023,
      detail: markdown([
        '2023 ACC/AHA/ACCP/HRS AF guideline: aspirin monotherapy or aspirin plus clopidogrel as an alternative to anticoagulation for stroke prevention in AF is harmful (3: Harm); in patients with no risk factors aspirin has no benefit.',
        'Review the antiplatelet indication: keep it only for another reason (e.g. recent coronary stent), and prefer an oral anticoagulant for stroke prevention.',
        section('Scores', scoreLines(s)),
      ]),
    }));
  }

  if (s.hasBled && s.hasBled.modifiable.length > 0) {
    cards.push(newCard({
      kind: 'af.bleeding-risk',
      summary: `AF: HAS-BLED ${s.hasBled.score}, modifiable bleeding risks: ${s.hasBled.modifiable.map((i) => i.item === 'H' ? 'uncontrolled BP' : i.item === 'L' ? 'labile INR' : i.item === 'D1' ? 'antiplatelet/NSAID' : 'alcohol').join(', ')}`,
      indicator: 'info',
      source: SOURCES.af2023,
      detail: markdown([
        'Address modifiable bleeding risk factors: control blood pressure (HAS-BLED counts systolic BP > 160 mmHg), stop unneeded antiplatelets and NSAIDs, reduce alcohol, improve INR control or switch to a DOAC.',
        '2023 ACC/AHA/ACCP/HRS AF guideline: bleeding-risk scores must not by themselves be used to decide against anticoagulation (3: No Benefit).',
        section('Scores', scoreLines(s)),
      ]),
      overrideReasons: false,
    }));
  }
  return { cards };
}

export const afStrokePreventionService: ClinicalService = {
  descriptor: {
    id: AF_STROKE_PREVENTION_ID,
    hook: 'patient-view',
    title: 'Atrial fibrillation: stroke prevention (CHA2DS2-VASc, HAS-BLED)',
    description: 'For atrial fibrillation: CHA2DS2-VASc and HAS-BLED, oral anticoagulation (DOAC preferred, apixaban dosed by label criteria) when indicated and none is active, the switch from warfarin to a DOAC offered where no valve exception is recorded, a warning when aspirin is used instead, and modifiable bleeding risks (2023 ACC/AHA/ACCP/HRS guideline). Every drug offered is safety-screened.',
    prefetch: {
      patient: PATIENT,
      conditions: CONDITIONS,
      medications: ACTIVE_MEDICATIONS,
      vitals: observations([...LOINC.bloodPressure, ...LOINC.body], 50),
      renalLabs: observations([...LOINC.creatinine, ...LOINC.egfr], 50),
    },
    requiredPrefetch: ['patient', 'conditions', 'medications'],
    featureSets: ['cha2ds2-vasc', 'has-bled', 'clinical-context', 'egfr-trajectory'],
    usesDraftOrders: false,
    models: [],
    origin: 'bundled',
  },
  modelRuns: () => [],
  buildCards,
};
