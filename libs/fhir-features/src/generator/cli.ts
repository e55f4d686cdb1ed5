#!/usr/bin/env node
/**
 * Writes N synthetic patients as FHIR R4 Bundles (one JSON file each).
 *
 *   npm run generate -- --count N --out DIR [--seed S] [--size N] [--profile P] [--si-share F] [--as-of DATE]
 *   npm run generate -- --help
 *
 * Patient i uses seed S + i; --size is the resource count per patient (50..20000, default 300);
 * without --profile the profile is drawn from the seed. Records end just before --as-of (default:
 * now), so the services, which score as of the hook time, find current results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generatePatient, PATIENT_PROFILES, type PatientProfile } from './generate-patient';

interface CliArgs {
  count: number;
  out: string;
  seed: number;
  size: number;
  profile?: PatientProfile;
  siShare?: number;
  /** The records end just before this instant. @defaultValue now */
  asOf?: Date;
}

export const USAGE = [
  'usage: npm run generate -- --count N --out DIR [options]',
  '',
  'Writes N synthetic longitudinal patients as FHIR R4 Bundles (DIR/synthetic-<seed>.json).',
  '',
  '  --count N          number of patients (1..100000), required',
  '  --out DIR          output folder (created), required',
  '  --seed S           seed of the first patient; patient i uses S + i (default 1)',
  '  --size N           resources per patient, 50..20000 (default 300)',
  `  --profile P        ${PATIENT_PROFILES.join(' | ')} (default: drawn from the seed)`,
  '  --si-share F       share of lab results in SI units, 0..1 (default 0.3)',
  '  --as-of DATE       the records end just before this date or date-time (default: now)',
  '  --help             print this and exit',
].join('\n');

/** '--help' / '-h' anywhere asks for the usage. */
export const HELP = Symbol('help');

export function parseArgs(argv: readonly string[], now: () => Date = () => new Date()): CliArgs | string | typeof HELP {
  if (argv.includes('--help') || argv.includes('-h')) return HELP;
  const args: Partial<CliArgs> = { seed: 1, size: 300 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) return `missing value for ${flag}`;
    i++;
    const num = Number(value);
    switch (flag) {
      case '--count': if (!Number.isInteger(num) || num < 1 || num > 100_000) return '--count must be an integer 1..100000'; args.count = num; break;
      case '--out': args.out = value; break;
      case '--seed': if (!Number.isInteger(num)) return '--seed must be an integer'; args.seed = num; break;
      case '--size': if (!Number.isInteger(num) || num < 50 || num > 20_000) return '--size must be an integer 50..20000'; args.size = num; break;
      case '--profile':
        if (![...PATIENT_PROFILES, 'pgx'].includes(value)) return `--profile must be one of ${[...PATIENT_PROFILES, 'pgx'].join(', ')}`;
        args.profile = value as PatientProfile;
        break;
      case '--si-share': if (!(num >= 0 && num <= 1)) return '--si-share must be 0..1'; args.siShare = num; break;
      case '--as-of': {
        const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : NaN;
        if (!Number.isFinite(t)) return '--as-of must be a date (YYYY-MM-DD) or a date-time with offset';
        args.asOf = new Date(t);
        break;
      }
      default: return `unknown option ${flag}`;
    }
  }
  if (args.count === undefined || args.out === undefined) return 'both --count and --out are required';
  args.asOf ??= now();
  return args as CliArgs;
}

export function main(argv: readonly string[]): number {
  const parsed = parseArgs(argv);
  if (parsed === HELP) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n\n${USAGE}\n`);
    return 2;
  }
  fs.mkdirSync(parsed.out, { recursive: true });
  for (let i = 0; i < parsed.count; i++) {
    const seed = parsed.seed + i;
    const bundle = generatePatient({ seed, profile: parsed.profile, targetResources: parsed.size, siShare: parsed.siShare, asOf: parsed.asOf });
    fs.writeFileSync(path.join(parsed.out, `synthetic-${seed}.json`), JSON.stringify(bundle));
  }
  process.stdout.write(`wrote ${parsed.count} synthetic patients (${parsed.size} resources each, ending ${parsed.asOf!.toISOString()}) to ${path.resolve(parsed.out)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
