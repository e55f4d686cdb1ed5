/**
 * Per-client limits across the embedded processes: the cluster primary keeps every client's token
 * bucket and in-flight count (one {@link ClientLimiter} with the configured limits), and each worker
 * asks it before a call goes on (one IPC round trip per /cds-services call while a limit is set; the
 * ends of calls go back together, one message per event-loop turn). So
 * a client whose keep-alive connections all land on one worker still gets its whole limit, and one
 * whose connections spread over every worker gets no more than it.
 *
 * A worker's admitted calls are held in the primary under slot numbers; when a worker dies, its
 * slots are given back (its calls died with it). When the primary does not answer within the IPC
 * timeout, the worker falls back to its share of the limits, counted locally (CLIENT_RATE_PER_S / N,
 * ...): a stuck primary neither opens the service to one client nor closes it to all. Messages carry
 * the client key (issuer and tenant) and slot numbers: never patient data.
 */
import { ClientLimiter, isRefusal, type Admitted, type ClientAdmission, type LimitsConfig, type Refusal } from '../http/client-limits';
import { clientLimitsFallbacks } from '../metrics';
import type { IpcClient, IpcHandlers } from './ipc-rpc';

export const LIMITS = 'limits';

/** Worker side. `share` is this process's share of the limits, used only when the primary is silent. */
export class IpcClientLimits implements ClientAdmission {
  private readonly fallback: ClientLimiter;
  /** Slots of ended calls, given back in one message per event-loop turn. */
  private ended: number[] = [];

  constructor(private readonly ipc: IpcClient, share: LimitsConfig) {
    this.fallback = new ClientLimiter(share);
  }

  private giveBack(slot: number): void {
    if (this.ended.push(slot) > 1) return;
    setImmediate(() => {
      const slots = this.ended;
      this.ended = [];
      // A lost release (the primary is gone) is lost with the primary's counts.
      this.ipc.call<void>(LIMITS, 'release', slots).catch(() => undefined);
    });
  }

  async acquire(key: string): Promise<Refusal | Admitted> {
    let answer: Refusal | { slot: number };
    try {
      answer = await this.ipc.call<Refusal | { slot: number }>(LIMITS, 'acquire', key);
    } catch {
      clientLimitsFallbacks.inc();
      return this.fallback.acquire(key);
    }
    if (isRefusal(answer)) return answer;
    const { slot } = answer;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.giveBack(slot);
      },
    };
  }
}

/** Primary side: the one limiter, and per worker the IPC handlers and the release of its slots. */
export class ClusterClientLimits {
  private readonly limiter: ClientLimiter;
  private nextSlot = 1;

  constructor(config: LimitsConfig, now: () => number = Date.now) {
    this.limiter = new ClientLimiter(config, now);
  }

  /** For one worker: its handlers, and `workerGone` to give back the slots of its calls. */
  forWorker(): { handlers: IpcHandlers; workerGone(): void } {
    const slots = new Map<number, Admitted>();
    return {
      handlers: {
        [LIMITS]: {
          acquire: (key: string): Refusal | { slot: number } => {
            const d = this.limiter.acquire(key);
            if (isRefusal(d)) return d;
            const slot = this.nextSlot++;
            slots.set(slot, d);
            return { slot };
          },
          release: (ended: number[]) => {
            for (const slot of ended) {
              slots.get(slot)?.release();
              slots.delete(slot);
            }
          },
        },
      },
      workerGone: () => {
        for (const a of slots.values()) a.release();
        slots.clear();
      },
    };
  }
}
