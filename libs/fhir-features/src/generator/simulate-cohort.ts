/**
 * Writes a simulated cohort (progression-simulator.ts) as FHIR Bulk Data NDJSON: one file per
 * resource type (Patient.ndjson, Observation.ndjson, ...), one resource per line, so the dataset
 * builder reads it exactly as it would read a hospital's `$export`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SIMULATED_TYPES, simulatePatient } from './progression-simulator';

export interface CohortSummary {
  patients: number;
  resources: number;
  kidneyFailures: number;
  fastProgressors: number;
}

export function writeSimulatedCohort(outDir: string, count: number, seed: number): CohortSummary {
  fs.mkdirSync(outDir, { recursive: true });
  const fds = new Map<string, number>();
  const buffers = new Map<string, string[]>();
  for (const t of SIMULATED_TYPES) {
    fds.set(t, fs.openSync(path.join(outDir, `${t}.ndjson`), 'w'));
    buffers.set(t, []);
  }
  const flush = (t: string): void => {
    const b = buffers.get(t)!;
    if (b.length > 0) fs.writeSync(fds.get(t)!, b.join(''));
    b.length = 0;
  };
  const summary: CohortSummary = { patients: 0, resources: 0, kidneyFailures: 0, fastProgressors: 0 };
  try {
    for (let i = 0; i < count; i++) {
      const p = simulatePatient({ seed, index: i });
      summary.patients++;
      if (p.kidneyFailureMs !== undefined) summary.kidneyFailures++;
      if (p.fastProgressor) summary.fastProgressors++;
      for (const r of p.resources) {
        const b = buffers.get(r.resourceType);
        if (!b) continue;
        b.push(JSON.stringify(r) + '\n');
        summary.resources++;
        if (b.length >= 5000) flush(r.resourceType);
      }
    }
    for (const t of SIMULATED_TYPES) flush(t);
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
  }
  return summary;
}
