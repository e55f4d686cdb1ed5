import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { HookAdmission } from './hook-admission';

/** A response that only emits what the admission listens to. */
function response(): ServerResponse & { finish(): void; close(): void } {
  const e = new EventEmitter() as unknown as ServerResponse & { finish(): void; close(): void };
  e.finish = () => { e.emit('finish'); e.emit('close'); };
  e.close = () => { e.emit('close'); };
  return e;
}

describe('HookAdmission', () => {
  it('admits up to the limit at once and the rest in arrival order as earlier calls answer', () => {
    const waiting: number[] = [];
    const a = new HookAdmission(2, 10_000, (n) => waiting.push(n));
    const started: number[] = [];
    const res = [0, 1, 2, 3, 4].map(() => response());
    res.forEach((r, i) => a.admit(r, () => started.push(i)));
    expect(started).toEqual([0, 1]);
    expect(a.waiting).toBe(3);
    res[1]!.finish();
    expect(started).toEqual([0, 1, 2]);
    res[0]!.finish();
    res[2]!.finish();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(a.waiting).toBe(0);
    expect(waiting).toEqual([1, 2, 3, 2, 1, 0]);
    // A finished call answering twice (finish then close) frees one slot only.
    const more = [response(), response(), response()];
    more.forEach((r, i) => a.admit(r, () => started.push(10 + i)));
    expect(started.slice(5)).toEqual([]);
    res[3]!.finish();
    expect(started.slice(5)).toEqual([10]);
  });

  it('never starts a call whose client went away while it waited', () => {
    const a = new HookAdmission(1, 10_000);
    const started: string[] = [];
    const first = response();
    const gone = response();
    const third = response();
    a.admit(first, () => started.push('first'));
    a.admit(gone, () => started.push('gone'));
    a.admit(third, () => started.push('third'));
    gone.close();
    first.finish();
    expect(started).toEqual(['first', 'third']);
  });

  it('stops counting a call admitted longer than the straggler time (waiting on I/O)', async () => {
    // Asserted from when 'next' starts, not by sampling at fixed moments: a loaded CI host fires short
    // timers late, so "not yet at 15 ms" could read a 15 ms sleep that ended at 35 ms.
    const a = new HookAdmission(1, 30);
    const started: string[] = [];
    const t0 = performance.now();
    let nextAt = 0;
    a.admit(response(), () => started.push('slow'));
    a.admit(response(), () => { started.push('next'); nextAt = performance.now(); });
    expect(started).toEqual(['slow']);
    const end = Date.now() + 5000;
    while (nextAt === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual(['slow', 'next']);
    expect(nextAt - t0).toBeGreaterThanOrEqual(25); // 30 ms, less timer rounding (libuv caches the loop time)
  });

  it('admits everything at once with limit 0', () => {
    const a = new HookAdmission(0);
    const started: number[] = [];
    for (let i = 0; i < 50; i++) a.admit(response(), () => started.push(i));
    expect(started).toHaveLength(50);
    expect(a.waiting).toBe(0);
  });

  it('sheds a call that waited and is late at its turn: answered unstarted, taking no slot, and the next one starts', () => {
    const a = new HookAdmission(1, 10_000);
    const started: string[] = [];
    const answered: string[] = [];
    const first = response();
    a.admit(first, () => started.push('first'), { late: () => true, answer: () => answered.push('first') });
    a.admit(response(), () => started.push('late'), { late: () => true, answer: () => answered.push('late') });
    a.admit(response(), () => started.push('in time'), { late: () => false, answer: () => answered.push('in time') });
    a.admit(response(), () => started.push('after'));
    // Admitted at once: never shed, however late (its body was still arriving, not waiting on us).
    expect(started).toEqual(['first']);
    expect(answered).toEqual([]);
    first.finish();
    // The late one is answered without starting; the slot it would have taken goes to the next.
    expect(answered).toEqual(['late']);
    expect(started).toEqual(['first', 'in time']);
    expect(a.waiting).toBe(1);
  });

  it('asks whether a waiting call is late only at its turn, not when it arrives', () => {
    const a = new HookAdmission(1, 10_000);
    let late = false;
    const asked: boolean[] = [];
    const started: string[] = [];
    const first = response();
    a.admit(first, () => started.push('first'));
    a.admit(response(), () => started.push('waiting'), { late: () => { asked.push(late); return late; }, answer: () => started.push('shed') });
    expect(asked).toEqual([]);
    late = true;
    first.finish();
    expect(asked).toEqual([true]);
    expect(started).toEqual(['first', 'shed']);
  });
});
