/**
 * Reads one model bundle folder (manifest.json + model.onnx) and checks the manifest against the
 * feature-set contract, so a model can never read a feature in the wrong unit or order silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FEATURE_SETS, type FeatureSetDefinition, type ModelInfo } from '@prognos/contracts';
import { parseModelManifest, type ModelManifest } from './model-manifest';

export interface ModelBundle {
  manifest: ModelManifest;
  /** Absolute path of model.onnx. */
  modelPath: string;
  dir: string;
  origin: ModelInfo['origin'];
}

export const MANIFEST_FILE = 'manifest.json';
export const MODEL_FILE = 'model.onnx';

/** Reads and parses a JSON file, naming the file in any error. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Problems between a manifest and the feature-set contract: unknown set, version mismatch,
 * unknown feature or a unit different from the canonical one. Empty when compatible.
 */
export function checkManifestAgainstFeatureSets(m: ModelManifest): string[] {
  const set = (FEATURE_SETS as Record<string, FeatureSetDefinition>)[m.featureSet];
  if (!set) return [`featureSet '${m.featureSet}' is not a known feature set (${Object.keys(FEATURE_SETS).join(', ')})`];
  const problems: string[] = [];
  if (set.version !== m.featureSetVersion) {
    problems.push(`featureSetVersion ${m.featureSetVersion} does not match '${set.name}' version ${set.version}`);
  }
  for (const input of m.inputs) {
    const f = set.features.find((x) => x.name === input.name);
    if (!f) problems.push(`input '${input.name}' is not a feature of '${set.name}'`);
    else if (f.unit !== input.unit) problems.push(`input '${input.name}' unit '${input.unit}' differs from the feature's unit '${f.unit}'`);
  }
  return problems;
}

/** Reads a bundle folder; throws one Error listing what is wrong. */
export function readModelBundle(dir: string, origin: ModelInfo['origin']): ModelBundle {
  const manifest = parseModelManifest(readJsonFile(path.join(dir, MANIFEST_FILE)), path.join(dir, MANIFEST_FILE));
  const problems = checkManifestAgainstFeatureSets(manifest);
  if (problems.length > 0) throw new Error(`${path.join(dir, MANIFEST_FILE)}: ${problems.join('; ')}`);
  const modelPath = path.join(dir, MODEL_FILE);
  if (!fs.existsSync(modelPath)) throw new Error(`${dir}: ${MODEL_FILE} is missing`);
  return { manifest, modelPath: path.resolve(modelPath), dir: path.resolve(dir), origin };
}

/** Sub-folders of `root` (sorted, hidden ones skipped); [] when root does not exist. */
export function listBundleDirs(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => path.join(root, e.name))
    .sort();
}

/**
 * true when the folder's manifest declares `"kind": "learned"` (a sequence model, read by
 * learned/read-learned-bundles.ts instead). Unreadable manifests are not learned: the flat reader
 * reports them.
 */
export function isLearnedBundleDir(dir: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as { kind?: unknown };
    return json !== null && typeof json === 'object' && json.kind === 'learned';
  } catch {
    return false;
  }
}

/** Every bundled (flat-feature) model under MODELS_DIR. A broken bundled model is a build defect: throws. */
export function readBundledModels(modelsDir: string): ModelBundle[] {
  return listBundleDirs(modelsDir).filter((dir) => !isLearnedBundleDir(dir)).map((dir) => readModelBundle(dir, 'bundled'));
}
