/**
 * Extraction throughput benchmark (not a test): resources/s and patients/s for
 * extractPatientFeatures + all feature sets, side by side with JSON.parse of the same record,
 * on the shared Synthea bundles and on generated records of 100..20,000 resources.
 *
 *   node libs/fhir-features/dist/bench/extract-bench.js [--shared DIR] [--min-ms 300]
 *
 * Prints a Markdown table. Target: extraction costs no more than parsing, and grows linearly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FEATURE_SET_NAMES } from '@prognos/contracts';
import { buildFeatureSet } from '../build-feature-set';
import { extractPatientFeatures } from '../extract-patient-features';
import { generatePatient } from '../generator/generate-patient';

interface Sample { label: string; json: string; resources: number; asOf: Date }

function timeMedian(fn: () => void, minMs: number): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up (JIT, unit cache)
  const times: number[] = [];
  const start = process.hrtime.bigint();
  while (times.length < 5 || (times.length < 2000 && Number(process.hrtime.bigint() - start) / 1e6 < minMs)) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function extractAll(record: unknown, asOf: Date): void {
  const pf = extractPatientFeatures(record, asOf);
  for (const s of FEATURE_SET_NAMES) buildFeatureSet(s, pf);
}

function measure(samples: Sample[], minMs: number): { parseMs: number; extractMs: number; resources: number } {
  let parseMs = 0;
  let extractMs = 0;
  let resources = 0;
  for (const s of samples) {
    const parsed = JSON.parse(s.json) as unknown;
    parseMs += timeMedian(() => JSON.parse(s.json), minMs);
    extractMs += timeMedian(() => extractAll(parsed, s.asOf), minMs);
    resources += s.resources;
  }
  return { parseMs, extractMs, resources };
}

function row(label: string, n: number, m: { parseMs: number; extractMs: number; resources: number }): string {
  const perPatientMs = m.extractMs / n;
  return `| ${label} | ${n} | ${Math.round(m.resources / n)} | ${(m.parseMs / n).toFixed(3)} | ${perPatientMs.toFixed(3)} | ` +
    `${Math.round(m.resources / (m.extractMs / 1000)).toLocaleString('en-US')} | ${Math.round(1000 / perPatientMs).toLocaleString('en-US')} | ` +
    `${Math.round(m.resources / (m.parseMs / 1000)).toLocaleString('en-US')} | ${(m.extractMs / m.parseMs).toFixed(2)} |`;
}

function main(argv: string[]): void {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const minMs = Number(arg('--min-ms') ?? 300);
  const sharedDir = arg('--shared') ?? path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'synthea-r4');
  const lines: string[] = [
    '| record | patients | resources/patient | JSON.parse ms/patient | extract ms/patient | extract resources/s | extract patients/s | parse resources/s | extract/parse |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  if (fs.existsSync(sharedDir)) {
    const samples: Sample[] = fs.readdirSync(sharedDir).filter((f) => f.endsWith('.json')).sort().map((f) => {
      const json = fs.readFileSync(path.join(sharedDir, f), 'utf8');
      const b = JSON.parse(json) as { entry?: unknown[] };
      return { label: f, json, resources: b.entry?.length ?? 0, asOf: new Date('2020-01-01T00:00:00Z') };
    });
    lines.push(row('Synthea R4 sample (38 bundles)', samples.length, measure(samples, Math.max(20, minMs / 10))));
  } else {
    lines.push(`| Synthea R4 sample: not found at ${sharedDir} | | | | | | | | |`);
  }
  for (const size of [100, 300, 1000, 3000, 10000, 20000]) {
    const samples: Sample[] = [1, 2, 3].map((k) => {
      const b = generatePatient({ seed: size * 10 + k, targetResources: size });
      return { label: `generated-${size}`, json: JSON.stringify(b), resources: b.entry?.length ?? 0, asOf: new Date('2025-06-30T00:00:00Z') };
    });
    lines.push(row(`generated, ${size} resources`, samples.length, measure(samples, minMs)));
  }
  process.stdout.write(`Node ${process.version}, ${process.platform}/${process.arch}; extract = extractPatientFeatures + all ${FEATURE_SET_NAMES.length} feature sets; medians.\n\n${lines.join('\n')}\n`);
}

main(process.argv.slice(2));
