/**
 * Discovery of a hospital's own model bundles: CUSTOM_MODELS_DIR/<folder>/ with model.onnx,
 * manifest.json and card-policy.json. Each valid bundle becomes a CDS service; a broken one is
 * skipped with a readable reason (never fatal: one bad folder must not take the service down).
 */
import path from 'node:path';
import type { ClinicalService } from '../clinical-service';
import { parseCardPolicy, type CardPolicy } from './card-policy';
import { createCustomService } from './custom-service';
import { isLearnedBundleDir, listBundleDirs, readJsonFile, readModelBundle, type ModelBundle } from './read-model-bundle';

export const CARD_POLICY_FILE = 'card-policy.json';

export interface CustomBundle {
  bundle: ModelBundle;
  policy: CardPolicy;
  service: ClinicalService;
}

export interface SkippedBundle {
  /** Folder of the bundle. */
  dir: string;
  /** Why it was skipped (file, field and problem). */
  error: string;
}

export interface CustomBundleDiscovery {
  bundles: CustomBundle[];
  skipped: SkippedBundle[];
}

/**
 * Reads every bundle folder under `root` (none when root is undefined).
 * @param reserved model ids and service ids already taken (bundled models, built-in services)
 */
export function discoverCustomBundles(root: string | undefined, reserved: { modelIds: Set<string>; serviceIds: Set<string> }): CustomBundleDiscovery {
  const result: CustomBundleDiscovery = { bundles: [], skipped: [] };
  if (root === undefined) return result;
  const modelIds = new Set(reserved.modelIds);
  const serviceIds = new Set(reserved.serviceIds);
  // Learned (sequence) bundles are read by learned/read-learned-bundles.ts.
  for (const dir of listBundleDirs(root).filter((d) => !isLearnedBundleDir(d))) {
    try {
      const bundle = readModelBundle(dir, 'custom');
      const policy = parseCardPolicy(readJsonFile(path.join(dir, CARD_POLICY_FILE)), bundle.manifest, path.join(dir, CARD_POLICY_FILE));
      if (modelIds.has(bundle.manifest.id)) throw new Error(`${dir}: model id '${bundle.manifest.id}' is already in use`);
      if (serviceIds.has(policy.service.id)) throw new Error(`${dir}: service id '${policy.service.id}' is already in use`);
      modelIds.add(bundle.manifest.id);
      serviceIds.add(policy.service.id);
      result.bundles.push({ bundle, policy, service: createCustomService(bundle.manifest, policy) });
    } catch (err) {
      result.skipped.push({ dir, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}
