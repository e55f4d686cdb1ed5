/**
 * Contraindicating conditions, pregnancy and lactation, per drug class (a table, one row per rule).
 * `feature` is a 0/1 flag of the 'safety-context' set: 1 applies the verdict; missing (the record
 * cannot tell) applies `unknown` when given, else nothing. `exceptWhen` softens a verdict when a
 * second flag is 1 (warfarin in pregnancy with a mechanical valve).
 */
import type { Source } from '@prognos/contracts';
import {
  ACEI, ANTICOAGULANT, ARB, ARNI, DOAC, METFORMIN, NSAID, SGLT2I, STATIN, WARFARIN, type DrugSelector,
} from './drug-selector';
import type { PatientSafety } from './patient-safety';
import { SAFETY_SOURCES as S } from './safety-sources';

export interface ConditionRule {
  id: string;
  drugs: DrugSelector;
  feature: string;
  verdict: 'block' | 'caution';
  short: string;
  text: string;
  source: Source;
  unknown?: { verdict: 'caution'; applies: (p: PatientSafety) => boolean; short: string; text: string };
  exceptWhen?: { feature: string; verdict: 'caution'; text: string };
}

/** WHO: women of reproductive age are 15-49 years. Without an age or sex the question stays open. */
export const REPRODUCTIVE_AGE = { min: 15, max: 49 } as const;
export function mayBePregnant(p: PatientSafety): boolean {
  if (p.female === false) return false;
  if (p.ageYears === undefined) return p.female === true;
  return p.ageYears >= REPRODUCTIVE_AGE.min && p.ageYears < REPRODUCTIVE_AGE.max + 1;
}

const pregnancyUnknown = (what: string): ConditionRule['unknown'] => ({
  verdict: 'caution',
  applies: mayBePregnant,
  short: 'pregnancy status unknown',
  text: `Woman of reproductive age (15-49) with no pregnancy status in the record: confirm she is not pregnant before starting ${what}.`,
});

export const PREGNANCY_RULES: readonly ConditionRule[] = [
  { id: 'pregnancy.acei', drugs: ACEI, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: ACE inhibitors cause fetal injury and death (US label Boxed Warning, fetal toxicity): not offered; stop when pregnancy is detected.',
    source: S.aceiLabel, unknown: pregnancyUnknown('an ACE inhibitor (fetal toxicity)') },
  { id: 'pregnancy.arb', drugs: ARB, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: ARBs cause fetal injury and death (US label Boxed Warning, fetal toxicity): not offered.',
    source: S.arbLabel, unknown: pregnancyUnknown('an ARB (fetal toxicity)') },
  { id: 'pregnancy.arni', drugs: ARNI, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: sacubitril/valsartan causes fetal injury and death (Entresto Boxed Warning): not offered.',
    source: S.arniLabel, unknown: pregnancyUnknown('sacubitril/valsartan (fetal toxicity)') },
  { id: 'pregnancy.statin', drugs: STATIN, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: FDA (2021) advises stopping statins in most pregnant patients (no benefit during pregnancy; possible fetal harm): not offered.',
    source: S.statinPregnancyFda2021, unknown: pregnancyUnknown('a statin') },
  { id: 'pregnancy.sglt2i', drugs: SGLT2I, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: SGLT2 inhibitors are not recommended in the second and third trimesters (US labels §8.1, renal developmental toxicity in animals): not offered.',
    source: S.sglt2iLabel, unknown: pregnancyUnknown('an SGLT2 inhibitor') },
  { id: 'pregnancy.doac', drugs: DOAC, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: DOACs are not recommended in pregnancy (labels §8.1: no adequate data, risk of maternal and fetal bleeding); heparins are the agents of choice: not offered.',
    source: S.doacLabel, unknown: pregnancyUnknown('a DOAC') },
  { id: 'pregnancy.warfarin', drugs: WARFARIN, feature: 'pregnant', verdict: 'block', short: 'pregnant',
    text: 'Pregnant: warfarin is contraindicated in pregnancy (US label §4; embryopathy), except in women with mechanical heart valves at high thromboembolic risk: not offered.',
    source: S.warfarinLabel, unknown: pregnancyUnknown('warfarin (embryopathy)'),
    exceptWhen: { feature: 'prosthetic_valve', verdict: 'caution', text: 'Pregnant with a prosthetic heart valve: warfarin is the label exception (§4); specialist-managed anticoagulation only.' } },
  { id: 'pregnancy.nsaid', drugs: NSAID, feature: 'pregnant', verdict: 'caution', short: 'pregnant: avoid from 20 weeks',
    text: 'Pregnant: avoid NSAIDs from 20 weeks of gestation (FDA 2020: fetal kidney dysfunction, oligohydramnios); check gestational age.',
    source: S.nsaidFda2020 },
];

export const LACTATION_RULES: readonly ConditionRule[] = [
  { id: 'lactation.statin', drugs: STATIN, feature: 'lactating', verdict: 'caution', short: 'breastfeeding',
    text: 'Breastfeeding: statin labels (§8.2) advise against breastfeeding during treatment; discuss before starting.', source: S.statinLabel },
  { id: 'lactation.sglt2i', drugs: SGLT2I, feature: 'lactating', verdict: 'caution', short: 'breastfeeding',
    text: 'Breastfeeding: SGLT2 inhibitor labels (§8.2) do not recommend use while breastfeeding.', source: S.sglt2iLabel },
  { id: 'lactation.doac', drugs: DOAC, feature: 'lactating', verdict: 'caution', short: 'breastfeeding',
    text: 'Breastfeeding: DOAC labels (§8.2) advise against breastfeeding during treatment (warfarin is compatible).', source: S.doacLabel },
  { id: 'lactation.arb-arni', drugs: { classes: ['arb', 'arni'], name: 'ARBs and ARNI' }, feature: 'lactating', verdict: 'caution', short: 'breastfeeding',
    text: 'Breastfeeding: no data on ARB / sacubitril excretion in human milk (labels §8.2); enalapril or captopril are usually preferred.', source: S.arbLabel },
];

export const CONDITION_RULES: readonly ConditionRule[] = [
  // SGLT2 inhibitors
  { id: 'sglt2i.type1-diabetes', drugs: SGLT2I, feature: 'type1_diabetes', verdict: 'block', short: 'type 1 diabetes',
    text: 'Type 1 diabetes: SGLT2 inhibitors are not indicated and raise the risk of diabetic ketoacidosis (US labels §1 limitations of use, §5.1): not offered.', source: S.sglt2iLabel },
  { id: 'sglt2i.ketoacidosis', drugs: SGLT2I, feature: 'ketoacidosis_history', verdict: 'caution', short: 'prior ketoacidosis',
    text: 'Prior diabetic ketoacidosis: SGLT2 inhibitors can cause ketoacidosis, also euglycaemic (labels §5.1); weigh the risk and give sick-day rules.', source: S.sglt2iLabel },
  { id: 'sglt2i.dialysis', drugs: SGLT2I, feature: 'dialysis', verdict: 'block', short: 'on dialysis',
    text: 'On dialysis: SGLT2 inhibitors are not started in patients on dialysis (KDIGO 2024 §3.7; not studied, no benefit shown): not offered.', source: S.kdigo2024 },
  { id: 'sglt2i.transplant', drugs: SGLT2I, feature: 'kidney_transplant', verdict: 'caution', short: 'kidney transplant',
    text: 'Kidney transplant recipient: SGLT2 inhibitor trials excluded transplant recipients (KDIGO 2024); decide with the transplant team.', source: S.kdigo2024 },
  // Anticoagulants
  { id: 'doac.prosthetic-valve', drugs: DOAC, feature: 'prosthetic_valve', verdict: 'block', short: 'prosthetic heart valve',
    text: 'Prosthetic heart valve (mechanical or type not recorded): DOACs are contraindicated with mechanical valves (dabigatran RE-ALIGN: more thrombosis and bleeding; 2023 AF guideline 3: Harm); warfarin is the agent. Not offered. If the valve is bioprosthetic, a DOAC may be reasonable (2023 AF guideline).', source: S.af2023 },
  { id: 'doac.mitral-stenosis', drugs: DOAC, feature: 'mitral_stenosis', verdict: 'block', short: 'mitral stenosis',
    text: 'Rheumatic or moderate-severe mitral stenosis: DOACs were not studied and are not recommended (2023 AF guideline: DOACs preferred except with moderate-severe rheumatic mitral stenosis or a mechanical valve); warfarin is the agent. Not offered.', source: S.af2023 },
  { id: 'anticoagulant.active-bleeding', drugs: ANTICOAGULANT, feature: 'active_bleeding', verdict: 'block', short: 'active bleeding',
    text: 'Active bleeding recorded: oral anticoagulants are contraindicated in active pathological bleeding (labels §4): not offered until the bleeding is controlled.', source: S.doacLabel },
  { id: 'nsaid.active-bleeding', drugs: NSAID, feature: 'active_bleeding', verdict: 'caution', short: 'active bleeding',
    text: 'Active bleeding recorded: NSAIDs impair platelet function and cause GI bleeding (labels §5); avoid.', source: S.nsaidFda2020 },
  // Metformin
  { id: 'metformin.dialysis', drugs: METFORMIN, feature: 'dialysis', verdict: 'block', short: 'on dialysis',
    text: 'On dialysis: metformin is contraindicated (US label §4, eGFR < 30; lactic acidosis), whatever the reported eGFR: stop it.', source: S.metforminLabel },
  // Angioedema (any cause) for RAS inhibitors
  { id: 'acei.angioedema-history', drugs: ACEI, feature: 'angioedema_history', verdict: 'block', short: 'angioedema history',
    text: 'Angioedema in the record: ACE inhibitors are contraindicated with a history of ACE-inhibitor angioedema and with hereditary or idiopathic angioedema (labels §4): not offered.', source: S.aceiLabel },
  { id: 'arb.angioedema-history', drugs: ARB, feature: 'angioedema_history', verdict: 'caution', short: 'angioedema history',
    text: 'Angioedema in the record: ARBs can also cause angioedema (labels §5); use with caution and monitor.', source: S.arbLabel },
  { id: 'arni.angioedema-history', drugs: ARNI, feature: 'angioedema_history', verdict: 'caution', short: 'angioedema history',
    text: 'Angioedema in the record: patients with prior angioedema may be at higher risk with sacubitril/valsartan (Entresto §5.2); it is contraindicated when the angioedema was caused by an ACE inhibitor or ARB (§4).', source: S.arniLabel },
];
