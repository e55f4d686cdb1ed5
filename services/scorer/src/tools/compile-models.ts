/**
 * Compiles the published equations into ONNX model bundles:
 *   services/scorer/models/<id>/model.onnx + manifest.json
 * Usage: `npm run models:compile` (or `node services/scorer/dist/tools/compile-models.js [outDir]`).
 * Output is deterministic; a test checks the committed bundles equal a fresh compile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseModelManifest } from '../bundles/model-manifest';
import { BUNDLED_MODELS } from '../models/bundled-models';

/** The files of one bundle as the compiler writes them. */
export interface CompiledBundle { id: string; onnx: Uint8Array; manifestJson: string }

/** Builds every bundled model in memory (manifests validated against the schema the runtime uses). */
export function compileBundledModels(): CompiledBundle[] {
  return BUNDLED_MODELS.map((def) => {
    const manifest = parseModelManifest(JSON.parse(JSON.stringify(def.manifest)), def.manifest.id);
    return { id: manifest.id, onnx: def.build(), manifestJson: `${JSON.stringify(def.manifest, null, 2)}\n` };
  });
}

/** Writes the bundles under `outDir`, one folder per model id. */
export function writeBundles(outDir: string, bundles: CompiledBundle[]): void {
  for (const b of bundles) {
    const dir = path.join(outDir, b.id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.onnx'), b.onnx);
    fs.writeFileSync(path.join(dir, 'manifest.json'), b.manifestJson);
  }
}

/** Default output: services/scorer/models (from dist/tools or src/tools alike). */
export const DEFAULT_MODELS_DIR = path.resolve(__dirname, '..', '..', 'models');

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? DEFAULT_MODELS_DIR);
  const bundles = compileBundledModels();
  writeBundles(outDir, bundles);
  for (const b of bundles) console.log(`${b.id}: ${b.onnx.length} bytes -> ${path.join(outDir, b.id)}`);
}
