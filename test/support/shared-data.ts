/**
 * Access to ../shared/data (Synthea bundles), which a user's clone does not have. Tests that need it
 * use `describeWithSharedData`: without the data they are skipped with a visible notice, except
 * under CI (CI=true), where missing data is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function sharedDir(): string | null {
  const candidates = [process.env.PROGNOS_SHARED_DIR, path.resolve(REPO_ROOT, '..', 'shared')].filter(Boolean) as string[];
  return candidates.find((d) => fs.existsSync(path.join(d, 'data', 'synthea-r4'))) ?? null;
}

/** Absolute paths of the shared Synthea R4 bundles, or [] when absent. */
export function syntheaBundlePaths(): string[] {
  const dir = sharedDir();
  if (!dir) return [];
  const data = path.join(dir, 'data', 'synthea-r4');
  return fs.readdirSync(data).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(data, f));
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function describeWithSharedData(name: string, fn: () => void): void {
  if (sharedDir()) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs ../shared/data/synthea-r4, which is missing under CI', () => {
        throw new Error('../shared/data/synthea-r4 not found (set PROGNOS_SHARED_DIR)');
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`[skipped] "${name}": ../shared/data/synthea-r4 not found (set PROGNOS_SHARED_DIR to run it)`);
  describe.skip(name, fn);
}
