/**
 * The screening stage: patient safety facts + one drug -> block / caution / clear with reasons that
 * cite the record (resource type, code, date) and the source. Every rule lives in a table
 * (allergy-, condition-, lab-, interaction-rules.ts); this file only evaluates them.
 */
import { CROSS_REACTIVITY_RULES } from './allergy-rules';
import { CONDITION_RULES, LACTATION_RULES, PREGNANCY_RULES, type ConditionRule } from './condition-rules';
import { selects } from './drug-selector';
import { INTERACTION_RULES } from './interaction-rules';
import { LAB_RULES } from './lab-rules';
import { featureEvidence, type CoMedication, type PatientSafety } from './patient-safety';
import { SAFETY_SOURCES } from './safety-sources';
import type { DrugToScreen, SafetyReason, Screening } from './safety-types';

const round1 = (v: number): string => String(Math.round(v * 10) / 10);

function conditionReasons(p: PatientSafety, drug: DrugToScreen, rules: readonly ConditionRule[]): SafetyReason[] {
  const out: SafetyReason[] = [];
  for (const r of rules) {
    if (!selects(r.drugs, drug)) continue;
    const v = p.view.get(r.feature);
    if (v === 1) {
      const softened = r.exceptWhen && p.view.get(r.exceptWhen.feature) === 1 ? r.exceptWhen : undefined;
      out.push({
        verdict: softened ? softened.verdict : r.verdict, rule: r.id, short: r.short, text: softened ? softened.text : r.text,
        evidence: [...featureEvidence(p.view, r.feature), ...(softened ? featureEvidence(p.view, softened.feature) : [])], source: r.source,
      });
    } else if (v === undefined && r.unknown && r.unknown.applies(p)) {
      out.push({ verdict: r.unknown.verdict, rule: `${r.id}.unknown`, short: r.unknown.short, text: r.unknown.text, evidence: [], source: r.source, unknown: true });
    }
  }
  return out;
}

function allergyReasons(p: PatientSafety, drug: DrugToScreen): SafetyReason[] {
  const out: SafetyReason[] = [];
  for (const a of p.allergies) {
    const what = `${a.unconfirmed ? 'unconfirmed ' : ''}allergy/intolerance${a.angioedema ? ' (angioedema)' : ''}`;
    if (a.ingredient && drug.ingredients.includes(a.ingredient)) {
      out.push({ verdict: 'block', rule: 'allergy.same-ingredient', short: `${a.ingredient} allergy`, evidence: [a.evidence], source: SAFETY_SOURCES.labelHypersensitivity,
        text: `Recorded ${what} to ${a.ingredient}: known hypersensitivity is a contraindication (labels §4). Not offered${a.unconfirmed ? ' until the allergy is clarified' : ''}.` });
      continue;
    }
    if (!a.cls) continue;
    let crossHit = false;
    for (const x of CROSS_REACTIVITY_RULES) {
      if (x.allergyClass !== a.cls || (x.angioedemaOnly && !a.angioedema) || !selects(x.drugs, drug)) continue;
      out.push({ verdict: x.verdict, rule: x.id, short: x.short, text: x.text, evidence: [a.evidence], source: x.source });
      crossHit = true;
    }
    if (!crossHit && drug.classes.includes(a.cls)) {
      out.push({ verdict: 'caution', rule: 'allergy.same-class', short: `${a.ingredient ?? a.cls} allergy (same class)`, evidence: [a.evidence], source: SAFETY_SOURCES.labelHypersensitivity,
        text: `Recorded ${what} to ${a.ingredient ?? `the ${a.cls} class`}, a drug of the same class: cross-reactivity is possible; check what the reaction was before ordering.` });
    }
  }
  return out;
}

function labReasons(p: PatientSafety, drug: DrugToScreen): SafetyReason[] {
  const out: SafetyReason[] = [];
  for (const r of LAB_RULES) {
    if (!selects(r.drugs, drug)) continue;
    const value = p.view.get(r.valueFeature);
    const age = p.view.get(r.ageFeature);
    const evidence = featureEvidence(p.view, r.valueFeature);
    if (value === undefined || age === undefined || age > p.labMaxAgeDays) {
      const when = value !== undefined && age !== undefined ? `the latest (${round1(value)} ${r.unit}) is ${Math.round(age)} days old` : `none in the record`;
      out.push({ verdict: 'caution', rule: `${r.id}.unknown`, short: `no recent ${r.label}`, evidence, source: r.source, unknown: true,
        text: `No ${r.label} within ${p.labMaxAgeDays} days (${when}): check ${r.label} and creatinine before starting, and 2-4 weeks after.` });
    } else if (value >= r.atLeast) {
      out.push({ verdict: r.verdict, rule: r.id, short: `${r.label} ${round1(value)} ${r.unit}`, evidence, source: r.source,
        text: `${r.label[0]!.toUpperCase()}${r.label.slice(1)} ${round1(value)} ${r.unit} (≥ ${r.atLeast}): do not start a RAS inhibitor until hyperkalaemia is corrected (KDIGO 2024 §3.6; labels §5).` });
    }
  }
  return out;
}

/**
 * The record holds active medicines that could not be identified (issue 11): for a drug with
 * interaction rules, the co-medication list is incomplete, so "no interaction found" cannot be said.
 */
function incompleteCoMedicationReasons(p: PatientSafety, drug: DrugToScreen): SafetyReason[] {
  if (p.unidentifiedMedications <= 0 || !INTERACTION_RULES.some((r) => selects(r.drugs, drug))) return [];
  const n = p.unidentifiedMedications;
  return [{
    verdict: 'caution', rule: 'interaction.co-medications-incomplete', short: 'medication list incomplete', unknown: true, evidence: [], source: SAFETY_SOURCES.notScreened,
    text: `The co-medication list is incomplete: ${n} active medication record${n === 1 ? '' : 's'} could not be identified (medicationReference not resolvable), so interactions with ${n === 1 ? 'it' : 'them'} were not checked: review the medication list before ordering.`,
  }];
}

function interactionReasons(drug: DrugToScreen, coMeds: readonly CoMedication[]): SafetyReason[] {
  const out: SafetyReason[] = [];
  for (const r of INTERACTION_RULES) {
    if (!selects(r.drugs, drug)) continue;
    // A co-medication that is the drug itself (a renewal, or the product's own ingredient) is not an interaction.
    const hits = coMeds.filter((m) => !drug.ingredients.includes(m.ingredient) && selects(r.with, { ingredients: [m.ingredient], classes: m.classes }));
    if (hits.length === 0) continue;
    const names = [...new Set(hits.map((h) => h.ingredient))].join(', ');
    const reason: SafetyReason = { verdict: r.verdict, rule: r.id, short: `with ${names}`, text: r.text, evidence: hits.map((h) => h.evidence), source: r.source };
    if (r.alternative) reason.alternative = r.alternative;
    out.push(reason);
  }
  return out;
}

/**
 * Screens one drug. `coDrafted` are the other draft orders of the same order-sign call (their
 * interactions count as if active).
 */
export function screenDrug(p: PatientSafety, drug: DrugToScreen, coDrafted: readonly CoMedication[] = []): Screening {
  if (!p.available) {
    return { verdict: 'caution', reasons: [{ verdict: 'caution', rule: 'not-screened.no-data', short: 'not safety-screened', unknown: true, evidence: [], source: SAFETY_SOURCES.notScreened,
      text: 'The safety data (allergies, pregnancy, contraindications, interactions) were not available: check them before ordering.' }] };
  }
  if (drug.ingredients.length === 0) {
    return { verdict: 'caution', reasons: [{ verdict: 'caution', rule: 'not-screened.unknown-drug', short: 'drug not recognised', unknown: true, evidence: [], source: SAFETY_SOURCES.notScreened,
      text: `${drug.display} is not in Prognos's drug table, so it was not screened: check allergies, pregnancy, contraindications and interactions.` }] };
  }
  const reasons = [
    ...allergyReasons(p, drug),
    ...conditionReasons(p, drug, PREGNANCY_RULES),
    ...conditionReasons(p, drug, LACTATION_RULES),
    ...conditionReasons(p, drug, CONDITION_RULES),
    ...labReasons(p, drug),
    ...interactionReasons(drug, [...p.coMedications, ...coDrafted]),
    ...incompleteCoMedicationReasons(p, drug),
  ];
  const verdict = reasons.some((r) => r.verdict === 'block') ? 'block' : reasons.length > 0 ? 'caution' : 'clear';
  // Blocking reasons first: they are what the card must say.
  reasons.sort((a, b) => (a.verdict === b.verdict ? 0 : a.verdict === 'block' ? -1 : 1));
  return { verdict, reasons };
}

/** "Condition 2019-03-01 (Z95.2 Presence of prosthetic heart valve)" style citation of the evidence. */
export function describeEvidence(r: SafetyReason): string {
  if (r.evidence.length === 0) return r.unknown ? 'not in the record' : '';
  return r.evidence.slice(0, 3).map((e) => [e.resourceType, e.date, e.value, e.display].filter(Boolean).join(' ')).join('; ');
}

/** One markdown bullet per reason: text, the record entries it rests on, the source. */
export function reasonLines(drugName: string, s: Screening): string[] {
  return s.reasons.map((r) => {
    const ev = describeEvidence(r);
    return `- ${drugName}: ${r.text}${ev ? ` Record: ${ev}.` : ''} Source: ${r.source.label}.`;
  });
}
