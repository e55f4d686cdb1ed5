/**
 * Request/answer over the cluster IPC channel: a worker calls `target.op(args)` on the primary and
 * awaits its answer. Used for the state that must be one across the embedded processes (card
 * registry, replay cache, feedback store, aggregated metrics, dashboard history) when there is no
 * Redis. Messages carry card uuids, digests, service ids and counts: never patient data.
 */
import type { Worker } from 'node:cluster';

/** The message a worker sends. */
export interface IpcRequest { prognosIpc: 'req'; id: number; target: string; op: string; args: unknown[] }
/** The primary's answer. */
export interface IpcAnswer { prognosIpc: 'ans'; id: number; ok: boolean; value?: unknown; error?: string }

/** Operations the primary serves, by target then op. */
export type IpcHandlers = Record<string, Record<string, (...args: never[]) => unknown>>;

function isRequest(m: unknown): m is IpcRequest {
  return typeof m === 'object' && m !== null && (m as IpcRequest).prognosIpc === 'req';
}

function isAnswer(m: unknown): m is IpcAnswer {
  return typeof m === 'object' && m !== null && (m as IpcAnswer).prognosIpc === 'ans';
}

/** A worker's side: one pending map, answers matched by id, a timeout per call. */
export class IpcClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  /**
   * @param proc the worker's `process` (must have an IPC channel)
   * @param timeoutMs a call not answered by then rejects (the primary is gone or stuck)
   */
  constructor(private readonly proc: NodeJS.Process = process, private readonly timeoutMs = 2000) {
    if (!proc.send) throw new Error('IpcClient needs a process with an IPC channel (a cluster worker)');
    proc.on('message', (m: unknown) => {
      if (!isAnswer(m)) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value); else p.reject(new Error(m.error ?? 'IPC call failed'));
    });
  }

  call<T>(target: string, op: string, ...args: unknown[]): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`IPC ${target}.${op}: no answer from the primary within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const msg: IpcRequest = { prognosIpc: 'req', id, target, op, args };
      this.proc.send!(msg, undefined, undefined, (err: Error | null) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        reject(err);
      });
    });
  }
}

/** The primary's side: answers a worker's requests with `handlers` (unknown target/op is an error answer). */
export function serveIpc(worker: Worker, handlers: IpcHandlers): void {
  worker.on('message', (m: unknown) => {
    if (!isRequest(m)) return;
    const reply = (a: Omit<IpcAnswer, 'prognosIpc' | 'id'>) => {
      if (worker.isConnected()) worker.send({ prognosIpc: 'ans', id: m.id, ...a } satisfies IpcAnswer);
    };
    const fn = handlers[m.target]?.[m.op];
    if (!fn) { reply({ ok: false, error: `unknown IPC operation ${m.target}.${m.op}` }); return; }
    Promise.resolve()
      .then(() => (fn as (...a: unknown[]) => unknown)(...(Array.isArray(m.args) ? m.args : [])))
      .then((value) => reply({ ok: true, value }), (e: unknown) => reply({ ok: false, error: (e as Error).message }));
  });
}
