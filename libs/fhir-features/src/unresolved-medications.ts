/**
 * How a feature says that active medicines could not be identified (a medicationReference with no
 * contained, bundled or _include-d Medication and no display, issue 11). One module, so the common,
 * safety and pharmacogenomic resolvers say it alike and none reads "unidentified" as "not taking it".
 */

/** Note of a medication feature that cannot be 0 because some active medicines are unidentified. */
export function unresolvedMedicationNote(n: number): string {
  return `unknown: ${n} active medication record${n === 1 ? '' : 's'} could not be identified (medicationReference not resolvable)`;
}

/**
 * Provenance concept of the 'safety-context' item that counts unidentified active medicines (its
 * `value`): the screening stage then knows the co-medication list is incomplete.
 */
export const UNIDENTIFIED_MEDICATIONS_CONCEPT = 'unidentified_medications';
