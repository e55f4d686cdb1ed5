/**
 * Finds learned-model bundles (`"kind": "learned"` manifests) under MODELS_DIR and
 * CUSTOM_MODELS_DIR. A broken bundled one is a build defect (throws); a broken custom one is
 * skipped and reported, as custom flat bundles are.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelInfo } from '@prognos/contracts';
import { isLearnedBundleDir, listBundleDirs, MANIFEST_FILE, MODEL_FILE, readJsonFile } from '../bundles/read-model-bundle';
import { parseLearnedManifest, type LearnedManifest } from './learned-manifest';

export interface LearnedBundle {
  manifest: LearnedManifest;
  modelPath: string;
  dir: string;
  /** Absolute path of the model card (MODEL_CARD.md). */
  modelCardPath: string;
  origin: ModelInfo['origin'];
}

export function readLearnedBundle(dir: string, origin: ModelInfo['origin']): LearnedBundle {
  const manifest = parseLearnedManifest(readJsonFile(path.join(dir, MANIFEST_FILE)), path.join(dir, MANIFEST_FILE));
  const modelPath = path.resolve(dir, MODEL_FILE);
  if (!fs.existsSync(modelPath)) throw new Error(`${dir}: ${MODEL_FILE} is missing`);
  const modelCardPath = path.resolve(dir, manifest.modelCard);
  if (path.dirname(modelCardPath) !== path.resolve(dir) || !fs.existsSync(modelCardPath)) throw new Error(`${dir}: model card '${manifest.modelCard}' is missing`);
  return { manifest, modelPath, dir: path.resolve(dir), modelCardPath, origin };
}

export function discoverLearnedBundles(modelsDir: string, customDir: string | undefined, takenIds: Set<string>): { bundles: LearnedBundle[]; skipped: { dir: string; error: string }[] } {
  const bundles: LearnedBundle[] = [];
  const skipped: { dir: string; error: string }[] = [];
  const ids = new Set(takenIds);
  for (const dir of listBundleDirs(modelsDir).filter(isLearnedBundleDir)) {
    const b = readLearnedBundle(dir, 'bundled');
    if (ids.has(b.manifest.id)) throw new Error(`${dir}: model id '${b.manifest.id}' is already in use`);
    ids.add(b.manifest.id);
    bundles.push(b);
  }
  if (customDir !== undefined) {
    for (const dir of listBundleDirs(customDir).filter(isLearnedBundleDir)) {
      try {
        const b = readLearnedBundle(dir, 'custom');
        if (ids.has(b.manifest.id)) throw new Error(`${dir}: model id '${b.manifest.id}' is already in use`);
        ids.add(b.manifest.id);
        bundles.push(b);
      } catch (err) {
        skipped.push({ dir, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { bundles, skipped };
}

/**
 * Model id -> absolute path of its MODEL_CARD.md, for every readable learned bundle (broken ones
 * are left out, never thrown): what the HTTP service serves at /models/{id}/card.
 */
export function learnedModelCards(modelsDir: string, customDir: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [root, origin] of [[modelsDir, 'bundled'], [customDir, 'custom']] as const) {
    if (root === undefined) continue;
    for (const dir of listBundleDirs(root).filter(isLearnedBundleDir)) {
      try {
        const b = readLearnedBundle(dir, origin);
        if (!out.has(b.manifest.id)) out.set(b.manifest.id, b.modelCardPath);
      } catch { /* reported by the scorer at boot */ }
    }
  }
  return out;
}

/** The catalogue view (discovery, dashboard) of a learned model. */
export function learnedModelInfo(b: LearnedBundle, loadMs?: number): ModelInfo {
  const m = b.manifest;
  return {
    id: m.id, version: m.version, title: m.title, citation: m.citation,
    horizonYears: m.horizonYears,
    inputs: [...m.channels.map((name) => ({ name, unit: 'sequence' })), ...m.statics.map((name) => ({ name, unit: 'static' }))],
    outputs: m.outputs.map((o) => o.name),
    intendedUse: `${m.intendedUse} ${m.statement}`,
    origin: b.origin,
    ...(loadMs !== undefined ? { loadMs } : {}),
  };
}
