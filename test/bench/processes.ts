/**
 * Real processes for the benchmark and the reliability suite: the HTTP service
 * (`services/cds-hooks/dist/main.js`) and scorer workers (`services/scorer/dist/worker-main.js`),
 * spawned from the compiled dist with a controlled environment, plus what is read from outside:
 * readiness over HTTP and memory from /proc/<pid>/status (VmRSS now, VmHWM the peak).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort } from '../support/free-port';

export { freePort };

/** The repository root (this file runs from test/bench under jest and dist-test/bench compiled). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVICE_MAIN = path.join(REPO_ROOT, 'services', 'cds-hooks', 'dist', 'main.js');
export const WORKER_MAIN = path.join(REPO_ROOT, 'services', 'scorer', 'dist', 'worker-main.js');


export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** Last ~64 kB of stdout + stderr (pino lines), for diagnostics. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL (a crash, not a shutdown); resolves when the process is gone. */
  kill(): Promise<void>;
}

function spawnNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): Spawned {
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npx tsc -b\` first`);
  const child = spawn(process.execPath, [...nodeArgs, script], {
    // Load drivers measure throughput from one client: the per-client limits are off unless a test sets them.
    // One HTTP process unless the caller asks for more: the suites measure that process's memory and pid.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', CLIENT_RATE_PER_S: '0', CLIENT_MAX_CONCURRENT: '0', EMBEDDED_PROCESSES: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: REPO_ROOT,
  });
  let out = '';
  const keep = (d: Buffer) => { out = (out + d.toString()).slice(-65536); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    async stop(graceMs = 5000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!gone()) child.kill('SIGKILL'); }, graceMs);
      await exited;
      clearTimeout(t);
    },
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ServiceProcess extends Spawned {
  url: string;
  port: number;
}

/**
 * Starts the HTTP service on a free loopback port and waits for /readyz to be ready and not degraded
 * (models warm; in distributed mode Redis connected and a worker online, not the in-process fallback).
 * @param env extra environment (REDIS_URL, QUEUE_NAME, DEV_FHIR_SERVERS ...)
 * @param nodeArgs e.g. ['--cpu-prof', '--cpu-prof-dir=...']
 */
export async function startService(env: Record<string, string> = {}, nodeArgs: string[] = [], readyTimeoutMs = 30_000): Promise<ServiceProcess> {
  const port = await freePort();
  const p = spawnNode(SERVICE_MAIN, { PORT: String(port), HOST: '127.0.0.1', ...env }, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/readyz`, readyTimeoutMs, p, (body) => (body as { degraded?: boolean }).degraded !== true);
  } catch (e) {
    await p.kill();
    throw new Error(`${(e as Error).message}\n--- service output ---\n${p.output().slice(-4000)}`);
  }
  return { ...p, url, port };
}

export interface WorkerProcess extends Spawned {
  metricsUrl: string;
}

/** Starts a scorer worker with its /metrics on a free port and waits until it is ready. */
export async function startWorker(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<WorkerProcess> {
  const port = await freePort();
  const p = spawnNode(WORKER_MAIN, { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1', ...env });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/readyz`, readyTimeoutMs, p);
  } catch (e) {
    await p.kill();
    throw new Error(`${(e as Error).message}\n--- worker output ---\n${p.output().slice(-4000)}`);
  }
  return { ...p, metricsUrl: `${base}/metrics` };
}

/** Polls `url` until it answers 2xx (and `accept(json body)` holds, when given); fails early if the process exits. */
export async function waitForHttp(url: string, timeoutMs: number, proc?: Spawned, accept?: (body: unknown) => boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) throw new Error(`process exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok && (!accept || accept(await res.json().catch(() => ({}))))) return;
      last = res.ok ? 'degraded' : `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** Memory of a live process from /proc/<pid>/status, bytes: rss now and hwm (peak resident). */
export function readMemory(pid: number): { rss: number; hwm: number } {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Samples VmRSS of `pids` every `everyMs` until stopped; reports the maximum per pid. */
export function sampleRss(pids: number[], everyMs = 200): { stop(): Record<number, number> } {
  const max: Record<number, number> = Object.fromEntries(pids.map((p) => [p, readMemory(p).rss]));
  const t = setInterval(() => {
    for (const p of pids) max[p] = Math.max(max[p] ?? 0, readMemory(p).rss);
  }, everyMs);
  return { stop() { clearInterval(t); for (const p of pids) max[p] = Math.max(max[p] ?? 0, readMemory(p).rss); return max; } };
}

export const MB = 1024 * 1024;

/** Removes a bench run's queue, its worker heartbeats and its feedback stream from Redis. */
export async function cleanupBenchQueue(redisUrl: string, queueName: string): Promise<void> {
  const queue = new Queue(queueName, { connection: { url: redisUrl } });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const pattern of [`prognos:worker*:${queueName}*`, `bull:${queueName}:*`, `bench:*:${queueName}`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** A service environment written as "KEY=V KEY2=V2" (a bench's BENCH_SERVICE_ENV or variant), as an object. */
export function parseEnvList(text: string | undefined): Record<string, string> {
  return Object.fromEntries((text ?? '').split(/\s+/).filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

/**
 * Starts the service of an older build (a checkout built with `npx tsc -b`) through that build's own
 * bench helpers, for before/after runs side by side with this build.
 */
export function startBaseService(baseDir: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const base = require(path.join(baseDir, 'dist-test', 'bench', 'processes.js')) as typeof import('./processes');
  return base.startService(env);
}
