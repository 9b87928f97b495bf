// @ts-check
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireInstalled } from './binaries.mjs';
import { freePort } from './ports.mjs';
import { ServerProcess } from './server-process.mjs';

const CLASSPATH = '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar';

/** The server's answer to the `srvr` four-letter command ('' when it does not answer). @returns {Promise<string>} */
function srvr(/** @type {number} */ port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('error', () => resolve(''));
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
  });
}

/**
 * A private standalone ZooKeeper (Debian's jar, Java 17): a free loopback port below 32768, a
 * temporary data dir, tickTime 500 ms (sessions from 1 s). Restart on the same or an empty data dir.
 */
export class ZooKeeperServer {
  #process = new ServerProcess('ZooKeeper');
  #dir = mkdtempSync(join(tmpdir(), 'nsr-zk-'));

  constructor(/** @type {number} */ port) {
    this.port = port;
  }

  /** Connection string, e.g. `127.0.0.1:23456`. */
  get hosts() {
    return `127.0.0.1:${this.port}`;
  }

  static async start() {
    requireInstalled('zookeeper');
    const server = new ZooKeeperServer(await freePort());
    await server.launch();
    return server;
  }

  async kill() {
    await this.#process.kill(this.port);
  }

  async restart(/** @type {{ empty?: boolean }} */ options = {}) {
    if (this.#process.running) await this.kill();
    if (options.empty) {
      rmSync(this.#dir, { recursive: true, force: true });
      this.#dir = mkdtempSync(join(tmpdir(), 'nsr-zk-'));
    }
    await this.launch();
  }

  async stop() {
    await this.#process.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** @protected */
  async launch() {
    mkdirSync(join(this.#dir, 'data'), { recursive: true });
    const config = join(this.#dir, 'zoo.cfg');
    const lines = [
      'tickTime=500',
      `dataDir=${join(this.#dir, 'data')}`,
      `clientPort=${this.port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr,ruok',
      'forceSync=no',
    ];
    writeFileSync(config, lines.join('\n'));
    const args = ['-Xmx256m', '-XX:+UseSerialGC', '-cp', CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', config];
    await this.#process.start('java', args, async () => (await srvr(this.port)).includes('Mode:'), 20_000);
  }
}
