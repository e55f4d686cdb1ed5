/**
 * What recording the cards of one call costs the in-memory shown-card log once it is full (the
 * steady state of a long-running embedded service), and what listing a day of it costs: at the
 * capacities `BENCH_CAPACITIES` (default 1,000 and SHOWN_CARDS_MAX's default 200,000).
 *
 *   npx tsc -b && node dist-test/bench/shown-card-log-cost.js
 */
import { DEFAULT_SHOWN_CARDS_MAX, MemoryShownCardLog, type ShownCard } from '@prognos/cds-hooks/dist/analytics/shown-card-log';

const card = (i: number): ShownCard => ({ uuid: `u${i}`, serviceId: 'ckd-progression', kind: 'ckd.refer-nephrology', indicator: 'warning', shownAt: i, issuer: 'x' });

async function main(): Promise<void> {
  const capacities = (process.env.BENCH_CAPACITIES ?? `1000,${DEFAULT_SHOWN_CARDS_MAX}`).split(',').map(Number);
  for (const max of capacities) {
    const log = new MemoryShownCardLog(max);
    for (let i = 0; i < max; i++) await log.record([card(i)]);
    const calls = 20_000;
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await log.record([card(max + 2 * i), card(max + 2 * i + 1)]);
    const recordUs = Number(process.hrtime.bigint() - t0) / 1e3 / calls;
    t0 = process.hrtime.bigint();
    const quarter = await log.list(max + 2 * calls - max / 4);
    const listMs = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(`capacity ${max}: record() of a call's 2 cards when full ${recordUs.toFixed(2)} µs; list() of the newest quarter (${quarter.length}) ${listMs.toFixed(1)} ms\n`);
  }
}

main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
