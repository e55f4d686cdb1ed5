/**
 * docker-compose.yml must validate with Debian's docker-compose 1.29 (no engine needed), the tool a
 * hospital's laptop or CI most likely has. Without the tool the test is skipped with a notice,
 * except under CI, where .ci/run installs it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

if (!hasCompose && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn('[skipped] docker-compose validation: docker-compose is not installed (apt-get install docker-compose)');
}

(hasCompose || process.env.CI ? describe : describe.skip)('docker-compose.yml', () => {
  const config = () => spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8' });

  it('validates with docker-compose config', () => {
    const r = config();
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
  });

  it('runs Redis with noeviction and persistence, the HTTP service and two scorer workers, each with a health check', () => {
    const out = config().stdout;
    for (const service of ['redis', 'prognos-http', 'scorer-1', 'scorer-2']) expect(out).toMatch(new RegExp(`^  ${service}:`, 'm'));
    expect(out).toMatch(/redis\.conf/);
    const redisConf = fs.readFileSync(path.join(ROOT, 'infra', 'redis', 'redis.conf'), 'utf8');
    expect(redisConf).toMatch(/^maxmemory-policy noeviction$/m);
    expect(redisConf).toMatch(/^appendonly yes$/m);
    expect((out.match(/healthcheck:/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });
});
