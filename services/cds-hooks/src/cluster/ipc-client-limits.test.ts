import { isRefusal, type Admitted, type Refusal } from '../http/client-limits';
import { clientLimitsFallbacks } from '../metrics';
import { ClusterClientLimits, IpcClientLimits } from './ipc-client-limits';
import type { IpcClient, IpcHandlers } from './ipc-rpc';

/**
 * A worker's IPC channel to the primary's handlers, with the JSON round trip the cluster channel
 * makes; `down` makes every call fail as a timed-out one does.
 */
function channel(handlers: IpcHandlers): IpcClient & { down: boolean } {
  const c = {
    down: false,
    async call<T>(target: string, op: string, ...args: unknown[]): Promise<T> {
      if (c.down) throw new Error(`IPC ${target}.${op}: no answer from the primary within 2000 ms`);
      const v = await (handlers[target]![op] as (...a: unknown[]) => unknown)(...(JSON.parse(JSON.stringify(args)) as unknown[]));
      return (v === undefined ? undefined : JSON.parse(JSON.stringify(v))) as T;
    },
  };
  return c as unknown as IpcClient & { down: boolean };
}

const limits = (rate: number, burst: number, concurrent: number) => ({ CLIENT_RATE_PER_S: rate, CLIENT_RATE_BURST: burst, CLIENT_MAX_CONCURRENT: concurrent });
const admitted = (d: Refusal | Admitted): Admitted => { if (isRefusal(d)) throw new Error(`refused: ${d.diagnostics}`); return d; };

describe('per-client limits across the embedded processes', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => { t = 1_000_000; });

  it('one bucket for every worker: the burst is the configured one, whichever worker the calls reach', async () => {
    const primary = new ClusterClientLimits(limits(1, 5, 0), now);
    const w1 = new IpcClientLimits(channel(primary.forWorker().handlers), limits(0.5, 3, 0));
    const w2 = new IpcClientLimits(channel(primary.forWorker().handlers), limits(0.5, 3, 0));
    // All five on one worker (one keep-alive connection): all admitted, though its share is 3.
    for (let i = 0; i < 5; i++) admitted(await w1.acquire('ehr'));
    const sixth = await w2.acquire('ehr');
    expect(isRefusal(sixth) && sixth.reason).toBe('rate');
    // Another client has its own bucket; a second later one token is back for the first.
    admitted(await w2.acquire('other-ehr'));
    t += 1000;
    admitted(await w2.acquire('ehr'));
    expect(isRefusal(await w1.acquire('ehr'))).toBe(true);
  });

  it('counts calls in flight across workers, frees a slot on release, and once only', async () => {
    const primary = new ClusterClientLimits(limits(0, 1, 2), now);
    const w1 = new IpcClientLimits(channel(primary.forWorker().handlers), limits(0, 1, 1));
    const w2 = new IpcClientLimits(channel(primary.forWorker().handlers), limits(0, 1, 1));
    const a = admitted(await w1.acquire('ehr'));
    admitted(await w2.acquire('ehr'));
    const third = await w1.acquire('ehr');
    expect(isRefusal(third) && third.reason).toBe('concurrency');
    a.release();
    a.release();
    await new Promise((r) => setImmediate(r));
    admitted(await w2.acquire('ehr'));
    expect(isRefusal(await w1.acquire('ehr'))).toBe(true);
  });

  it('gives back the slots of a worker that died', async () => {
    const primary = new ClusterClientLimits(limits(0, 1, 2), now);
    const dying = primary.forWorker();
    const w1 = new IpcClientLimits(channel(dying.handlers), limits(0, 1, 1));
    const w2 = new IpcClientLimits(channel(primary.forWorker().handlers), limits(0, 1, 1));
    admitted(await w1.acquire('ehr'));
    admitted(await w1.acquire('ehr'));
    expect(isRefusal(await w2.acquire('ehr'))).toBe(true);
    dying.workerGone();
    admitted(await w2.acquire('ehr'));
    admitted(await w2.acquire('ehr'));
  });

  it('counts its own share while the primary does not answer', async () => {
    const primary = new ClusterClientLimits(limits(1, 6, 0), now);
    const ipc = channel(primary.forWorker().handlers);
    const w = new IpcClientLimits(ipc, limits(0.5, 3, 0));
    ipc.down = true;
    const fallbacksBefore = (await clientLimitsFallbacks.get()).values[0]?.value ?? 0;
    for (let i = 0; i < 3; i++) admitted(await w.acquire('ehr'));
    expect(isRefusal(await w.acquire('ehr'))).toBe(true);
    expect((await clientLimitsFallbacks.get()).values[0]?.value).toBe(fallbacksBefore + 4);
    ipc.down = false;
    // The primary's bucket was never touched: it has the whole burst.
    for (let i = 0; i < 6; i++) admitted(await w.acquire('ehr'));
  });
});
