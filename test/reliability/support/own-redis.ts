/**
 * A redis-server child process of our own on a free loopback port (the shared Redis on 6379 is never
 * touched), with append-only persistence fsynced on every write, so a crash (SIGKILL) and restart
 * loses nothing that was acknowledged: what the fault test checks is then the service's own
 * behaviour, not Redis forgetting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../bench/processes';

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(300);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => { resolve(d.toString().startsWith('+PONG')); sock.destroy(); });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => { resolve(false); sock.destroy(); });
  });
}

export class OwnRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number, readonly dir: string) {}

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-reliability-redis-')));
    await r.up();
    return r;
  }

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  /** Starts (or restarts, reloading the append-only file) and waits for PONG. */
  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await pong(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** SIGKILL: a crash, not a shutdown. */
  async crash(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
    }
  }

  /** Stops the server and removes its files. */
  async destroy(): Promise<void> {
    await this.crash();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
