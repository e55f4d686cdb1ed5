import path from 'node:path';
import { BUNDLED_MODELS_DIR } from '../models/bundled-model-runner';
import { chooseExecutionProvider, missingCudaLibraries } from './execution-provider';

const probe = path.join(BUNDLED_MODELS_DIR, 'pce', 'model.onnx');
const threads = { intraOpNumThreads: 1, interOpNumThreads: 1 };
// The CUDA provider libraries come from onnxruntime-node's install script, which this repo skips.
const withoutCuda = missingCudaLibraries().length > 0 ? describe : describe.skip;

describe('chooseExecutionProvider', () => {
  it('uses the CPU without probing when SCORER_DEVICE=cpu', async () => {
    await expect(chooseExecutionProvider('cpu', probe, threads)).resolves.toEqual({ provider: 'cpu' });
  });

  withoutCuda('on a host without the CUDA provider libraries', () => {
    it('falls back to the CPU under auto and says why', async () => {
      const choice = await chooseExecutionProvider('auto', probe, threads);
      expect(choice.provider).toBe('cpu');
      expect(choice.fallbackReason).toContain('libonnxruntime_providers_shared.so');
    });

    it('fails with a clear error when SCORER_DEVICE=cuda', async () => {
      await expect(chooseExecutionProvider('cuda', probe, threads)).rejects.toThrow(/SCORER_DEVICE=cuda but the CUDA execution provider could not be loaded: .*README/);
    });
  });
});
