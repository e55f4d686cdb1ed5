import fs from 'node:fs';
import path from 'node:path';
import { compileBundledModels } from '../tools/compile-models';
import { readBundledModels } from '../bundles/read-model-bundle';
import { BUNDLED_MODELS_DIR } from './bundled-model-runner';

describe('committed model bundles', () => {
  const fresh = compileBundledModels();

  it('are exactly the seven documented models', () => {
    expect(fresh.map((b) => b.id).sort()).toEqual(
      ['iwpc-warfarin', 'kfre-4var-na', 'kfre-4var-other', 'kfre-8var-na', 'kfre-8var-other', 'pce', 'prevent-base-10y']);
  });

  it('equal a fresh compile byte for byte (run `npm run models:compile` after changing a model)', () => {
    for (const b of fresh) {
      const dir = path.join(BUNDLED_MODELS_DIR, b.id);
      expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(b.manifestJson);
      expect(Buffer.compare(fs.readFileSync(path.join(dir, 'model.onnx')), Buffer.from(b.onnx))).toBe(0);
    }
  });

  it('compile deterministically', () => {
    const again = compileBundledModels();
    again.forEach((b, i) => expect(Buffer.compare(Buffer.from(b.onnx), Buffer.from(fresh[i]!.onnx))).toBe(0));
  });

  it('pass the runtime manifest checks against the feature-set contract', () => {
    expect(readBundledModels(BUNDLED_MODELS_DIR).map((b) => b.manifest.id).sort()).toEqual(fresh.map((b) => b.id).sort());
  });
});
