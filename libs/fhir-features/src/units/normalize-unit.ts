/**
 * Unit normalisation to one canonical unit per concept, with @lhncbc/ucum-lhc doing the arithmetic.
 * Conversion factors are cached per (unit, concept): every conversion we need is a pure scale factor
 * (no offsets), so one UCUM call per distinct unit string and concept is enough; the hot path is a
 * Map lookup and one multiplication.
 */
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import { CONCEPT_UNITS, type ObservationConcept } from '../codes/observation-concepts';

export type UnitOutcome =
  | { ok: true; factor: number; ucum: string; flag?: 'egfr_unit_label_ml_min' }
  | { ok: true; special: 'ifcc_hba1c'; ucum: string }
  | { ok: false; reason: 'unknown_unit' | 'incompatible_unit' };

/**
 * Unambiguous non-UCUM spellings seen in EHR feeds, mapped to their UCUM code. This is spelling
 * repair, not guessing: each left side has exactly one reading.
 */
const UNIT_ALIASES: ReadonlyMap<string, string> = new Map([
  ['mmHg', 'mm[Hg]'], ['mm Hg', 'mm[Hg]'], ['mmhg', 'mm[Hg]'],
  ['mEq/L', 'meq/L'], ['meq/l', 'meq/L'], ['mEq/l', 'meq/L'],
  ['µmol/L', 'umol/L'], ['μmol/L', 'umol/L'], ['µmol/l', 'umol/L'], ['μmol/l', 'umol/L'],
  ['mmol/l', 'mmol/L'], ['mg/dl', 'mg/dL'], ['g/dl', 'g/dL'], ['g/l', 'g/L'],
  ['lb', '[lb_av]'], ['lbs', '[lb_av]'], ['in', '[in_i]'],
  ['kg/m^2', 'kg/m2'], ['kg/m²', 'kg/m2'],
  ['mL/min/1.73m2', 'mL/min/{1.73_m2}'], ['mL/min/1.73 m2', 'mL/min/{1.73_m2}'], ['ml/min/1.73m2', 'mL/min/{1.73_m2}'],
  ['mL/min/1.73m^2', 'mL/min/{1.73_m2}'], ['mL/min/1.73m²', 'mL/min/{1.73_m2}'], ['mL/min/{1.73m2}', 'mL/min/{1.73_m2}'],
  ['mg/g creat', 'mg/g'], ['mg/g Cr', 'mg/g'], ['mg/mmol creat', 'mg/mmol'], ['mg/mmol Cr', 'mg/mmol'],
]);

const INR_UNITS: ReadonlySet<string> = new Set(['', '1', '{INR}', '{ratio}', 'INR', 'ratio', '{Ratio}']);

let ucum: UcumLhcUtils | undefined;
function ucumUtils(): UcumLhcUtils {
  ucum ??= UcumLhcUtils.getInstance();
  return ucum;
}

/** Bounded so that a feed with adversarial unit strings cannot grow memory without limit. */
const CACHE_LIMIT = 4096;
const cache = new Map<ObservationConcept, Map<string, UnitOutcome>>();
let cacheSize = 0;

/**
 * Resolves how to bring a value recorded in `unit` to the canonical unit of `concept`.
 * @param unit UCUM code (Quantity.code) or, failing that, Quantity.unit; undefined when absent.
 */
export function resolveUnit(concept: ObservationConcept, unit: string | undefined): UnitOutcome {
  const key = unit ?? '';
  let byUnit = cache.get(concept);
  const hit = byUnit?.get(key);
  if (hit) return hit;
  const outcome = computeUnit(concept, unit);
  if (cacheSize >= CACHE_LIMIT) { cache.clear(); cacheSize = 0; byUnit = undefined; }
  if (!byUnit) { byUnit = new Map(); cache.set(concept, byUnit); }
  byUnit.set(key, outcome);
  cacheSize++;
  return outcome;
}

function computeUnit(concept: ObservationConcept, rawUnit: string | undefined): UnitOutcome {
  const trimmed = (rawUnit ?? '').trim();
  if (concept === 'inr') {
    return INR_UNITS.has(trimmed) ? { ok: true, factor: 1, ucum: '{INR}' } : { ok: false, reason: 'incompatible_unit' };
  }
  if (trimmed === '' || trimmed.length > 64) return { ok: false, reason: 'unknown_unit' };
  const unit = UNIT_ALIASES.get(trimmed) ?? trimmed;
  const spec = CONCEPT_UNITS[concept];

  if (concept === 'hba1c') {
    // IFCC mmol/mol <-> NGSP % is a regression (master equation), not a unit conversion; UCUM would
    // happily (and wrongly) treat both as dimensionless ratios.
    if (unit === 'mmol/mol') return { ok: true, special: 'ifcc_hba1c', ucum: unit };
    if (unit === '%' || /^%\{[^}]*\}$/.test(unit)) return { ok: true, factor: 1, ucum: '%' };
    return isValidUcum(unit) ? { ok: false, reason: 'incompatible_unit' } : { ok: false, reason: 'unknown_unit' };
  }

  if (concept === 'egfr_reported') {
    // Synthea (and some feeds) label eGFR 'mL/min' although the value is per 1.73 m2
    // (clinical-reference §3): accept it as the canonical unit and count the defect.
    if (unit === 'mL/min' || unit === 'ml/min') return { ok: true, factor: 1, ucum: 'mL/min/{1.73_m2}', flag: 'egfr_unit_label_ml_min' };
    if (unit === 'mL/min/{1.73_m2}') return { ok: true, factor: 1, ucum: unit };
  }

  if (unit === spec.unit) return { ok: true, factor: 1, ucum: unit };
  if (!isValidUcum(unit)) return { ok: false, reason: 'unknown_unit' };
  const options: { molecularWeight?: number; charge?: number } = {};
  if (spec.molecularWeight !== undefined) options.molecularWeight = spec.molecularWeight;
  if (spec.charge !== undefined) options.charge = spec.charge;
  let res;
  try {
    res = ucumUtils().convertUnitTo(unit, 1, spec.unit, options);
  } catch {
    return { ok: false, reason: 'unknown_unit' };
  }
  if (res.status !== 'succeeded' || typeof res.toVal !== 'number' || !Number.isFinite(res.toVal) || res.toVal <= 0) {
    return { ok: false, reason: 'incompatible_unit' };
  }
  return { ok: true, factor: res.toVal, ucum: unit };
}

function isValidUcum(unit: string): boolean {
  try {
    return ucumUtils().validateUnitString(unit, false).status === 'valid';
  } catch {
    return false;
  }
}

/**
 * IFCC (mmol/mol) -> NGSP (%) by the IFCC master equation: NGSP = 0.0915 x IFCC + 2.15
 * (https://information.ifcchba1c.org/sustainable-implementation/master-equations.aspx,
 * clinical-reference §3).
 */
export function ifccToNgsp(mmolPerMol: number): number {
  return 0.0915 * mmolPerMol + 2.15;
}

/** NGSP (%) -> IFCC (mmol/mol): IFCC = 10.93 x NGSP - 23.5 (same source). */
export function ngspToIfcc(percent: number): number {
  return 10.93 * percent - 23.5;
}

/** Converts a value to the canonical unit of its concept, or explains why not. */
export function toCanonical(
  concept: ObservationConcept,
  value: number,
  unit: string | undefined,
): { ok: true; value: number; ucum: string; flag?: string } | { ok: false; reason: 'unknown_unit' | 'incompatible_unit' } {
  const r = resolveUnit(concept, unit);
  if (!r.ok) return r;
  if ('special' in r) return { ok: true, value: ifccToNgsp(value), ucum: r.ucum };
  return r.flag ? { ok: true, value: value * r.factor, ucum: r.ucum, flag: r.flag } : { ok: true, value: value * r.factor, ucum: r.ucum };
}
