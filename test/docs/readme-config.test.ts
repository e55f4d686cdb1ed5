/**
 * The README's configuration table is the operator's reference: every variable the service, the
 * scorer and the worker read must be documented there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../services/cds-hooks/src/config';
import { scorerConfigSchema } from '../../services/scorer/src/config';
import { workerConfigSchema } from '../../services/scorer/src/worker/worker-config';

const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README configuration table', () => {
  it.each([
    ['HTTP service', Object.keys(configSchema.shape)],
    ['scorer', Object.keys(scorerConfigSchema.shape)],
    ['worker', Object.keys(workerConfigSchema.shape)],
  ])('documents every %s variable', (_name, keys) => {
    const undocumented = keys.filter((k) => !readme.includes(`\`${k}\``));
    expect(undocumented).toEqual([]);
  });
});
