/**
 * The demo's one line per old record (issue 11): why a Synthea bundle scored as of now is mostly
 * "not computable". Its data ended years ago and results older than LAB_MAX_AGE_DAYS are not used.
 */
const DAY_MS = 86_400_000;

/**
 * @param lastDataAt the record's latest clinical date
 * @returns undefined when the record is recent enough for its labs to be used
 */
export function recordAgeNote(lastDataAt: Date, now: Date, labMaxAgeDays: number): string | undefined {
  const days = Math.floor((now.getTime() - lastDataAt.getTime()) / DAY_MS);
  if (!(days > labMaxAgeDays)) return undefined;
  return `data ends ${lastDataAt.toISOString().slice(0, 10)} (${days} days ago): results older than ${labMaxAgeDays} days `
    + '(LAB_MAX_AGE_DAYS) are not used, so most predictions are "not computable"; below it, the same record moved to end now';
}
