/**
 * Lowest eGFR (mL/min/1.73 m²) at which each SGLT2 inhibitor may be STARTED, from its US label.
 * Agents studied for kidney and heart outcomes start lower than glycaemic-only agents.
 * - dapagliflozin (Farxiga): initiation not recommended below 25 (DAPA-CKD enrolled eGFR >= 25).
 * - empagliflozin (Jardiance): 10 mg from eGFR 20 for CKD / heart failure (EMPA-KIDNEY).
 * - canagliflozin (Invokana): not recommended below 30 (label §1 limitation of use and §2, revisions
 *   since CREDENCE; the 2017-2018 revisions said 45) [CHECKED 2026-12-03 against published label text].
 * - bexagliflozin (Brenzavvy): not recommended below 30 (label §2.1) [CHECKED 2026-12-03].
 * - sotagliflozin (Inpefa): its label §2 sets no eGFR threshold (assess renal function before
 *   starting) [CHECKED 2026-12-03]; 25 is the lowest eGFR its CKD trial SCORED enrolled, kept
 *   as the floor because nothing supports starting lower [CHECKED 2026-12-04: SCORED enrolled eGFR 25 to 60
 *   mL/min/1.73 m2, Bhatt DL et al. N Engl J Med 2021;384:129-139, doi:10.1056/NEJMoa2030186 (abstract, Methods);
 *   ACC trial summary https://www.acc.org/Latest-in-Cardiology/Clinical-Trials/2020/11/11/22/02/SCORED].
 * - ertugliflozin (Steglatro): not recommended below 45 (current label; the 2017 label said not to
 *   start from 30 to below 60) [CHECKED 2026-12-03].
 * KDIGO 2024 (Rec 3.7.1-3.7.3) sets the class threshold at 20; the label of the agent ordered decides.
 */
export const SGLT2I_LABEL_MIN_EGFR: Readonly<Record<string, number>> = {
  dapagliflozin: 25,
  empagliflozin: 20,
  canagliflozin: 30,
  bexagliflozin: 30,
  sotagliflozin: 25,
  ertugliflozin: 45,
};

/** KDIGO 2024 class threshold, used for an SGLT2 inhibitor missing from the table. */
export const SGLT2I_CLASS_MIN_EGFR = 20;

/** The label's initiation threshold of the first SGLT2 inhibitor among `ingredients`. */
export function sglt2iInitiationMinEgfr(ingredients: readonly string[]): { min: number; agent?: string } {
  for (const i of ingredients) {
    const min = SGLT2I_LABEL_MIN_EGFR[i];
    if (min !== undefined) return { min, agent: i };
  }
  return { min: SGLT2I_CLASS_MIN_EGFR };
}
