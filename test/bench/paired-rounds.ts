/**
 * Interleaved rounds over HTTP on a shared machine: each server driven in turn for 5 s at 10
 * connections per round, every measurement logged as it comes, medians per scenario and server in a
 * Markdown table beside the JSON.parse rate of the same bodies taken in the same round.
 */
import os from 'node:os';
import type { HookCall } from './bench-requests';
import { driveLoad } from './drive-load';

interface RoundSample { rps: number; p50: number; p99: number; err: number; parse: number }

export class PairedRounds {
  private readonly samples = new Map<string, RoundSample[]>();

  /** Drives `url` with `calls` for `durationS` and keeps the figures under scenario × server. */
  async measure(round: number, scenario: string, server: string, url: string, calls: readonly HookCall[], parse: number, durationS = 5): Promise<void> {
    const l = await driveLoad(url, calls, { connections: 10, durationS });
    const k = `${scenario}|${server}`;
    this.samples.set(k, [...(this.samples.get(k) ?? []), { rps: l.throughput, p50: l.p50, p99: l.p99, err: l.errors + l.non2xx, parse }]);
    process.stderr.write(`${round} ${scenario} ${server}: ${Math.round(l.throughput)} req/s p99 ${l.p99.toFixed(1)} ms, parse ${Math.round(parse)}/s, load ${os.loadavg()[0]!.toFixed(2)}\n`);
  }

  /** Medians per scenario × server; `serverColumn` names the second column. */
  table(serverColumn: string): string {
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const lines = [`| scenario | ${serverColumn} | req/s | p50 ms | p99 ms | errors + non-2xx | JSON.parse/s (same bodies, same run) | req/s ÷ parse/s |`, '|---|---|---:|---:|---:|---:|---:|---:|'];
    for (const [k, v] of this.samples) {
      const [scenario, server] = k.split('|');
      const rps = med(v.map((x) => x.rps));
      const parse = med(v.map((x) => x.parse));
      lines.push(`| ${scenario} | ${server} | ${Math.round(rps)} | ${med(v.map((x) => x.p50)).toFixed(1)} | ${med(v.map((x) => x.p99)).toFixed(1)} | ${v.reduce((s, x) => s + x.err, 0)} | ${Math.round(parse)} | ${(rps / parse).toFixed(2)} |`);
    }
    return `${lines.join('\n')}\n`;
  }
}
