/**
 * The dataset builder takes real-shaped data: the shared Synthea R4 bundles (a folder of Bundles)
 * go through the same reader, eligibility and sequence code as the simulator's NDJSON.
 */
import path from 'node:path';
import { addPatient, createAccumulator, readFhirSource } from '@prognos/fhir-features';
import { describeWithSharedData, sharedDir } from '../support/shared-data';

describeWithSharedData('dataset builder on the shared Synthea bundles', () => {
  it('reads every bundle, finds eligible CKD index dates and builds their sequences', () => {
    const acc = createAccumulator();
    const stats = readFhirSource(path.join(sharedDir() as string, 'data', 'synthea-r4'), (r) => addPatient(acc, r.key, r.record));
    expect(stats.format).toBe('bundles');
    expect(stats.malformed).toBe(0);
    expect(acc.patients).toBe(stats.files);
    expect(acc.samples.length).toBeGreaterThan(0);
    for (const s of acc.samples) {
      expect(s.length).toBeGreaterThan(0);
      expect(s.steps).toHaveLength(s.length * 10);
      expect(s.steps.every(Number.isFinite)).toBe(true);
    }
    // Most Synthea patients have normal kidney function: they are counted, not silently dropped.
    expect(acc.excluded.index_egfr_out_of_range ?? 0).toBeGreaterThan(0);
  });
});
