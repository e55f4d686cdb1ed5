/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) by self time: per function (name + file:line) and per
 * package/area (node_modules package, our workspace, node internals, GC, idle), so a missed target
 * can be attributed. CLI: `node dist-test/bench/summarize-cpu-profile.js file.cpuprofile [top]`.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byFunction: { name: string; ms: number; share: number }[];
  byArea: { area: string; ms: number; share: number }[];
}

/** Area of a script URL: a node_modules package, one of our workspaces, node internals. */
export function areaOf(url: string, name: string): string {
  if (name === '(idle)') return '(idle)';
  if (name === '(garbage collector)') return '(garbage collector)';
  if (name === '(program)') return '(program: native, outside JS)';
  if (!url) return '(native / builtin)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ws = /\/(libs\/[^/]+|services\/[^/]+|test|dist-test)\//.exec(url);
  if (ws) return ws[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export function summarizeCpuProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    total += us;
    if (name === '(idle)') { idle += us; continue; }
    const short = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(libs|services|test|dist-test)\//, '$1/');
    const key = `${name} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const a = areaOf(url, name);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    byFunction: rank(fn).map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 })),
    byArea: rank(area).map(([a, us]) => ({ area: a, ms: us / 1000, share: busy > 0 ? us / busy : 0 })),
  };
}

export function formatProfileSummary(s: ProfileSummary, top = 25): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  const lines = [`profiled ${(s.totalMs / 1000).toFixed(1)} s, idle ${(s.idleMs / 1000).toFixed(1)} s, busy ${((s.totalMs - s.idleMs) / 1000).toFixed(1)} s (shares below are of busy time)`, '', 'by area:'];
  for (const a of s.byArea.slice(0, 15)) lines.push(`  ${pct(a.share)}  ${a.ms.toFixed(0).padStart(7)} ms  ${a.area}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const f of s.byFunction.slice(0, top)) lines.push(`  ${pct(f.share)}  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist-test/bench/summarize-cpu-profile.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const summary = summarizeCpuProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(`${formatProfileSummary(summary, Number(process.argv[3] ?? 30))}\n`);
}
