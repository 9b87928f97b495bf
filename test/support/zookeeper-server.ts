import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';

export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const CLASSPATH = `${ZOOKEEPER_JAR}:/usr/share/java/slf4j-simple.jar`;

/** Throws how to install ZooKeeper when Debian's package is missing. Never skips. */
export function requireZooKeeper(): void {
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new Error(
      `ZooKeeper is not installed (${ZOOKEEPER_JAR} missing). Install it: apt-get install -y --no-install-recommends zookeeper   (or run: bash .ci/run)`,
    );
  }
}

function srvr(port: number): Promise<string> {
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
 * A private standalone ZooKeeper started by a test (Debian's jar, Java 17): free loopback port
 * below 32768, a temporary data dir, tickTime 500 ms (sessions from 1 s). Restart on the same or
 * an empty data dir.
 */
export class ZooKeeperServer {
  private readonly process = new ServerProcess('ZooKeeper');
  private dir: string;

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'nsr-zk-'));
  }

  get hosts(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<ZooKeeperServer> {
    requireZooKeeper();
    const server = new ZooKeeperServer(await freePort());
    await server.launch();
    return server;
  }

  async kill(): Promise<void> {
    await this.process.kill(this.port);
  }

  async restart(options: { empty?: boolean } = {}): Promise<void> {
    if (this.process.running) await this.kill();
    if (options.empty) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = mkdtempSync(join(tmpdir(), 'nsr-zk-'));
    }
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    const config = join(this.dir, 'zoo.cfg');
    writeFileSync(
      config,
      [
        `tickTime=500`,
        `dataDir=${join(this.dir, 'data')}`,
        `clientPort=${this.port}`,
        'clientPortAddress=127.0.0.1',
        'admin.enableServer=false',
        '4lw.commands.whitelist=srvr,ruok',
        'forceSync=no',
      ].join('\n'),
    );
    const args = ['-Xmx256m', '-XX:+UseSerialGC', '-cp', CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', config];
    await this.process.start('java', args, async () => (await srvr(this.port)).includes('Mode:'), 20_000);
  }
}
