/**
 * This process's health for the dashboard: CPU (share of one core since the previous reading),
 * memory, event-loop delay (p50 / p99 / max since the previous reading), uptime, version and
 * commit. Node's own counters only (process.cpuUsage, perf_hooks.monitorEventLoopDelay).
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessHealth {
  pid: number;
  node: string;
  version: string | null;
  commit: string | null;
  uptimeS: number;
  /** Percent of one core used since the previous reading (can exceed 100 with worker threads). */
  cpuPercent: number | null;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  eventLoopDelayMs: { p50: number | null; p99: number | null; max: number | null };
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function readVersion(): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The checked-out commit from .git (a worktree's .git file points at its git dir), or null. */
function readCommit(): string | null {
  try {
    let gitDir = path.join(REPO_ROOT, '.git');
    if (fs.statSync(gitDir).isFile()) gitDir = path.resolve(REPO_ROOT, fs.readFileSync(gitDir, 'utf8').replace(/^gitdir:\s*/, '').trim());
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    const commonFile = path.join(gitDir, 'commondir');
    const common = fs.existsSync(commonFile) ? path.resolve(gitDir, fs.readFileSync(commonFile, 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const file = path.join(dir, ref);
      if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    }
    const packed = path.join(common, 'packed-refs');
    if (fs.existsSync(packed)) {
      const line = fs.readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
      if (line) return line.split(' ')[0]!;
    }
  } catch {
    // not a git checkout (container image): BUILD_COMMIT says it
  }
  return null;
}

export class ProcessHealthMonitor {
  private readonly delay: IntervalHistogram;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private readonly version = readVersion();
  private readonly commit: string | null;

  /** @param buildCommit BUILD_COMMIT from the configuration, preferred over .git */
  constructor(buildCommit?: string) {
    this.commit = buildCommit ?? readCommit();
    this.delay = monitorEventLoopDelay({ resolution: 20 });
    this.delay.enable();
  }

  read(): ProcessHealth {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = now - this.lastAt;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const mem = process.memoryUsage();
    const ms = (ns: number) => (Number.isFinite(ns) && ns > 0 ? Math.round(ns / 1e4) / 100 : null);
    const health: ProcessHealth = {
      pid: process.pid,
      node: process.version,
      version: this.version,
      commit: this.commit,
      uptimeS: Math.round(process.uptime()),
      cpuPercent: elapsedMs > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10 : null,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      eventLoopDelayMs: this.delay.count > 0
        ? { p50: ms(this.delay.percentile(50)), p99: ms(this.delay.percentile(99)), max: ms(this.delay.max) }
        : { p50: null, p99: null, max: null },
    };
    this.delay.reset();
    return health;
  }

  stop(): void { this.delay.disable(); }
}
