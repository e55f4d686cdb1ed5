/**
 * What leaves the HTTP side for a scorer (and, in distributed mode, crosses Redis) is minimised:
 * together, an exact fractional age and the exact hook time give the date of birth to the day, and
 * exact lab dates date the patient's visits. So:
 * - `asOf` is the placeholder HOOK_TIME_REFERENCE (the HTTP side binds it back in resources);
 * - ages (`age_years` values and the age provenance item) are whole years (floored);
 * - provenance dates become `daysBefore`, whole calendar days before the hook (card text names the
 *   day with a token that the HTTP side turns back into the date: cards stay exactly as true);
 * - provenance `display` text is kept only for coded facts (condition / medication names, shown on
 *   cards); observation displays are EHR free text and never needed by a scorer.
 * Feature values (lab values, slopes, `*_age_days` intervals) cross unchanged: they are what
 * scoring needs, and none is a date.
 */
import { HOOK_TIME_REFERENCE, type FeatureVectorPayload, type ProvenanceItem, type ScoringInput } from '@prognos/contracts';

const DAY_MS = 86_400_000;

/** Calendar days from an ISO date(-time)'s own calendar day to `asOf`'s UTC day; undefined when unparsable. */
export function calendarDaysBefore(date: string, asOf: Date): number | undefined {
  return daysBeforeDay(date, Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate()));
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/** The date's calendar day (YYYY, YYYY-MM or YYYY-MM-DD prefix) in days before `hookDayMs` (a UTC midnight). */
function daysBeforeDay(date: string, hookDayMs: number): number | undefined {
  // Fast path for the common 'YYYY-MM-DD...' (no regex, no allocation); the regexes cover the rest.
  if (date.length >= 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45) {
    const y = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
    const mo = digit(date, 5) * 10 + digit(date, 6);
    const d = digit(date, 8) * 10 + digit(date, 9);
    if ((digit(date, 0) | digit(date, 1) | digit(date, 2) | digit(date, 3) | digit(date, 5) | digit(date, 6) | digit(date, 8) | digit(date, 9)) >= 0) {
      const day = Date.UTC(y, mo - 1, d);
      return Number.isFinite(day) ? Math.round((hookDayMs - day) / DAY_MS) : undefined;
    }
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date) ?? /^(\d{4})-(\d{2})()/.exec(date) ?? /^(\d{4})()()/.exec(date);
  if (!m) return undefined;
  const day = Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
  return Number.isFinite(day) ? Math.round((hookDayMs - day) / DAY_MS) : undefined;
}

/** Features whose value is an age in years (floored to whole years). */
const AGE_FEATURES = new Set(['age_years']);

/**
 * Field by field (no rest/spread copies: this runs for every provenance item of every call and the
 * object-rest form cost a quarter of a JSON.parse of the request).
 */
function minimiseItem(item: ProvenanceItem, hookDayMs: number): ProvenanceItem {
  const out: ProvenanceItem = { concept: item.concept, resourceType: item.resourceType };
  if (item.value !== undefined) out.value = item.concept === 'age' ? Math.floor(item.value) : item.value;
  if (item.unit !== undefined) out.unit = item.unit;
  if (item.originalValue !== undefined) out.originalValue = item.originalValue;
  if (item.originalUnit !== undefined) out.originalUnit = item.originalUnit;
  if (item.daysBefore !== undefined) out.daysBefore = item.daysBefore;
  if (item.derivation !== undefined) out.derivation = item.derivation;
  if (item.date !== undefined) {
    const days = daysBeforeDay(item.date, hookDayMs);
    if (days !== undefined) out.daysBefore = days;
  }
  if (item.display !== undefined && item.derivation === 'coded') out.display = item.display;
  return out;
}

export function minimiseFeaturePayload(payload: FeatureVectorPayload, asOf: Date): FeatureVectorPayload {
  const hookDayMs = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  return {
    ...payload,
    values: payload.values.map((v, i) => (AGE_FEATURES.has(payload.names[i]!) ? Math.floor(v) : v)),
    provenance: payload.provenance.map((p) => ({ ...p, items: p.items.map((it) => minimiseItem(it, hookDayMs)) })),
  };
}

/** The input with every feature set minimised and `asOf` replaced by HOOK_TIME_REFERENCE. */
export function minimiseScoringInput(input: ScoringInput, asOf: Date): ScoringInput {
  const featureSets: ScoringInput['featureSets'] = {};
  for (const [name, payload] of Object.entries(input.featureSets)) featureSets[name] = minimiseFeaturePayload(payload, asOf);
  return { ...input, asOf: HOOK_TIME_REFERENCE, featureSets };
}

/** What a minimised input may not carry (checked before a job is enqueued); undefined when clean. */
export function unminimisedField(input: ScoringInput): string | undefined {
  if (input.asOf !== HOOK_TIME_REFERENCE) return 'asOf';
  for (const [name, p] of Object.entries(input.featureSets)) {
    for (const [i, n] of p.names.entries()) if (AGE_FEATURES.has(n) && !Number.isInteger(p.values[i])) return `featureSets.${name}.${n}`;
    for (const f of p.provenance) {
      for (const it of f.items) {
        if (it.date !== undefined) return `featureSets.${name}.provenance.${f.feature}.date`;
        if (it.concept === 'age' && it.value !== undefined && !Number.isInteger(it.value)) return `featureSets.${name}.provenance.${f.feature}.value`;
      }
    }
  }
  return undefined;
}
