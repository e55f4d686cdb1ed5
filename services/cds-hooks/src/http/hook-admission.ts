/**
 * Admission of hook bodies: at most `limit` calls of this process hold a parsed request at once;
 * later ones wait, still as the bytes they arrived as (off the V8 heap), and are admitted in arrival
 * order as earlier ones answer.
 *
 * Why: a parsed patient-view body is 1-2 MB of short-lived JavaScript objects per 250 KB of JSON (far
 * more for a 20,000-resource record). Processing is CPU-bound, so holding more of them at once does
 * not answer sooner; it costs memory and lets late arrivals overtake early ones. Measured at 200 calls
 * in flight (distributed, median record): peak RSS 403-422 MB instead of 444-622 MB, p99 2.8-4.0 s
 * instead of 5.9-6.4 s, the same throughput (BENCHMARKS.md, issue 16 second pass).
 *
 * A call waiting on I/O (the EHR's FHIR server, or a scoring job) must not hold back the others: one
 * admitted longer than `stragglerMs` stops counting against the limit (it keeps its body).
 *
 * A call that had to wait may be shed when its turn comes (`shed.late()`): it is then handed to
 * `shed.answer` instead of being started, and takes no slot. The caller answers it without parsing
 * it, so under overload the CPU goes to calls that can still be answered in time rather than to
 * parsing bodies whose client has stopped waiting. A call admitted at once is never shed: a deadline
 * that passed while its body was still arriving says nothing about this service's load.
 */
import type { ServerResponse } from 'node:http';

/** How a waiting call may be shed at its turn: `late()` says whether to, `answer` answers it unstarted. */
export interface ShedWhenLate {
  late: () => boolean;
  answer: () => void;
}

interface Waiting {
  start: () => void;
  res: ServerResponse;
  gone: boolean;
  shed?: ShedWhenLate;
}

export class HookAdmission {
  private counted = 0;
  private readonly queue: Waiting[] = [];
  private head = 0;

  /**
   * @param limit calls holding a parsed body at once; 0 = no limit
   * @param stragglerMs after this long an admitted call no longer counts (it waits on I/O)
   * @param onChange called with the number waiting whenever it changes (a metrics gauge)
   */
  constructor(private readonly limit: number, private readonly stragglerMs = 100, private readonly onChange?: (waiting: number) => void) {}

  /** Calls waiting for admission. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Runs `start` now, or when a slot frees; never for a call whose client went away meanwhile, and
   * not for one that waited and is `shed.late()` by then (`shed.answer` runs instead).
   */
  admit(res: ServerResponse, start: () => void, shed?: ShedWhenLate): void {
    if (this.limit <= 0 || (this.counted < this.limit && this.waiting === 0)) {
      this.run(res, start);
      return;
    }
    const w: Waiting = { start, res, gone: false, shed };
    res.once('close', () => { w.gone = true; });
    this.queue.push(w);
    this.onChange?.(this.waiting);
  }

  private run(res: ServerResponse, start: () => void): void {
    this.counted += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.counted -= 1;
      this.next();
    };
    const timer = setTimeout(release, this.stragglerMs);
    timer.unref();
    res.once('finish', release);
    res.once('close', release);
    try {
      start();
    } catch (e) {
      release();
      throw e;
    }
  }

  private next(): void {
    let changed = false;
    while (this.counted < this.limit && this.head < this.queue.length) {
      const w = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Waiting;
      changed = true;
      if (w.gone) continue;
      if (w.shed?.late()) {
        w.shed.answer();
        continue;
      }
      this.run(w.res, w.start);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (changed) this.onChange?.(this.waiting);
  }
}
