// @ts-check
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { requireInstalled } from './binaries.mjs';
import { freePort } from './ports.mjs';
import { RedisServer } from './redis-server.mjs';
import { ServerProcess } from './server-process.mjs';

/** The master's name the sentinels monitor. */
export const SENTINEL_MASTER = 'mymaster';

/** Asks one Redis (or sentinel) on `port` a command; `undefined` when it does not answer. */
async function ask(/** @type {number} */ port, /** @type {string[]} */ command, /** @type {string | undefined} */ password = undefined) {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command[0] ?? 'PING', ...command.slice(1));
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** Whether a `SENTINEL replicas|sentinels` entry (`[field, value, …]`) is up (no `s_down` / `o_down` / `disconnected` flag). */
function up(/** @type {unknown} */ entry) {
  if (!Array.isArray(entry)) return false;
  const flags = String(entry[entry.indexOf('flags') + 1] ?? '');
  return !/down|disconnected/.test(flags);
}

/**
 * A Redis Sentinel deployment on loopback: one master, two replicas (`redis-server
 * --replicaof`) and three sentinels (`redis-server sentinel.conf --sentinel`, from the same
 * Debian package), quorum 2, a master declared down after 1 s. Each on a free port below 32768
 * with its own temporary dir; `stop()` stops them all.
 */
export class RedisSentinelDeployment {
  /** @type {RedisServer[]} */ nodes = [];
  /** @type {Array<{ port: number, dir: string, process: ServerProcess }>} */ sentinels = [];

  /** The data nodes' password (`requirepass` and `masterauth`), if any. @type {string | undefined} */
  password;
  /** The sentinels' own password (`requirepass` in sentinel.conf), if any. @type {string | undefined} */
  sentinelPassword;

  /** `host:port` of each sentinel, as `REDIS_SENTINELS` and `redis({ sentinels })` take them. */
  get sentinelAddresses() {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`);
  }

  /**
   * With `password`, every data node requires it (and replicates with it); with `sentinelPassword`,
   * the sentinels require theirs.
   * @param {{ password?: string, sentinelPassword?: string }} [options]
   */
  static async start(options = {}) {
    requireInstalled('redis');
    const deployment = new RedisSentinelDeployment();
    deployment.password = options.password;
    deployment.sentinelPassword = options.sentinelPassword;
    try {
      const master = await RedisServer.start({ extraArgs: deployment.nodeAuth() });
      deployment.nodes.push(master);
      for (let i = 0; i < 2; i++)
        deployment.nodes.push(
          await RedisServer.start({ extraArgs: [...deployment.nodeAuth(), '--replicaof', '127.0.0.1', String(master.port)] }),
        );
      for (let i = 0; i < 3; i++) await deployment.startSentinel(master.port);
      await deployment.settled();
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }

  /** The data nodes' arguments for `password`: require it, and replicate with it. */
  nodeAuth() {
    return this.password ? ['--requirepass', this.password, '--masterauth', this.password] : [];
  }

  /** The port of the node the sentinels name as master now. */
  async masterPort() {
    for (const sentinel of this.sentinels) {
      const reply = await ask(sentinel.port, ['SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER], this.sentinelPassword);
      if (Array.isArray(reply)) return Number(reply[1]);
    }
    throw new Error('no sentinel answered get-master-addr-by-name');
  }

  /** The node serving as master now. */
  async master() {
    const port = await this.masterPort();
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`the sentinels name ${port} as master, which is not one of this deployment's nodes`);
    return node;
  }

  /** Waits (up to `timeout`) until every sentinel names a master other than `formerPort` and it answers as master; resolves its port. */
  async promoted(/** @type {number} */ formerPort, timeout = 30_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const ports = await Promise.all(
        this.sentinels.map(async (s) => {
          const reply = await ask(s.port, ['SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER], this.sentinelPassword);
          return Array.isArray(reply) ? Number(reply[1]) : undefined;
        }),
      );
      const port = ports[0];
      if (port !== undefined && port !== formerPort && ports.every((p) => p === port)) {
        const role = await ask(port, ['ROLE'], this.password);
        if (Array.isArray(role) && role[0] === 'master') return port;
      }
      if (Date.now() > deadline) throw new Error(`no replica was promoted within ${timeout} ms (sentinels name ${ports.join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * A failover: the master is SIGKILLed once its replicas have everything (`WAIT`), after a
   * `FLUSHALL` with `empty`; resolves once a replica is promoted. The killed node comes back as a
   * replica of the new master, so the next failover has replicas to promote.
   */
  async failover({ empty = false } = {}) {
    const master = await this.master();
    if (empty) await ask(master.port, ['FLUSHALL'], this.password);
    await ask(master.port, ['WAIT', '2', '2000'], this.password);
    await master.kill();
    const port = await this.promoted(master.port);
    master.extraArgs = [
      ...(this.password ? ['--requirepass', this.password, '--masterauth', this.password] : []),
      '--replicaof',
      '127.0.0.1',
      String(port),
    ];
    await master.restart();
    await this.settled();
    return port;
  }

  async stop() {
    for (const sentinel of this.sentinels) {
      await sentinel.process.stop();
      rmSync(sentinel.dir, { recursive: true, force: true });
    }
    for (const node of this.nodes) await node.stop();
  }

  /** @param {number} masterPort */
  async startSentinel(masterPort) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nsr-sentinel-'));
    const config = join(dir, 'sentinel.conf'); // a sentinel rewrites its own config: a file of its own
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 3000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        ...(this.password ? [`sentinel auth-pass ${SENTINEL_MASTER} ${this.password}`] : []),
        ...(this.sentinelPassword ? [`requirepass ${this.sentinelPassword}`] : []),
        '',
      ].join('\n'),
    );
    const server = new ServerProcess('redis-sentinel');
    this.sentinels.push({ port, dir, process: server });
    await server.start(
      'redis-server',
      [config, '--sentinel'],
      async () => (await ask(port, ['PING'], this.sentinelPassword)) === 'PONG',
      10_000,
    );
  }

  /** Waits until every sentinel knows both replicas and the other two sentinels (a failover needs them). */
  async settled(timeout = 30_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const known = await Promise.all(
        this.sentinels.map(async (s) => {
          const replicas = await ask(s.port, ['SENTINEL', 'replicas', SENTINEL_MASTER], this.sentinelPassword);
          const others = await ask(s.port, ['SENTINEL', 'sentinels', SENTINEL_MASTER], this.sentinelPassword);
          return Array.isArray(replicas) && replicas.filter(up).length === 2 && Array.isArray(others) && others.filter(up).length === 2;
        }),
      );
      if (known.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`the sentinels did not discover each other and the replicas within ${timeout} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
