/**
 * Drug interactions, one row per (drug group, interacting group), read in one direction: `drugs`
 * is what is being offered or signed, `with` is what is active in the record or drafted beside it.
 */
import type { Source } from '@prognos/contracts';
import {
  ACEI, ANTICOAGULANT, ARB, ARNI, CYCLOSPORINE, GEMFIBROZIL, NSAID, POTASSIUM_SPARING, RASI, RIFAMPIN,
  STRONG_CYP3A4_INHIBITORS, STRONG_CYP3A4_PGP_INDUCERS, STRONG_DUAL_CYP3A4_PGP_INHIBITORS, type DrugSelector,
} from './drug-selector';
import { SAFETY_SOURCES as S } from './safety-sources';

export interface InteractionRule {
  id: string;
  drugs: DrugSelector;
  with: DrugSelector;
  verdict: 'block' | 'caution';
  text: string;
  source: Source;
  /** A safer product (key of DRUGS) to offer instead at order-sign. */
  alternative?: string;
}

const ing = (names: string[], name: string): DrugSelector => ({ ingredients: names, name });
const APIXABAN = ing(['apixaban'], 'apixaban');
const RIVAROXABAN = ing(['rivaroxaban'], 'rivaroxaban');
const DABIGATRAN = ing(['dabigatran'], 'dabigatran');
const EDOXABAN = ing(['edoxaban'], 'edoxaban');
const SIMVA_LOVA = ing(['simvastatin', 'lovastatin'], 'simvastatin / lovastatin');
const ATORVASTATIN = ing(['atorvastatin'], 'atorvastatin');
const ROSUVASTATIN = ing(['rosuvastatin'], 'rosuvastatin');
const PRAVASTATIN = ing(['pravastatin'], 'pravastatin');
const PITAVASTATIN = ing(['pitavastatin'], 'pitavastatin');
const FLUVASTATIN = ing(['fluvastatin'], 'fluvastatin');

export const INTERACTION_RULES: readonly InteractionRule[] = [
  // DOACs (labels §2 and §7)
  { id: 'apixaban.strong-dual-inhibitor', drugs: APIXABAN, with: STRONG_DUAL_CYP3A4_PGP_INHIBITORS, verdict: 'caution',
    text: 'Apixaban with a strong dual CYP3A4 and P-gp inhibitor: reduce 5 mg twice daily to 2.5 mg twice daily; if 2.5 mg twice daily is already the dose, avoid the combination (Eliquis §2.5, §7.1).', source: S.apixabanLabel },
  { id: 'apixaban.strong-inducer', drugs: APIXABAN, with: STRONG_CYP3A4_PGP_INDUCERS, verdict: 'block',
    text: 'Apixaban with a strong CYP3A4 and P-gp inducer: avoid (Eliquis §7.2: apixaban exposure falls by about half, less protection from stroke).', source: S.apixabanLabel },
  { id: 'rivaroxaban.strong-dual-inhibitor', drugs: RIVAROXABAN, with: STRONG_DUAL_CYP3A4_PGP_INHIBITORS, verdict: 'block',
    text: 'Rivaroxaban with a combined P-gp and strong CYP3A inhibitor: avoid (Xarelto §7.2: higher exposure and bleeding).', source: S.doacLabel },
  { id: 'rivaroxaban.strong-inducer', drugs: RIVAROXABAN, with: STRONG_CYP3A4_PGP_INDUCERS, verdict: 'block',
    text: 'Rivaroxaban with a combined P-gp and strong CYP3A inducer: avoid (Xarelto §7.3).', source: S.doacLabel },
  { id: 'dabigatran.pgp-inducer', drugs: DABIGATRAN, with: RIFAMPIN, verdict: 'block',
    text: 'Dabigatran with rifampin (P-gp inducer): avoid (Pradaxa §7).', source: S.doacLabel },
  { id: 'dabigatran.pgp-inhibitor', drugs: DABIGATRAN, with: ing(['ketoconazole', 'itraconazole', 'ritonavir', 'cobicistat', 'posaconazole'], 'a P-gp inhibitor'), verdict: 'caution',
    text: 'Dabigatran with a P-gp inhibitor: dose depends on kidney function (Pradaxa §2, §7: reduce or avoid at CrCl < 50 mL/min).', source: S.doacLabel },
  { id: 'edoxaban.rifampin', drugs: EDOXABAN, with: RIFAMPIN, verdict: 'block',
    text: 'Edoxaban with rifampin: avoid (Savaysa §7).', source: S.doacLabel },
  // Statins (labels §2, §4, §7)
  { id: 'simvastatin.strong-cyp3a4-inhibitor', drugs: SIMVA_LOVA, with: STRONG_CYP3A4_INHIBITORS, verdict: 'block', alternative: 'rosuvastatin10',
    text: 'Simvastatin or lovastatin with a strong CYP3A4 inhibitor: contraindicated (labels §4: myopathy and rhabdomyolysis). Rosuvastatin or pravastatin are not CYP3A4-dependent.', source: S.statinLabel },
  { id: 'simvastatin.gemfibrozil', drugs: SIMVA_LOVA, with: GEMFIBROZIL, verdict: 'block',
    text: 'Simvastatin or lovastatin with gemfibrozil: contraindicated or to be avoided (labels §4, §7: rhabdomyolysis).', source: S.statinLabel },
  { id: 'simvastatin.cyclosporine', drugs: SIMVA_LOVA, with: CYCLOSPORINE, verdict: 'block',
    text: 'Simvastatin or lovastatin with cyclosporine: contraindicated or to be avoided (labels §4, §7).', source: S.statinLabel },
  { id: 'atorvastatin.cyclosporine', drugs: ATORVASTATIN, with: CYCLOSPORINE, verdict: 'block',
    text: 'Atorvastatin with cyclosporine: avoid (Lipitor §7: large rise in atorvastatin exposure).', source: S.statinLabel },
  { id: 'atorvastatin.strong-cyp3a4-inhibitor', drugs: ATORVASTATIN, with: STRONG_CYP3A4_INHIBITORS, verdict: 'caution', alternative: 'rosuvastatin10',
    text: 'Atorvastatin with a strong CYP3A4 inhibitor: limit the dose (Lipitor §2, §7: e.g. at most 20 mg with clarithromycin or itraconazole; avoid with tipranavir plus ritonavir); an 80 mg dose is not appropriate.', source: S.statinLabel },
  { id: 'atorvastatin.gemfibrozil', drugs: ATORVASTATIN, with: GEMFIBROZIL, verdict: 'caution',
    text: 'Atorvastatin with gemfibrozil: avoid if possible (Lipitor §7: myopathy).', source: S.statinLabel },
  { id: 'rosuvastatin.cyclosporine', drugs: ROSUVASTATIN, with: CYCLOSPORINE, verdict: 'caution',
    text: 'Rosuvastatin with cyclosporine: at most 5 mg once daily (Crestor §2).', source: S.statinLabel },
  { id: 'rosuvastatin.gemfibrozil', drugs: ROSUVASTATIN, with: GEMFIBROZIL, verdict: 'caution',
    text: 'Rosuvastatin with gemfibrozil: avoid, or at most 10 mg once daily (Crestor §2).', source: S.statinLabel },
  { id: 'pravastatin.cyclosporine', drugs: PRAVASTATIN, with: CYCLOSPORINE, verdict: 'caution',
    text: 'Pravastatin with cyclosporine: start at 10 mg, at most 20 mg daily (label §2).', source: S.statinLabel },
  { id: 'pravastatin.gemfibrozil', drugs: PRAVASTATIN, with: GEMFIBROZIL, verdict: 'caution',
    text: 'Pravastatin with gemfibrozil: avoid (label §7: myopathy).', source: S.statinLabel },
  { id: 'pitavastatin.cyclosporine', drugs: PITAVASTATIN, with: CYCLOSPORINE, verdict: 'block',
    text: 'Pitavastatin with cyclosporine: contraindicated (Livalo §4).', source: S.statinLabel },
  { id: 'pitavastatin-fluvastatin.gemfibrozil', drugs: { ingredients: ['pitavastatin', 'fluvastatin'], name: 'pitavastatin / fluvastatin' }, with: GEMFIBROZIL, verdict: 'caution',
    text: 'Pitavastatin or fluvastatin with gemfibrozil: avoid (labels §7: myopathy).', source: S.statinLabel },
  { id: 'fluvastatin.cyclosporine', drugs: FLUVASTATIN, with: CYCLOSPORINE, verdict: 'caution',
    text: 'Fluvastatin with cyclosporine: at most 20 mg twice daily (label §2).', source: S.statinLabel },
  // RAS inhibitors: dual blockade and potassium
  { id: 'arni.acei', drugs: ARNI, with: ACEI, verdict: 'block',
    text: 'Sacubitril/valsartan with an ACE inhibitor: contraindicated; stop the ACE inhibitor at least 36 hours before the first dose (Entresto §4: angioedema).', source: S.arniLabel },
  { id: 'acei.arni', drugs: ACEI, with: ARNI, verdict: 'block',
    text: 'ACE inhibitor with sacubitril/valsartan: contraindicated within 36 hours of each other (labels §4: angioedema).', source: S.aceiLabel },
  { id: 'acei.arb', drugs: ACEI, with: ARB, verdict: 'block',
    text: 'ACE inhibitor with an ARB (dual RAS blockade): avoid any combination of ACE inhibitor, ARB and direct renin inhibitor (KDIGO 2024 §3.6; more hyperkalaemia and acute kidney injury, no benefit).', source: S.kdigo2024 },
  { id: 'arb.acei', drugs: ARB, with: ACEI, verdict: 'block',
    text: 'ARB with an ACE inhibitor (dual RAS blockade): avoid the combination (KDIGO 2024 §3.6).', source: S.kdigo2024 },
  { id: 'arb-arni.duplicate', drugs: { classes: ['arb', 'arni'], name: 'ARB or ARNI' }, with: { classes: ['arb', 'arni'], name: 'an ARB or sacubitril/valsartan' }, verdict: 'block',
    text: 'Two angiotensin receptor blockers (sacubitril/valsartan contains valsartan): do not combine (Entresto §7; dual RAS blockade).', source: S.arniLabel },
  { id: 'rasi.aliskiren', drugs: { classes: ['acei', 'arb', 'arni'], name: 'ACE inhibitor, ARB or ARNI' }, with: { ingredients: ['aliskiren'], name: 'aliskiren' }, verdict: 'caution',
    text: 'With aliskiren: contraindicated in diabetes and to be avoided at eGFR < 60 (labels §4, §7; dual RAS blockade).', source: S.aceiLabel },
  { id: 'rasi.potassium-sparing', drugs: RASI, with: POTASSIUM_SPARING, verdict: 'caution',
    text: 'With a potassium-sparing diuretic or MRA: hyperkalaemia risk (labels §7); check potassium and creatinine within 1-2 weeks.', source: S.kdigo2024 },
  // NSAIDs and anticoagulants (moved here from medication-safety)
  { id: 'nsaid.anticoagulant', drugs: NSAID, with: ANTICOAGULANT, verdict: 'block',
    text: 'NSAID with an oral anticoagulant: substantially more major and gastrointestinal bleeding; the 2023 AF guideline lists concomitant NSAIDs as a modifiable bleeding risk to remove. Prefer acetaminophen.', source: S.af2023 },
  { id: 'anticoagulant.nsaid', drugs: ANTICOAGULANT, with: NSAID, verdict: 'caution',
    text: 'An NSAID is active: stop it if possible before anticoagulation (bleeding risk; 2023 AF guideline).', source: S.af2023 },
  { id: 'anticoagulant.anticoagulant', drugs: ANTICOAGULANT, with: ANTICOAGULANT, verdict: 'caution',
    text: 'Another oral anticoagulant is active: never combine them. When switching from warfarin to a DOAC, stop warfarin and start the DOAC once INR is below 2.0 (apixaban label §2.4; other DOACs: their label\'s INR threshold).', source: S.doacLabel },
];
