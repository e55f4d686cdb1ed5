/**
 * A throwaway redis-server on a free loopback port (no persistence), so outage tests can stop and
 * restart Redis without touching the shared server on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(300);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => { resolve(d.toString().startsWith('+PONG')); sock.destroy(); });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => { resolve(false); sock.destroy(); });
  });
}

export class PrivateRedis {
  private child: ChildProcess | undefined;
  /** Working directory of the server (AOF files when a test turns appendonly on), removed at down(). */
  private readonly dir: string;
  private constructor(readonly port: number, private readonly extraArgs: string[]) {
    this.dir = path.join(os.tmpdir(), `prognos-redis-${port}`);
  }

  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), extraArgs);
    await r.up();
    return r;
  }

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  /** Starts (or restarts) the server on the same port and waits until it answers PING. */
  async up(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', this.dir, ...this.extraArgs], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await answers(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on ${this.port}`);
  }

  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for the process to exit. */
  async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
