import { DEFAULT_SHOWN_CARDS_MAX, MemoryShownCardLog, type ShownCard } from './shown-card-log';
import { loadConfig } from '../config';

const card = (i: number): ShownCard => ({ uuid: `u${i}`, serviceId: 'ckd-progression', kind: 'ckd.refer-nephrology', indicator: 'warning', shownAt: 1000 + i });
const uuids = async (log: MemoryShownCardLog, since?: number) => (await log.list(since)).map((c) => c.uuid);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe('MemoryShownCardLog', () => {
  it('keeps every card, oldest first, up to its capacity', async () => {
    const log = new MemoryShownCardLog(5);
    await log.record(range(0, 4).map(card));
    expect(await uuids(log)).toEqual(['u0', 'u1', 'u2', 'u3']);
    await log.record([card(4)]);
    expect(await uuids(log)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
  });

  it('forgets the oldest beyond its capacity and still lists oldest first, however many times it wraps', async () => {
    const log = new MemoryShownCardLog(5);
    await log.record(range(0, 6).map(card));
    expect(await uuids(log)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    for (let i = 6; i < 23; i++) await log.record([card(i)]);
    expect(await uuids(log)).toEqual(['u18', 'u19', 'u20', 'u21', 'u22']);
    // One batch larger than the capacity: its last cards stay.
    await log.record(range(100, 112).map(card));
    expect(await uuids(log)).toEqual(['u107', 'u108', 'u109', 'u110', 'u111']);
  });

  it('lists the cards shown at or after a time, on both sides of it, after wrapping', async () => {
    const log = new MemoryShownCardLog(4);
    await log.record(range(0, 7).map(card)); // keeps u3..u6, shownAt 1003..1006
    expect(await uuids(log, 1004)).toEqual(['u4', 'u5', 'u6']);
    expect(await uuids(log, 1005)).toEqual(['u5', 'u6']);
    expect(await uuids(log, 1007)).toEqual([]);
    expect(await uuids(log, 0)).toEqual(['u3', 'u4', 'u5', 'u6']);
  });

  it('refuses a capacity under 1', () => {
    expect(() => new MemoryShownCardLog(0)).toThrow(/capacity/);
  });

  it('takes its capacity from SHOWN_CARDS_MAX (default 200,000; at least 100)', () => {
    expect(loadConfig({}).SHOWN_CARDS_MAX).toBe(DEFAULT_SHOWN_CARDS_MAX);
    expect(loadConfig({ SHOWN_CARDS_MAX: '100' }).SHOWN_CARDS_MAX).toBe(100);
    expect(() => loadConfig({ SHOWN_CARDS_MAX: '99' })).toThrow(/SHOWN_CARDS_MAX/);
  });
});
