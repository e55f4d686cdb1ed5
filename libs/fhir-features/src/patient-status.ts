/**
 * Whether the record's Patient is deceased as of the hook time (deceasedBoolean true, or a
 * deceasedDateTime not after asOf). The HTTP service reads it before scoring: no predictions, orders
 * or referrals are made for a deceased patient (issue 11).
 */
import { collectResources } from './collect-resources';
import { extractPatient } from './extract-patient';

export interface PatientStatus {
  /** A Patient resource was in the record. */
  present: boolean;
  deceased: boolean;
  /** deceasedDateTime as recorded, when that is how death was recorded. */
  deceasedDate?: string;
}

/** Reads the first Patient of a record (Bundle, array, prefetch object or resource list). */
export function readPatientStatus(record: unknown, asOf: Date): PatientStatus {
  const patient = collectResources(record).patients[0];
  const info = extractPatient(patient, asOf.getTime());
  const out: PatientStatus = { present: info.present, deceased: info.deceased };
  if (info.deceasedDate) out.deceasedDate = info.deceasedDate;
  return out;
}
