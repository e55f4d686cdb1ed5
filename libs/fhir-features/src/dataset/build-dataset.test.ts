import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { creatinineForEgfr } from '../ckd-epi-2021';
import { writeSimulatedCohort } from '../generator/simulate-cohort';
import { addPatient, createAccumulator, META_COLUMNS, patientDraw } from './build-dataset';
import { readFhirSource } from './read-fhir-source';
import { writeDataset } from './write-dataset';
import { encodeNpy, readNpy } from './write-npy';

const YEAR = 365.2425 * 86_400_000;
const BIRTH = Date.parse('1950-01-01');

/** A patient with quarterly creatinine and ACR from `start` to `end` along an eGFR path, plus dialysis at `dialysis`. */
function patient(id: string, start: string, end: string, egfrAt: (yearsFromStart: number) => number, dialysis?: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ resourceType: 'Patient', id, gender: 'female', birthDate: '1950-01-01' }];
  const subject = { reference: `Patient/${id}` };
  let n = 0;
  for (let t = Date.parse(start); t <= Date.parse(end); t += YEAR / 4) {
    const y = (t - Date.parse(start)) / YEAR;
    const scr = creatinineForEgfr(egfrAt(y), (t - BIRTH) / YEAR, 'female');
    const iso = new Date(t).toISOString();
    out.push({ resourceType: 'Observation', id: `${id}-${n++}`, status: 'final', subject, code: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] }, effectiveDateTime: iso, valueQuantity: { value: Math.round(scr * 1000) / 1000, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' } });
    out.push({ resourceType: 'Observation', id: `${id}-${n++}`, status: 'final', subject, code: { coding: [{ system: 'http://loinc.org', code: '9318-7' }] }, effectiveDateTime: iso, valueQuantity: { value: 300, unit: 'mg/g', system: 'http://unitsofmeasure.org', code: 'mg/g' } });
  }
  if (dialysis) out.push({ resourceType: 'Procedure', id: `${id}-d`, status: 'completed', subject, code: { coding: [{ system: 'http://snomed.info/sct', code: '265764009' }] }, performedDateTime: dialysis });
  return out;
}

describe('dataset builder', () => {
  it('labels kidney failure within 2 and 5 years, censors short follow-up, and never indexes after the event', () => {
    // Train-period patient (index before 2017): dialysis in 2015-06, eGFR falling 40 -> ~15.
    const acc = createAccumulator({ maxIndexPerPatient: 5 });
    const key = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => `pt-${k}`).find((k) => patientDraw(k) < 0.7)!;
    addPatient(acc, key, patient(key, '2010-01-01', '2015-05-01', (y) => 40 - 4.5 * y, '2015-06-01'));
    expect(acc.samples.length).toBeGreaterThan(0);
    const idx = META_COLUMNS.indexOf('index_year');
    for (const s of acc.samples) {
      const yearsToEvent = 2015 + 151 / 365.2425 - s.meta[idx]!;
      expect(yearsToEvent).toBeGreaterThan(0);
      expect(s.known).toEqual([1, 1]);
      expect(s.labels).toEqual([yearsToEvent <= 2 ? 1 : 0, yearsToEvent <= 5 ? 1 : 0]);
      expect(s.split).toBe(0);
    }
    // A stable patient whose record ends in 2014: indexes in 2012 have no 5-year follow-up -> censored.
    const acc2 = createAccumulator({ maxIndexPerPatient: 5 });
    addPatient(acc2, key, patient(key, '2010-01-01', '2014-01-01', () => 40));
    expect(acc2.samples.length).toBeGreaterThan(0);
    for (const s of acc2.samples) {
      const followUp = 2014 - s.meta[idx]!;
      expect(s.labels).toEqual([0, 0]);
      expect(s.known).toEqual([followUp >= 2 ? 1 : 0, 0]);
    }
  });

  it('splits by patient and by time: test patients only contribute index dates on or after the cutoff', () => {
    const testKey = Array.from({ length: 50 }, (_, i) => `k${i}`).find((k) => patientDraw(k) >= 0.85)!;
    const trainKey = Array.from({ length: 50 }, (_, i) => `k${i}`).find((k) => patientDraw(k) < 0.7)!;
    const acc = createAccumulator({ maxIndexPerPatient: 10 });
    addPatient(acc, testKey, patient(testKey, '2012-01-01', '2020-01-01', () => 35));
    addPatient(acc, trainKey, patient(trainKey, '2012-01-01', '2020-01-01', () => 35));
    const idx = META_COLUMNS.indexOf('index_year');
    const test = acc.samples.filter((s) => s.split === 2);
    const train = acc.samples.filter((s) => s.split === 0);
    expect(test.length).toBeGreaterThan(0);
    expect(train.length).toBeGreaterThan(0);
    const cutoff = 1970 + Date.UTC(2017, 0, 1) / YEAR; // index_year is 1970 + ms / mean year
    expect(test.every((s) => s.meta[idx]! >= cutoff)).toBe(true);
    expect(train.every((s) => s.meta[idx]! < cutoff)).toBe(true);
  });

  it('reads a Bulk Data NDJSON export (skipping malformed lines) and a folder of Bundles alike, and writes tensors numpy can read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-ds-'));
    try {
      const fhir = path.join(dir, 'fhir');
      const summary = writeSimulatedCohort(fhir, 60, 5);
      expect(summary.patients).toBe(60);
      fs.appendFileSync(path.join(fhir, 'Observation.ndjson'), 'not json\n{"resourceType":"Observation","id":"orphan"}\n');
      const acc = createAccumulator();
      const stats = readFhirSource(fhir, (r) => addPatient(acc, r.key, r.record));
      expect(stats).toMatchObject({ format: 'ndjson', files: 5, malformed: 1, unlinked: 1 });
      expect(acc.patients).toBe(60);
      const out = path.join(dir, 'ds');
      const desc = writeDataset(acc, out, { test: true });
      const seq = readNpy(path.join(out, 'seq.npy'));
      expect(seq.shape).toEqual([desc.samples, 48, 10]);
      expect(readNpy(path.join(out, 'meta.npy')).shape).toEqual([desc.samples, META_COLUMNS.length]);
      expect(fs.readFileSync(path.join(out, 'DATASET_CARD.md'), 'utf8')).toContain('| concept | steps without it |');
      // The same patients as Bundles (one file each) give the same number of records.
      const bundles = path.join(dir, 'bundles');
      fs.mkdirSync(bundles);
      const byPatient = new Map<string, unknown[]>();
      readFhirSource(fhir, (r) => byPatient.set(r.key, r.record as unknown[]));
      for (const [k, resources] of byPatient) fs.writeFileSync(path.join(bundles, `${k}.json`), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) }));
      const acc2 = createAccumulator();
      expect(readFhirSource(bundles, (r) => addPatient(acc2, r.key.replace(/\.json$/, ''), r.record)).format).toBe('bundles');
      expect(acc2.samples.length).toBe(acc.samples.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npy files round-trip and carry a 64-byte aligned header', () => {
    const buf = encodeNpy(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    expect((buf.length - 24) % 64).toBe(0);
    expect(buf.toString('latin1', 10, 80)).toContain("'shape': (2, 3)");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-npy-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.npy'), buf);
      const back = readNpy(path.join(dir, 'a.npy'));
      expect(back.shape).toEqual([2, 3]);
      expect(Array.from(back.data)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('spreads patient keys that differ only in the last character over all three splits', () => {
    const draws = Array.from({ length: 1000 }, (_, i) => patientDraw(`sim-${i}`));
    const test = draws.filter((d) => d >= 0.85).length;
    const train = draws.filter((d) => d < 0.7).length;
    expect(train).toBeGreaterThan(650);
    expect(train).toBeLessThan(750);
    expect(test).toBeGreaterThan(110);
    expect(test).toBeLessThan(190);
  });
});
