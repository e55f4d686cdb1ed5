import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, parseArgs } from './cli';

describe('generate CLI', () => {
  it('parses options and rejects bad ones with a message', () => {
    expect(parseArgs(['--count', '2', '--out', 'x', '--seed', '5', '--size', '100'])).toEqual({ count: 2, out: 'x', seed: 5, size: 100 });
    expect(parseArgs(['--count', '2'])).toMatch(/required/);
    expect(parseArgs(['--count', '2', '--out', 'x', '--size', '10'])).toMatch(/50..20000/);
    expect(parseArgs(['--count', '2', '--out', 'x', '--profile', 'zzz'])).toMatch(/profile must be one of/);
    expect(parseArgs(['--bogus', '1'])).toMatch(/unknown option/);
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
