/**
 * A redis-server child process of a test's own on a free loopback port, so outage and fault tests
 * can kill and restart Redis without touching the shared server on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface ThrowawayRedisOptions {
  /**
   * Append-only file fsynced on every write and noeviction: a crash (SIGKILL) and restart then loses
   * nothing acknowledged, so a fault test measures the service, not Redis forgetting.
   * @defaultValue false (no persistence)
   */
  persistent?: boolean;
  /** More redis-server arguments (later ones override earlier ones). */
  args?: string[];
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(300);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => { resolve(d.toString().startsWith('+PONG')); sock.destroy(); });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => { resolve(false); sock.destroy(); });
  });
}

export class ThrowawayRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number, readonly dir: string, private readonly args: string[]) {}

  static async start(options: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
    const persistence = options.persistent
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction']
      : ['--appendonly', 'no'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-test-redis-'));
    const r = new ThrowawayRedis(await freePort(), dir, [...persistence, ...(options.args ?? [])]);
    await r.up();
    return r;
  }

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  /** Starts (or restarts, reloading its append-only file if any) on the same port; waits for PONG. */
  async up(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--save', '', ...this.args], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await answersPing(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** SIGKILL (an outage, not a shutdown); its files stay for a restart. */
  async crash(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
    }
  }

  /** Kills the server and removes its files. */
  async destroy(): Promise<void> {
    await this.crash();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
