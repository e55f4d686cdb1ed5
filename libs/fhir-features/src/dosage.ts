/** Dose per administration (mg) and administrations per day from FHIR Dosage, when derivable. */
import { asArray, asFiniteNumber, asObject, asString, codingsOf, type Json } from './fhir-read';

// Maps, not object literals: untrusted keys such as 'constructor' must not hit Object.prototype.
const PERIOD_DAYS: ReadonlyMap<string, number> = new Map([['s', 1 / 86400], ['min', 1 / 1440], ['h', 1 / 24], ['d', 1], ['wk', 7], ['mo', 30.4375], ['a', 365.2425]]);

/** HL7 v3 GTSAbbreviation timing codes -> administrations per day. */
const TIMING_CODES: ReadonlyMap<string, number> = new Map([
  ['QD', 1], ['BID', 2], ['TID', 3], ['QID', 4], ['AM', 1], ['PM', 1], ['QOD', 0.5], ['Q4H', 6], ['Q6H', 4], ['Q8H', 3], ['Q12H', 2], ['WK', 1 / 7],
]);

const UNIT_DOSE_UNITS: ReadonlySet<string> = new Set(['', '1', '{tbl}', '{tablet}', 'tablet', 'tablets', 'tab', '{capsule}', 'capsule', 'capsules', 'cap', '{puff}']);

export interface DoseInfo {
  doseMg?: number;
  frequencyPerDay?: number;
}

export function readDosage(dosageInstruction: unknown, strengthMg: number | undefined): DoseInfo {
  const list = asArray(dosageInstruction);
  const d = list && list.length > 0 ? asObject(list[0]) : undefined;
  if (!d) return {};
  const out: DoseInfo = {};
  const dr = asArray(d.doseAndRate);
  const dq = dr && dr.length > 0 ? asObject(asObject(dr[0])?.doseQuantity) : undefined;
  if (dq) {
    const v = asFiniteNumber(dq.value);
    const unit = (asString(dq.code) ?? asString(dq.unit) ?? '').trim();
    if (v !== undefined && v > 0) {
      const u = unit.toLowerCase();
      if (u === 'mg') out.doseMg = v;
      else if (u === 'g') out.doseMg = v * 1000;
      else if (u === 'ug' || u === 'mcg' || u === 'µg') out.doseMg = v / 1000;
      else if (UNIT_DOSE_UNITS.has(u) && strengthMg !== undefined) out.doseMg = v * strengthMg;
    }
  }
  const freq = frequencyOf(asObject(d.timing));
  if (freq !== undefined) out.frequencyPerDay = freq;
  return out;
}

function frequencyOf(timing: Json | undefined): number | undefined {
  if (!timing) return undefined;
  const rep = asObject(timing.repeat);
  if (rep) {
    const frequency = asFiniteNumber(rep.frequency) ?? 1;
    const period = asFiniteNumber(rep.period);
    const unit = asString(rep.periodUnit);
    const days = unit !== undefined ? PERIOD_DAYS.get(unit) : undefined;
    if (period !== undefined && period > 0 && days !== undefined && frequency > 0) return frequency / (period * days);
  }
  for (const c of codingsOf(timing.code)) {
    const f = TIMING_CODES.get(c.code.toUpperCase());
    if (f !== undefined) return f;
  }
  return undefined;
}
