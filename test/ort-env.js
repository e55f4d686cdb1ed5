// jest runs each test file in its own vm realm; onnxruntime-node checks `data instanceof Float32Array`
// against the main realm's constructors, so typed arrays must be the host's (see stack-notes §1).
const { TestEnvironment } = require('jest-environment-node');

module.exports = class OrtTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const k of ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array',
      'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray', 'ArrayBuffer']) {
      this.global[k] = globalThis[k];
    }
  }
};
