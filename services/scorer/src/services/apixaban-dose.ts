/**
 * Apixaban dose-reduction criteria for non-valvular AF (US prescribing information, Eliquis,
 * §2.2): 2.5 mg twice daily in patients with at least two of age >= 80 years, body weight
 * <= 60 kg, serum creatinine >= 1.5 mg/dL; otherwise 5 mg twice daily.
 * With a strong dual CYP3A4 and P-gp inhibitor (§2.5, §7.1): reduce 5 mg twice daily to 2.5 mg
 * twice daily; in patients already due 2.5 mg twice daily, avoid the combination.
 */

export interface ApixabanDoseInput {
  ageYears?: number;
  weightKg?: number;
  /** Recent serum creatinine in mg/dL (undefined when absent or older than LAB_MAX_AGE_DAYS). */
  creatinineMgDl?: number;
  /** Name of an active strong dual CYP3A4 + P-gp inhibitor (e.g. 'ketoconazole'), if any. */
  strongDualInhibitor?: string;
  /** How to name a missing creatinine (e.g. "recent serum creatinine (last 0.77 mg/dL on 2025-06-29 is too old)"). */
  creatinineUnknownAs?: string;
}

export interface ApixabanDoseAssessment {
  met: string[];
  unknown: string[];
  /** Two or more criteria met: 2.5 mg twice daily. */
  reduce: boolean;
  /** Fewer than two met, but unknown inputs could make it two: the dose cannot be settled. */
  undetermined: boolean;
  /** 2.5 mg is due by the criteria and a strong dual inhibitor is active: avoid apixaban (§2.5). */
  avoid: boolean;
  /** The creatinine criterion could not be checked (no recent result): a creatinine order helps. */
  creatinineUnknown: boolean;
}

export const APIXABAN_CRITERIA = { ageYears: 80, weightKg: 60, creatinineMgDl: 1.5 } as const;

export function assessApixabanDose(input: ApixabanDoseInput): ApixabanDoseAssessment {
  const met: string[] = [];
  const unknown: string[] = [];
  const check = (value: number | undefined, ok: (v: number) => boolean, label: string, what: string) => {
    if (value === undefined) unknown.push(what);
    else if (ok(value)) met.push(label);
  };
  check(input.ageYears, (v) => v >= APIXABAN_CRITERIA.ageYears, `age ${Math.floor(input.ageYears ?? 0)} ≥ 80 years`, 'age');
  check(input.weightKg, (v) => v <= APIXABAN_CRITERIA.weightKg, `weight ${input.weightKg} kg ≤ 60 kg`, 'body weight');
  check(input.creatinineMgDl, (v) => v >= APIXABAN_CRITERIA.creatinineMgDl, `creatinine ${input.creatinineMgDl} mg/dL ≥ 1.5`, input.creatinineUnknownAs ?? 'recent serum creatinine');
  const byCriteria = met.length >= 2;
  const inhibitor = input.strongDualInhibitor;
  if (inhibitor) met.push(`${inhibitor} (strong dual CYP3A4 and P-gp inhibitor: label §2.5)`);
  const reduce = byCriteria || inhibitor !== undefined;
  // Criteria not settled by the record (with an inhibitor: whether to avoid apixaban altogether).
  const undetermined = !byCriteria && met.length - (inhibitor ? 1 : 0) + unknown.length >= 2;
  return {
    met, unknown, reduce, undetermined, avoid: byCriteria && inhibitor !== undefined,
    creatinineUnknown: input.creatinineMgDl === undefined,
  };
}
