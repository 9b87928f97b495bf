import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';

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
  private readonly process = new ServerProcess('redis-server');

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
    await this.process.kill(this.port);
  }

  async restart(): Promise<void> {
    if (this.process.running) await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    await this.process.start('redis-server', args, () => pingOnce(this.port), 10_000);
  }
}
