/**
 * The drift panel across the embedded processes. Each worker records its own calls into a local
 * {@link ModelDrift} (no IPC on the hook path) and hands what it gathered to the primary every
 * `flushMs` (one message of counts per second at most, none when idle); the primary absorbs them
 * into the one copy the dashboard reads. A dashboard request first hands over its own worker's
 * counts, so the answer includes every call this worker made; the other workers' last second may
 * still be on its way. Counts held in the primary outlive a worker that dies; what a killed worker
 * had not handed over yet (under `flushMs` of calls) is lost with it.
 */
import type { ModelInfo, ScoringInput, ScoringOutput } from '@prognos/contracts';
import { ModelDrift, type DriftSnapshot, type DriftState, type DriftView } from '../ops/model-drift';
import type { IpcClient, IpcHandlers } from './ipc-rpc';

export const DRIFT = 'drift';

/** Worker side: records locally, hands the counts to the primary, reads the primary's merged snapshot. */
export class ClusterDrift implements DriftView {
  private readonly local: ModelDrift;
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly ipc: IpcClient, models: () => readonly ModelInfo[], flushMs = 1000) {
    this.local = new ModelDrift(models);
    this.timer = setInterval(() => { void this.flush(); }, flushMs);
    this.timer.unref();
  }

  record(input: ScoringInput, output: ScoringOutput, now?: number): void {
    this.local.record(input, output, now);
  }

  /**
   * Hands the counts gathered so far to the primary. A hand-over the primary does not take (it is
   * busy past the IPC timeout, or gone) is put back and goes with the next one.
   */
  flush(): Promise<void> {
    this.sending = this.sending.then(async () => {
      if (this.local.empty) return;
      const delta = this.local.takeDelta();
      try {
        await this.ipc.call<void>(DRIFT, 'absorb', delta);
      } catch {
        this.local.absorb(delta);
      }
    });
    return this.sending;
  }

  async snapshot(): Promise<DriftSnapshot> {
    await this.flush();
    return this.ipc.call<DriftSnapshot>(DRIFT, 'snapshot');
  }

  /** Stops the timer and hands over what is left (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** Primary side: the one copy of the counts and the IPC handlers the workers call. */
export function driftHandlers(drift: ModelDrift = new ModelDrift()): IpcHandlers {
  return {
    [DRIFT]: {
      absorb: (state: DriftState) => { drift.absorb(state); },
      snapshot: () => drift.snapshot(),
    },
  };
}
