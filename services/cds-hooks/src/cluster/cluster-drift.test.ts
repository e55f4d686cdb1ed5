import type { ModelInfo, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { ModelDrift } from '../ops/model-drift';
import { ClusterDrift, driftHandlers } from './cluster-drift';
import type { IpcClient } from './ipc-rpc';

const models = (): ModelInfo[] => [{ id: 'm', version: '1', title: 'm', citation: 'c', inputs: [{ name: 'egfr', unit: 'x' }], outputs: ['risk'], intendedUse: 'x', origin: 'bundled' }];

function io(value: number): { input: ScoringInput; output: ScoringOutput } {
  return {
    input: { correlationId: 'c', serviceId: 's', asOf: '2025-01-01T00:00:00Z', featureSets: { k: { set: 'k', version: '1', names: ['egfr'], values: [30], present: [1], provenance: [] } } },
    output: { correlationId: 'c', serviceId: 's', cards: [], executionProvider: 'cpu', inferenceMs: 1, predictions: [{ modelId: 'm', modelVersion: '1', output: 'risk', value }] },
  };
}

/**
 * The primary's IPC handlers behind an IpcClient-shaped object: arguments and answers go through a
 * JSON round trip, as over the cluster channel (advanced serialisation is not used). `down` makes
 * every call fail as a timed-out one does.
 */
function loopback(handlers: ReturnType<typeof driftHandlers>): IpcClient & { down: boolean; calls: string[] } {
  const client = {
    down: false,
    calls: [] as string[],
    async call<T>(target: string, op: string, ...args: unknown[]): Promise<T> {
      client.calls.push(`${target}.${op}`);
      if (client.down) throw new Error(`IPC ${target}.${op}: no answer from the primary within 2000 ms`);
      const fn = handlers[target]![op] as (...a: unknown[]) => unknown;
      const value = await fn(...(JSON.parse(JSON.stringify(args)) as unknown[]));
      return (value === undefined ? undefined : JSON.parse(JSON.stringify(value))) as T;
    },
  };
  return client as unknown as IpcClient & { down: boolean; calls: string[] };
}

describe('ClusterDrift (worker side of the drift panel)', () => {
  it('two workers recording their own calls read the same panel as one process that saw them all', async () => {
    const primary = new ModelDrift();
    const ipc = loopback(driftHandlers(primary));
    const w1 = new ClusterDrift(ipc, models, 60_000);
    const w2 = new ClusterDrift(ipc, models, 60_000);
    const one = new ModelDrift(models);
    [0.1, 0.42, 0.9, 0.55, 0.07].forEach((v, i) => {
      const x = io(v);
      one.record(x.input, x.output, 1000 + i);
      (i < 2 ? w1 : w2).record(x.input, x.output, 1000 + i);
    });
    await w1.flush();
    // w2 has not handed over yet: w1's panel has w1's calls; w2's own read hands its calls over first.
    expect((await w1.snapshot()).predictions[0]!.n).toBe(2);
    expect(await w2.snapshot()).toEqual(one.snapshot());
    expect(await w1.snapshot()).toEqual(one.snapshot());
    await w1.close();
    await w2.close();
  });

  it('sends nothing while idle, and keeps the counts a refused hand-over carried for the next one', async () => {
    const primary = new ModelDrift();
    const ipc = loopback(driftHandlers(primary));
    const w = new ClusterDrift(ipc, models, 60_000);
    await w.flush();
    expect(ipc.calls).toEqual([]);
    const x = io(0.3);
    w.record(x.input, x.output, 5);
    ipc.down = true;
    await w.flush();
    expect(primary.snapshot().predictions).toEqual([]);
    w.record(x.input, x.output, 6);
    ipc.down = false;
    await w.close();
    expect(primary.snapshot().predictions[0]!.n).toBe(2);
  });

  it('hands its counts over on its own every flushMs', async () => {
    const primary = new ModelDrift();
    const w = new ClusterDrift(loopback(driftHandlers(primary)), models, 20);
    const x = io(0.8);
    w.record(x.input, x.output, 1);
    const end = Date.now() + 2000;
    while (primary.snapshot().predictions.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(primary.snapshot().predictions[0]!.n).toBe(1);
    await w.close();
  });
});
