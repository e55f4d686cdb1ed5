/**
 * The catalogue from files alone (no onnxruntime sessions): for the HTTP process in distributed
 * mode, which serves discovery while workers hold the models.
 */
import type { CdsServiceDescriptor, ModelInfo } from '@prognos/contracts';
import { discoverCustomBundles, type SkippedBundle } from '../bundles/custom-bundles';
import { toModelInfo } from '../bundles/model-manifest';
import { readBundledModels } from '../bundles/read-model-bundle';
import type { ClinicalService } from '../clinical-service';
import type { ScorerConfig } from '../config';
import { builtInServices } from '../services';
import { discoverLearnedBundles, learnedModelInfo } from '../learned/read-learned-bundles';

export interface ServiceCatalog {
  services: CdsServiceDescriptor[];
  models: ModelInfo[];
  /** Custom bundles whose files are invalid (not part of the catalogue). */
  skipped: SkippedBundle[];
}

/** Service descriptors and model infos from manifests and card policies alone. */
export function loadServiceCatalog(config: ScorerConfig, builtIns: ClinicalService[] = builtInServices()): ServiceCatalog {
  const bundled = readBundledModels(config.MODELS_DIR);
  const custom = discoverCustomBundles(config.CUSTOM_MODELS_DIR, {
    modelIds: new Set(bundled.map((b) => b.manifest.id)),
    serviceIds: new Set(builtIns.map((s) => s.descriptor.id)),
  });
  const learned = discoverLearnedBundles(config.MODELS_DIR, config.CUSTOM_MODELS_DIR, new Set([...bundled.map((b) => b.manifest.id), ...custom.bundles.map((c) => c.bundle.manifest.id)]));
  return {
    services: [...builtIns.map((s) => s.descriptor), ...custom.bundles.map((c) => c.service.descriptor)],
    models: [
      ...bundled.map((b) => toModelInfo(b.manifest, 'bundled')), ...custom.bundles.map((c) => toModelInfo(c.bundle.manifest, 'custom')),
      ...learned.bundles.map((b) => learnedModelInfo(b)),
    ],
    skipped: [...custom.skipped, ...learned.skipped],
  };
}
