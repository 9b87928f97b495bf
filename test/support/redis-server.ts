import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort, waitPortFree } from './ports.js';

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
  });
}

/**
 * A private redis-server started by a test: a free loopback port below 32768, no persistence,
 * a temporary dir. A restart always comes back empty (that is what Redis without persistence does).
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    requireBinary('redis-server');
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'nsr-redis-')));
    await server.launch();
    return server;
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    await waitPortFree(this.port);
  }

  async restart(): Promise<void> {
    if (this.child) await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.child) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + 10_000;
    while (!(await pingOnce(this.port))) {
      if (!this.child) throw new Error('redis-server exited during startup');
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
