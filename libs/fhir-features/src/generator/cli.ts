#!/usr/bin/env node
/**
 * Writes N synthetic patients as FHIR R4 Bundles (one JSON file each).
 *
 *   npm run generate -- --count N --out DIR [--seed S] [--size N] [--profile P] [--si-share F]
 *
 * Patient i uses seed S + i; --size is the resource count per patient (50..20000, default 300);
 * without --profile the profile is drawn from the seed.
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
}

const USAGE = 'usage: generate --count N --out DIR [--seed S] [--size 50..20000] [--profile ' + PATIENT_PROFILES.join('|') + '] [--si-share 0..1]';

export function parseArgs(argv: readonly string[]): CliArgs | string {
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
      default: return `unknown option ${flag}`;
    }
  }
  if (args.count === undefined || args.out === undefined) return 'both --count and --out are required';
  return args as CliArgs;
}

export function main(argv: readonly string[]): number {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n${USAGE}\n`);
    return 2;
  }
  fs.mkdirSync(parsed.out, { recursive: true });
  for (let i = 0; i < parsed.count; i++) {
    const seed = parsed.seed + i;
    const bundle = generatePatient({ seed, profile: parsed.profile, targetResources: parsed.size, siShare: parsed.siShare });
    fs.writeFileSync(path.join(parsed.out, `synthetic-${seed}.json`), JSON.stringify(bundle));
  }
  process.stdout.write(`wrote ${parsed.count} synthetic patients (${parsed.size} resources each) to ${path.resolve(parsed.out)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
