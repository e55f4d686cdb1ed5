import { IWPC_MODELS } from './iwpc-warfarin';
import { KFRE_MODELS } from './kfre';
import type { ModelDefinition } from './model-definition';
import { PCE_MODELS } from './pce';
import { PREVENT_MODELS } from './prevent';

/** Every model compiled into services/scorer/models by `npm run models:compile`. */
export const BUNDLED_MODELS: readonly ModelDefinition[] = [...KFRE_MODELS, ...PCE_MODELS, ...PREVENT_MODELS, ...IWPC_MODELS];
