/**
 * Why a hook body used to cost twice its parse to read: decoding bytes into a string over V8's
 * 128 KiB large-object size maps fresh pages that fault on first touch. Prints, per size, the time and
 * minor page faults of `Buffer.toString('latin1')`, and for generated hook bodies the naive reading
 * (decode whole + JSON.parse) against the service's reader (parseJsonBody: pieces under the size).
 *
 *   npx tsc -b && node dist-test/bench/large-string-cost.js
 */
import { parseJsonBody } from '@prognos/cds-hooks';
import { loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import { generatedRecords, patientViewCalls } from './bench-requests';

function measure(label: string, n: number, run: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(50, n); i++) run(i);
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run(i);
  const ms = (performance.now() - t0) / n;
  const faults = (process.resourceUsage().minorPageFault - f0) / n;
  console.log(`${label.padEnd(44)} ${(ms * 1000).toFixed(1).padStart(8)} µs  ${faults.toFixed(1).padStart(6)} page faults`);
}

for (const kb of [64, 120, 127, 129, 200, 376, 1000]) {
  const buf = Buffer.alloc(kb * 1024, 0x61);
  measure(`decode ${kb} KB (latin1)`, 1000, () => buf.toString('latin1'));
}
const catalog = loadServiceCatalog(loadScorerConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv));
const bodies = patientViewCalls(catalog.services, generatedRecords(1000, new Date())).map((c) => Buffer.from(c.body));
const kb = Math.round(bodies.reduce((a, b) => a + b.length, 0) / bodies.length / 1024);
measure(`pv-median bodies (${kb} KB): decode + JSON.parse`, 400, (i) => JSON.parse(bodies[i % bodies.length]!.toString('utf8')));
measure(`pv-median bodies (${kb} KB): parseJsonBody`, 400, (i) => parseJsonBody(bodies[i % bodies.length]!, 64));
