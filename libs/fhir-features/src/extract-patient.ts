/** Patient demographics as of asOf: sex, age (fractional years), deceased, US Core race. */
import { asArray, asObject, asString, MS_PER_YEAR, own, parseFhirDate, type Json } from './fhir-read';
import type { PatientInfo } from './types';

const US_CORE_RACE = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race';
const US_CORE_BIRTHSEX = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex';
/** OMB 'Black or African American' and the CDC race detail codes Black (2056-0) / African American (2058-6). */
const BLACK_RACE_CODES: ReadonlySet<string> = new Set(['2054-5', '2056-0', '2058-6']);

export function extractPatient(patient: Json | undefined, asOfMs: number): PatientInfo {
  if (!patient) return { present: false, deceased: false };
  const info: PatientInfo = { present: true, deceased: false };
  const gender = asString(own(patient, 'gender'));
  if (gender === 'male' || gender === 'female') info.sex = gender;
  const extensions = asArray(own(patient, 'extension')) ?? [];
  for (const raw of extensions) {
    const ext = asObject(raw);
    const url = ext ? asString(ext.url) : undefined;
    if (!ext || !url) continue;
    if (url === US_CORE_RACE) {
      info.raceBlack ??= false;
      for (const sub of asArray(ext.extension) ?? []) {
        const s = asObject(sub);
        const subUrl = s ? asString(s.url) : undefined;
        if (!s || (subUrl !== 'ombCategory' && subUrl !== 'detailed')) continue;
        const coding = asObject(s.valueCoding);
        const code = coding ? asString(coding.code) : undefined;
        if (code && BLACK_RACE_CODES.has(code)) info.raceBlack = true;
        // OMB categories (for the IWPC warfarin race terms: Asian, Black, missing or mixed).
        if (code && subUrl === 'ombCategory' && !(info.raceOmb ??= []).includes(code)) info.raceOmb.push(code);
      }
    } else if (url === US_CORE_BIRTHSEX && info.sex === undefined) {
      // Only when administrative gender is other/unknown: the sex-specific equations need one of two.
      const v = asString(ext.valueCode);
      if (v === 'M') info.sex = 'male';
      else if (v === 'F') info.sex = 'female';
    }
  }
  const birthMs = parseFhirDate(own(patient, 'birthDate'));
  if (Number.isFinite(birthMs) && birthMs <= asOfMs) {
    info.birthMs = birthMs;
    info.ageYears = (asOfMs - birthMs) / MS_PER_YEAR;
  }
  if (own(patient, 'deceasedBoolean') === true) info.deceased = true;
  const deceasedMs = parseFhirDate(own(patient, 'deceasedDateTime'));
  if (Number.isFinite(deceasedMs) && deceasedMs <= asOfMs) {
    info.deceased = true;
    info.deceasedDate = own(patient, 'deceasedDateTime') as string;
  }
  return info;
}
