/**
 * A copy of a record with every date moved forward by whole days, so that an old Synthea record ends
 * now (issue 11: the demo shows, beside each old record, what the service does with current data).
 * Every FHIR date / dateTime / instant string moves, birthDate included, so ages and intervals stay
 * as recorded. Only values that are entirely a date are touched, never ids, references or codes.
 */
import type { Resource } from '@medplum/fhirtypes';

const DAY_MS = 86_400_000;
/** Elements that may look like a date but are identifiers or codes. */
const NOT_DATES: ReadonlySet<string> = new Set(['id', 'reference', 'code', 'value', 'system', 'url', 'fullUrl']);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function shiftValue(v: unknown, days: number): unknown {
  if (typeof v === 'string') {
    if (DATE_ONLY.test(v)) return new Date(Date.parse(v) + days * DAY_MS).toISOString().slice(0, 10);
    if (DATE_TIME.test(v)) return new Date(Date.parse(v) + days * DAY_MS).toISOString();
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => shiftValue(x, days));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, NOT_DATES.has(k) ? x : shiftValue(x, days)]));
  return v;
}

/** Whole days from `lastDataAt` to one day before `now` (0 when the record is already current). */
export function daysToNow(lastDataAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - DAY_MS - lastDataAt.getTime()) / DAY_MS));
}

export function shiftRecord(resources: readonly Resource[], days: number): Resource[] {
  return resources.map((r) => shiftValue(r, days) as Resource);
}
