// @ts-check
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireInstalled } from './binaries.mjs';
import { freePort } from './ports.mjs';
import { ServerProcess } from './server-process.mjs';

const CLASSPATH = '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar';

/** A member's answer to a four-letter command ('' when it does not answer). @returns {Promise<string>} */
export function fourLetters(/** @type {number} */ port, /** @type {string} */ command) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('error', () => resolve(''));
    socket.on('connect', () => socket.write(command));
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
  });
}

/**
 * @typedef {{ id: number, clientPort: number, peerPort: number, electionPort: number, dir: string, process: ServerProcess }} Member
 */

/**
 * A 3-member ZooKeeper ensemble on loopback (Debian's jar): `zoo.cfg` with `server.N` lines, a
 * `myid` per data dir, tickTime 500 ms, the `srvr`, `ruok` and `cons` four-letter commands on.
 * Members are killed and started again (on the same or an empty data dir) one at a time.
 */
export class ZooKeeperEnsemble {
  /** @type {Member[]} */ members = [];

  /** Connection string of every member, e.g. `127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183`. */
  get hosts() {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`).join(',');
  }

  static async start(size = 3) {
    requireInstalled('zookeeper');
    const ensemble = new ZooKeeperEnsemble();
    for (let id = 1; id <= size; id++) {
      const [clientPort, peerPort, electionPort] = [await freePort(), await freePort(), await freePort()];
      const dir = mkdtempSync(join(tmpdir(), `nsr-zk${id}-`));
      ensemble.members.push({ id, clientPort, peerPort, electionPort, dir, process: new ServerProcess(`ZooKeeper ${id}`) });
    }
    try {
      await Promise.all(ensemble.members.map((m) => ensemble.launch(m)));
    } catch (error) {
      await ensemble.stop();
      throw error;
    }
    return ensemble;
  }

  /** `leader`, `follower`, or '' (not serving). @param {Member} member */
  async mode(member) {
    return /Mode: (\w+)/.exec(await fourLetters(member.clientPort, 'srvr'))?.[1] ?? '';
  }

  /** The member that leads now (waits up to `timeout` for one). */
  async leader(timeout = 20_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const member of this.members) if ((await this.mode(member)) === 'leader') return member;
      if (Date.now() > deadline) throw new Error(`no ZooKeeper member leads after ${timeout} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The member a client session (`sessionId`, a number or hex string) is connected to, if any. */
  async holderOf(/** @type {bigint} */ sessionId) {
    for (const member of this.members) {
      const cons = await fourLetters(member.clientPort, 'cons');
      for (const match of cons.matchAll(/sid=0x([0-9a-f]+)/g)) if (BigInt(`0x${match[1]}`) === sessionId) return member;
    }
    return undefined;
  }

  /** SIGKILL one member (and wait until its ports are free). @param {Member} member */
  async kill(member) {
    await member.process.kill(member.clientPort, member.peerPort, member.electionPort);
  }

  /** Starts a killed member again, on its data dir or (`empty`) a new empty one; resolves once it serves. @param {Member} member */
  async restart(member, { empty = false } = {}) {
    if (empty) {
      rmSync(member.dir, { recursive: true, force: true });
      member.dir = mkdtempSync(join(tmpdir(), `nsr-zk${member.id}-`));
    }
    await this.launch(member);
  }

  async stop() {
    for (const member of this.members) {
      await member.process.stop();
      rmSync(member.dir, { recursive: true, force: true });
    }
  }

  /** @param {Member} member */
  async launch(member) {
    const data = join(member.dir, 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'myid'), `${member.id}\n`);
    const config = join(member.dir, 'zoo.cfg');
    const lines = [
      'tickTime=500',
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${data}`,
      `clientPort=${member.clientPort}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr,ruok,cons',
      'forceSync=no',
      ...this.members.map((m) => `server.${m.id}=127.0.0.1:${m.peerPort}:${m.electionPort}`),
    ];
    writeFileSync(config, lines.join('\n'));
    const args = ['-Xmx192m', '-XX:+UseSerialGC', '-cp', CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', config];
    const serving = async () => /Mode: (leader|follower)/.test(await fourLetters(member.clientPort, 'srvr'));
    await member.process.start('java', args, serving, 40_000);
  }
}
