/**
 * What leaves the HTTP side for a scorer (and, in distributed mode, crosses Redis) is minimised:
 * together, an exact fractional age and the exact hook time give the date of birth to the day, and
 * exact lab dates date the patient's visits. So:
 * - `asOf` is the placeholder HOOK_TIME_REFERENCE (the HTTP side binds it back in resources);
 * - ages (`age_years` values and the age provenance item) are whole years (floored);
 * - provenance dates become `daysBefore`, whole calendar days before the hook (card text names the
 *   day with a token that the HTTP side turns back into the date: cards stay exactly as true);
 * - provenance `display` text is kept only for coded facts (condition / medication names, shown on
 *   cards); observation displays are EHR free text and never needed by a scorer;
 * - a date in an extractor's note ("too old: last value 2021-03-13, ...") becomes a day token, which
 *   the HTTP side turns back into the same date in card text.
 * Feature values (lab values, slopes, `*_age_days` intervals) cross unchanged: they are what
 * scoring needs, and none is a date.
 * Learned-model sequences (`input.sequences`) are minimised where they are built (buildSequence,
 * the one code path for training and serving): step times are whole calendar days before the hook,
 * the age static whole years. unminimisedField checks them like the feature sets.
 */
import {
  HOOK_TIME_REFERENCE, daysBeforeToken, SEQUENCE_DAYS_PER_YEAR, SEQUENCE_SETS, SEQUENCE_WHOLE_YEAR_STATICS,
  type FeatureVectorPayload, type ProvenanceItem, type ScoringInput, type SequencePayload, type SequenceSetDefinition,
} from '@prognos/contracts';

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

/** An ISO date or date-time as written in a record (with its own offset, if any). */
const NOTE_DATE = /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/g;

/** A note with every date replaced by the day token of its calendar day. */
export function minimiseNote(note: string, asOf: Date): string {
  return note.replace(NOTE_DATE, (date) => {
    const days = calendarDaysBefore(date, asOf);
    return days === undefined ? 'an unreadable date' : daysBeforeToken(days);
  });
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
    provenance: payload.provenance.map((p) => ({
      ...p, items: p.items.map((it) => minimiseItem(it, hookDayMs)), ...(p.note !== undefined ? { note: minimiseNote(p.note, asOf) } : {}),
    })),
  };
}

/** The input with every feature set minimised and `asOf` replaced by HOOK_TIME_REFERENCE. */
export function minimiseScoringInput(input: ScoringInput, asOf: Date): ScoringInput {
  const featureSets: ScoringInput['featureSets'] = {};
  for (const [name, payload] of Object.entries(input.featureSets)) featureSets[name] = minimiseFeaturePayload(payload, asOf);
  return { ...input, asOf: HOOK_TIME_REFERENCE, featureSets };
}

/** Float tolerance for "a whole number" after the sequence's normalisation arithmetic. */
const WHOLE_EPSILON = 1e-6;
const isWhole = (x: number): boolean => Number.isFinite(x) && Math.abs(x - Math.round(x)) < WHOLE_EPSILON;

/** The first field of a sequence that is not minimised (or cannot be checked); undefined when clean. */
function unminimisedSequenceField(key: string, seq: SequencePayload): string | undefined {
  const def = (SEQUENCE_SETS as Record<string, SequenceSetDefinition>)[seq.set];
  // An unknown set cannot be checked: refused rather than trusted.
  if (!def) return `sequences.${key}.set`;
  for (let i = 0; i < seq.length; i++) {
    // Channels 0 and 1: years_before_index and gap_years (sequenceChannelNames), whole days each.
    if (!isWhole(seq.steps[i * seq.channels]! * SEQUENCE_DAYS_PER_YEAR)) return `sequences.${key}.steps.years_before_index`;
    if (!isWhole(seq.steps[i * seq.channels + 1]! * SEQUENCE_DAYS_PER_YEAR)) return `sequences.${key}.steps.gap_years`;
  }
  for (const [k, st] of def.statics.entries()) {
    if (!SEQUENCE_WHOLE_YEAR_STATICS.has(st.source) || seq.staticPresent[k] !== 1) continue;
    const v = seq.statics[k]!;
    const raw = st.transform === 'log1p' ? Math.expm1(v * st.scale + st.center) : v * st.scale + st.center;
    if (!isWhole(raw)) return `sequences.${key}.statics.${st.name}`;
  }
  return undefined;
}

/** What a minimised input may not carry (checked before a job is enqueued); undefined when clean. */
export function unminimisedField(input: ScoringInput): string | undefined {
  if (input.asOf !== HOOK_TIME_REFERENCE) return 'asOf';
  for (const [key, seq] of Object.entries(input.sequences ?? {})) {
    const field = unminimisedSequenceField(key, seq);
    if (field) return field;
  }
  for (const [name, p] of Object.entries(input.featureSets)) {
    for (const [i, n] of p.names.entries()) if (AGE_FEATURES.has(n) && !Number.isInteger(p.values[i])) return `featureSets.${name}.${n}`;
    for (const f of p.provenance) {
      if (f.note !== undefined && new RegExp(NOTE_DATE.source).test(f.note)) return `featureSets.${name}.provenance.${f.feature}.note`;
      for (const it of f.items) {
        if (it.date !== undefined) return `featureSets.${name}.provenance.${f.feature}.date`;
        if (it.concept === 'age' && it.value !== undefined && !Number.isInteger(it.value)) return `featureSets.${name}.provenance.${f.feature}.value`;
      }
    }
  }
  return undefined;
}
