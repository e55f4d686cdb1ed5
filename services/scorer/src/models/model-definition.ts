import type { ModelManifest } from '../bundles/model-manifest';

/** A bundled model as the compile script sees it: its manifest and a function emitting its ONNX bytes. */
export interface ModelDefinition {
  manifest: ModelManifest;
  /** Deterministic ONNX bytes (IR 8, opset 17). */
  build(): Uint8Array;
}

/** Version written into producerVersion of generated ONNX files: bump when the compiler changes output. */
export const COMPILER_VERSION = '1.0.0';

/** 0/1 flag input (validated range 0..1; the graph treats > 0.5 as 1). */
export const FLAG_RANGE = { min: 0, max: 1 } as const;
