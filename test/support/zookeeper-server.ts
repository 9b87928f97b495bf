import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitPortFree } from './ports.js';

export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const CLASSPATH = `${ZOOKEEPER_JAR}:/usr/share/java/slf4j-simple.jar`;

/** Throws how to install ZooKeeper when Debian's package is missing. Never skips. */
export function requireZooKeeper(): void {
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new Error(`ZooKeeper is not installed (${ZOOKEEPER_JAR} missing). Install it: apt-get install -y --no-install-recommends zookeeper   (or run: bash .ci/run)`);
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
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
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
    this.child?.kill('SIGKILL');
    await this.exited;
    await waitPortFree(this.port);
  }

  async restart(options: { empty?: boolean } = {}): Promise<void> {
    if (this.child) await this.kill();
    if (options.empty) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = mkdtempSync(join(tmpdir(), 'nsr-zk-'));
    }
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
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    const config = join(this.dir, 'zoo.cfg');
    writeFileSync(
      config,
      [`tickTime=500`, `dataDir=${join(this.dir, 'data')}`, `clientPort=${this.port}`, 'clientPortAddress=127.0.0.1',
        'admin.enableServer=false', '4lw.commands.whitelist=srvr,ruok', 'forceSync=no'].join('\n'),
    );
    const child = spawn('java', ['-Xmx256m', '-XX:+UseSerialGC', '-cp', CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', config], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + 20_000;
    while (!(await srvr(this.port)).includes('Mode:')) {
      if (!this.child) throw new Error('ZooKeeper exited during startup');
      if (Date.now() > deadline) throw new Error('ZooKeeper did not answer srvr within 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
