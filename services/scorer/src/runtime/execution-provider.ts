/**
 * Chooses the onnxruntime execution provider once at boot.
 *
 * onnxruntime-node 1.30 ships the CPU provider in its npm tarball; the CUDA provider libraries
 * (libonnxruntime_providers_shared.so / _cuda.so) come from its install script, which this
 * project skips by default (see services/scorer/README.md). So `auto` must survive the CUDA
 * library failing to load, and `cuda` must fail loudly.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export type DeviceSetting = 'auto' | 'cpu' | 'cuda';
export type ExecutionProviderName = 'cpu' | 'cuda';

export interface ThreadSettings {
  /** Threads inside one operator. */
  intraOpNumThreads: number;
  /** Threads across independent operators. */
  interOpNumThreads: number;
}

/** Session options for a provider with explicit thread counts (never onnxruntime's "all cores" default). */
export function sessionOptionsFor(provider: ExecutionProviderName, threads: ThreadSettings): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads.intraOpNumThreads,
    interOpNumThreads: threads.interOpNumThreads,
    graphOptimizationLevel: 'all',
    executionMode: threads.interOpNumThreads > 1 ? 'parallel' : 'sequential',
  };
}

export interface ProviderChoice {
  provider: ExecutionProviderName;
  /** Why CUDA was not used (auto only); short, first line of the onnxruntime error. */
  fallbackReason?: string;
}

/** First line of an onnxruntime error, without ANSI colour codes. */
export function shortOrtError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0]!.slice(0, 400);
}

/** Folder of onnxruntime-node's native binding (where its install script puts the CUDA provider libraries). */
export function ortBinaryDir(): string {
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

/** CUDA provider libraries missing on linux/x64 ([] elsewhere, or when all are present). */
export function missingCudaLibraries(): string[] {
  if (process.platform !== 'linux' || process.arch !== 'x64') return [];
  const dir = ortBinaryDir();
  return ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so']
    .filter((f) => !fs.existsSync(path.join(dir, f)))
    .map((f) => path.join(dir, f));
}

function cudaRequiredError(reason: string): Error {
  return new Error(`SCORER_DEVICE=cuda but the CUDA execution provider could not be loaded: ${reason}. ` +
    'Install the onnxruntime-node CUDA provider libraries (services/scorer/README.md, "GPU hosts") or set SCORER_DEVICE=auto or cpu.');
}

/**
 * Resolves the provider by creating a session for `probeModel` (a bundled model file) with CUDA.
 * @throws Error when device is 'cuda' and the CUDA provider cannot be loaded
 */
export async function chooseExecutionProvider(
  device: DeviceSetting,
  probeModel: string | undefined,
  threads: ThreadSettings,
): Promise<ProviderChoice> {
  if (device === 'cpu') return { provider: 'cpu' };
  if (probeModel === undefined) {
    if (device === 'cuda') throw new Error('SCORER_DEVICE=cuda but there is no model to probe the CUDA provider with');
    return { provider: 'cpu', fallbackReason: 'no model to probe CUDA with' };
  }
  // Checking the files first avoids onnxruntime printing a native error on every CPU-only boot.
  const missing = missingCudaLibraries();
  if (missing.length > 0) {
    const reason = `CUDA provider libraries not installed: ${missing.join(', ')}`;
    if (device === 'cuda') {
      throw cudaRequiredError(reason);
    }
    return { provider: 'cpu', fallbackReason: reason };
  }
  try {
    const probe = await ort.InferenceSession.create(probeModel, { ...sessionOptionsFor('cuda', threads), logSeverityLevel: 4 });
    await probe.release();
    return { provider: 'cuda' };
  } catch (err) {
    const reason = shortOrtError(err);
    if (device === 'cuda') {
      throw cudaRequiredError(reason);
    }
    return { provider: 'cpu', fallbackReason: reason };
  }
}
