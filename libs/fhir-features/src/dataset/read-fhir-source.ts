/**
 * Reads a folder of FHIR R4 data as patient records: either NDJSON files as written by a FHIR Bulk
 * Data `$export` (one file per resource type, e.g. Patient.ndjson, Observation.ndjson; resources
 * tied to their patient by `subject` / `patient` reference), or JSON files each holding a Bundle
 * (one patient's record, as Synthea or the generator writes them). A line or file that is not
 * valid JSON is skipped and counted, never fatal.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SourceRecord {
  /** Patient key within the source (never written to the dataset). */
  key: string;
  /** Bundle(s) or resources; extractPatientFeatures accepts either. */
  record: unknown;
}

export interface SourceStats {
  format: 'ndjson' | 'bundles' | 'empty';
  files: number;
  /** Lines or files that were not valid JSON. */
  malformed: number;
  /** NDJSON resources whose patient could not be told (no subject/patient reference). */
  unlinked: number;
}

function patientRefOf(resource: Record<string, unknown>): string | undefined {
  if (resource.resourceType === 'Patient') return typeof resource.id === 'string' ? resource.id : undefined;
  for (const field of ['subject', 'patient', 'beneficiary']) {
    const ref = (resource[field] as { reference?: unknown } | undefined)?.reference;
    if (typeof ref === 'string') {
      const m = /(?:^|\/)Patient\/([^/]+)$/.exec(ref) ?? /^urn:uuid:(.+)$/.exec(ref);
      if (m) return m[1];
    }
  }
  return undefined;
}

/** Lists NDJSON / JSON files; NDJSON wins when both are present. */
export function detectSource(dir: string): { format: SourceStats['format']; files: string[] } {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  const ndjson = names.filter((n) => n.endsWith('.ndjson')).map((n) => path.join(dir, n));
  if (ndjson.length > 0) return { format: 'ndjson', files: ndjson };
  const json = names.filter((n) => n.endsWith('.json')).map((n) => path.join(dir, n));
  return { format: json.length > 0 ? 'bundles' : 'empty', files: json };
}

/**
 * Calls `onRecord` once per patient. NDJSON is grouped in memory by patient (lines kept as text and
 * parsed per patient, so memory stays near the file size); Bundles are read one file at a time.
 */
export function readFhirSource(dir: string, onRecord: (r: SourceRecord) => void): SourceStats {
  const { format, files } = detectSource(dir);
  const stats: SourceStats = { format, files: files.length, malformed: 0, unlinked: 0 };
  if (format === 'bundles') {
    for (const f of files) {
      let parsed: unknown;
      try { parsed = JSON.parse(fs.readFileSync(f, 'utf8')); } catch { stats.malformed++; continue; }
      onRecord({ key: path.basename(f), record: parsed });
    }
    return stats;
  }
  const byPatient = new Map<string, string[]>();
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    let start = 0;
    while (start < text.length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      const line = text.slice(start, nl).trim();
      start = nl + 1;
      if (line.length === 0) continue;
      let res: Record<string, unknown>;
      try { res = JSON.parse(line) as Record<string, unknown>; } catch { stats.malformed++; continue; }
      if (res === null || typeof res !== 'object') { stats.malformed++; continue; }
      const key = patientRefOf(res);
      if (key === undefined) { stats.unlinked++; continue; }
      let list = byPatient.get(key);
      if (!list) { list = []; byPatient.set(key, list); }
      list.push(line);
    }
  }
  for (const [key, lines] of byPatient) {
    onRecord({ key, record: lines.map((l) => JSON.parse(l) as unknown) });
  }
  return stats;
}
