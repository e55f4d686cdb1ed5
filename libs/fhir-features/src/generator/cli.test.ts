import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractPatientFeatures } from '../extract-patient-features';
import { HELP, main, parseArgs, USAGE } from './cli';

describe('generate CLI', () => {
  it('parses options and rejects bad ones with a message', () => {
    const now = new Date('2026-12-03T10:00:00Z');
    expect(parseArgs(['--count', '2', '--out', 'x', '--seed', '5', '--size', '100'], () => now)).toEqual({ count: 2, out: 'x', seed: 5, size: 100, asOf: now });
    expect(parseArgs(['--count', '1', '--out', 'x', '--as-of', '2025-01-31'])).toMatchObject({ asOf: new Date('2025-01-31T00:00:00Z') });
    expect(parseArgs(['--count', '1', '--out', 'x', '--as-of', 'yesterday'])).toMatch(/--as-of must be a date/);
    expect(parseArgs(['--help'])).toBe(HELP);
    expect(parseArgs(['--count', '1', '-h'])).toBe(HELP);
    expect(parseArgs(['--count', '2'])).toMatch(/required/);
    expect(parseArgs(['--count', '2', '--out', 'x', '--size', '10'])).toMatch(/50..20000/);
    expect(parseArgs(['--count', '2', '--out', 'x', '--profile', 'zzz'])).toMatch(/profile must be one of/);
    expect(parseArgs(['--bogus', '1'])).toMatch(/unknown option/);
  });

  it('--help prints the usage on stdout and exits 0; a bad option prints the reason then the usage on stderr', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(main(['--help'])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toBe(`${USAGE}\n`);
      expect(USAGE).toMatch(/--as-of DATE .*default: now/);
      expect(err).not.toHaveBeenCalled();
      expect(main(['--count', '0'])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^--count must be an integer 1..100000\n\nusage: /);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('ends the records now by default (current results), or at --as-of', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-gen-'));
    const lastDate = (file: string): number => {
      const b = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      return Math.max(...b.entry.map((e: { resource: { effectiveDateTime?: string } }) => Date.parse(e.resource.effectiveDateTime ?? '')).filter(Number.isFinite));
    };
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(main(['--count', '1', '--out', dir, '--seed', '3', '--profile', 'ckd-g4-a3', '--size', '200'])).toBe(0);
      const ageDays = (Date.now() - lastDate('synthetic-3.json')) / 86_400_000;
      expect(ageDays).toBeGreaterThanOrEqual(0);
      expect(ageDays).toBeLessThan(120); // the latest result is recent: KFRE can run as of now
      const b = JSON.parse(fs.readFileSync(path.join(dir, 'synthetic-3.json'), 'utf8'));
      expect(extractPatientFeatures(b, new Date()).egfr.length).toBeGreaterThan(0);
      expect(main(['--count', '1', '--out', dir, '--seed', '4', '--size', '60', '--as-of', '2024-02-01'])).toBe(0);
      expect(lastDate('synthetic-4.json')).toBeLessThan(Date.parse('2024-02-01'));
      expect(lastDate('synthetic-4.json')).toBeGreaterThan(Date.parse('2023-06-01'));
    } finally {
      out.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes one Bundle per patient', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-gen-'));
    try {
      expect(main(['--count', '3', '--out', dir, '--seed', '10', '--size', '60'])).toBe(0);
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(['synthetic-10.json', 'synthetic-11.json', 'synthetic-12.json']);
      const b = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
      expect(b.resourceType).toBe('Bundle');
      expect(b.entry).toHaveLength(60);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
