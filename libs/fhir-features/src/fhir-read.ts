/**
 * Defensive readers for untrusted FHIR JSON. Every accessor checks the runtime type, so a malformed
 * resource yields `undefined` instead of a TypeError; nothing here walks prototypes.
 */

export type Json = Record<string, unknown>;

export function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function asArray(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asFiniteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Reads a FHIR element. Every key we read is a FHIR element name, none of which exists on
 * Object.prototype, so a plain read cannot reach an inherited value (JSON.parse makes `__proto__`
 * an own data property and leaves the prototype alone); a hasOwnProperty check per read cost ~5 %
 * of extraction time for nothing.
 */
export function own(o: Json, key: string): unknown {
  return o[key];
}

export interface Coding {
  system?: string;
  code: string;
  display?: string;
}

/** The codings of a CodeableConcept that carry a string code. */
export function codingsOf(concept: unknown): Coding[] {
  const cc = asObject(concept);
  const list = cc ? asArray(cc.coding) : undefined;
  if (!list) return [];
  const out: Coding[] = [];
  for (const c of list) {
    const o = asObject(c);
    const code = o ? asString(o.code) : undefined;
    if (o && code) out.push({ system: asString(o.system), code, display: asString(o.display) });
  }
  return out;
}

/** Display text of a CodeableConcept: `text`, else the first coding display. */
export function textOf(concept: unknown): string | undefined {
  const cc = asObject(concept);
  if (!cc) return undefined;
  const t = asString(cc.text);
  if (t) return t;
  for (const c of codingsOf(cc)) if (c.display) return c.display;
  return undefined;
}

/** First coding code of a CodeableConcept (any system), e.g. clinicalStatus. */
export function firstCode(concept: unknown): string | undefined {
  const c = codingsOf(concept);
  return c.length > 0 ? c[0].code : undefined;
}

/**
 * Parses a FHIR date, dateTime or instant to epoch ms (UTC). Partial dates ('2019', '2019-05')
 * mean their first instant. Returns NaN when unparseable.
 */
export function parseFhirDate(v: unknown): number {
  if (typeof v !== 'string' || v.length < 4 || v.length > 40) return NaN;
  // Date.parse treats a date-only string as UTC and a dateTime without offset as local time; FHIR
  // requires an offset whenever a time is given, so both cases are unambiguous for valid input.
  return Date.parse(v);
}

export const MS_PER_DAY = 86_400_000;
/** Mean Gregorian year, for fractional ages and slopes per year. */
export const MS_PER_YEAR = 365.2425 * MS_PER_DAY;

export function isoDate(t: number): string {
  return new Date(t).toISOString();
}
