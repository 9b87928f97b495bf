// @ts-check
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireInstalled } from './binaries.mjs';
import { freePort } from './ports.mjs';
import { ServerProcess } from './server-process.mjs';

/** Whether a Redis server answers PING on `port` (any answer other than a refused connection counts as up). */
function pingOnce(/** @type {number} */ port) {
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
        resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      }
    });
  });
}

/** @typedef {{ cert: string, key: string, ca: string }} RedisTls PEM file paths of the server's certificate, key and the CA it trusts */

/**
 * A private redis-server: a free loopback port below 32768, no persistence, a temporary dir. A
 * restart always comes back empty (that is what Redis without persistence does). With `tls`, it
 * also serves TLS on `tlsPort` (`tlsUrl`); the plain port stays for the harness's readiness probe.
 */
export class RedisServer {
  #process = new ServerProcess('redis-server');
  /** @type {RedisTls | undefined} */
  tls;
  /** @type {number | undefined} */
  tlsPort;

  /** @param {number} port @param {string} dir @param {string[]} extraArgs */
  constructor(port, dir, extraArgs = []) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `rediss://127.0.0.1:<tlsPort>` when started with `tls`. */
  get tlsUrl() {
    if (!this.tlsPort) throw new Error('this Redis serves no TLS: start it with { tls }');
    return `rediss://127.0.0.1:${this.tlsPort}`;
  }

  /**
   * With `persistent`, the server keeps an append-only file, so `restart({ empty: false })` comes
   * back with its data (permanent instances); otherwise every restart is empty.
   * @param {{ extraArgs?: string[], tls?: RedisTls, persistent?: boolean }} [options]
   */
  static async start(options = {}) {
    requireInstalled('redis');
    const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : [];
    // A cluster node also binds a bus port, by default its port + 10 000: above 32767, where the
    // kernel hands out ephemeral ports, so it may be taken. Give it a free one below 32768.
    const bus = options.extraArgs?.includes('--cluster-enabled') ? ['--cluster-port', String(await freePort())] : [];
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'nsr-redis-')), [
      ...persistence,
      ...bus,
      ...(options.extraArgs ?? []),
    ]);
    if (options.tls) {
      server.tls = options.tls;
      server.tlsPort = await freePort();
    }
    await server.launch();
    return server;
  }

  async kill() {
    await this.#process.kill(this.port);
  }

  /** SIGKILL and start again, with no data (`empty`, the default) or with what its append-only file kept. */
  async restart({ empty = true } = {}) {
    if (this.#process.running) await this.kill();
    if (empty) rmSync(join(this.dir, 'appendonlydir'), { recursive: true, force: true });
    await this.launch();
  }

  async stop() {
    await this.#process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** @protected */
  async launch() {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      ...(this.tls && this.tlsPort
        ? ['--tls-port', String(this.tlsPort), '--tls-cert-file', this.tls.cert, '--tls-key-file', this.tls.key].concat([
            '--tls-ca-cert-file',
            this.tls.ca,
            '--tls-auth-clients',
            'optional',
          ])
        : []),
      ...this.extraArgs,
    ];
    await this.#process.start('redis-server', args, () => pingOnce(this.port), 10_000);
  }
}
