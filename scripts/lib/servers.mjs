// Private registry servers (etcd, Redis) for the demo and the benchmarks (the test suites have
// their own TypeScript harness): free loopback ports below 32768, a temporary dir, stopped and
// removed by stop().
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasBinary(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
}

/** Makes sure `binary` is on the PATH: installs Debian's `pkg` when root with apt-get, else throws how to. */
export function ensureBinary(binary, pkg, log = (line) => process.stdout.write(`${line}\n`)) {
  if (hasBinary(binary)) return;
  if (process.getuid?.() === 0 && hasBinary('apt-get')) {
    log(`${binary} is not installed: installing Debian's ${pkg} (apt-get)...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env });
    if (hasBinary(binary)) return;
  }
  throw new Error(`This needs the "${binary}" binary. Install it: sudo apt-get install -y --no-install-recommends ${pkg}`);
}

export const ensureEtcd = (log) => ensureBinary('etcd', 'etcd-server', log);

/** Starts a standalone ZooKeeper from Debian's jar (tickTime 500 ms); resolves once `srvr` answers. */
export async function startZooKeeper() {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { connect } = await import('node:net');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nsr-zk-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'zoo.cfg'),
    [
      `tickTime=500`,
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=srvr,ruok',
      'forceSync=no',
    ].join('\n'),
  );
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-cp',
      '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar',
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      join(dir, 'zoo.cfg'),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('ZooKeeper exited during startup');
    const reply = await new Promise((resolve) => {
      let text = '';
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.on('error', () => resolve(''));
      socket.on('connect', () => socket.write('srvr'));
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    if (String(reply).includes('Mode:')) break;
    if (Date.now() > deadline) throw new Error('ZooKeeper did not answer srvr within 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server without persistence; resolves once it answers PING. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nsr-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('redis-server exited during startup');
    const { connect } = await import('node:net');
    const pong = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(300, () => (socket.destroy(), resolve(false)));
      socket.on('error', () => resolve(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => (socket.destroy(), resolve(String(d).startsWith('+PONG'))));
    });
    if (pong) break;
    if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const handedOut = new Set();

/** A free loopback port in 20000..31999 (below Linux's ephemeral range). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const attempt = (n) => {
      const port = 20000 + Math.floor(Math.random() * 12000);
      if (handedOut.has(port)) return attempt(n);
      const server = createServer();
      server.once('error', () => (n > 200 ? reject(new Error('no free port')) : attempt(n + 1)));
      server.listen(port, '127.0.0.1', () =>
        server.close(() => {
          handedOut.add(port);
          resolve(port);
        }),
      );
    };
    attempt(0);
  });
}

/** Starts etcd; resolves once /health says true. */
export async function startEtcd({ name = 'n1', extraArgs = [] } = {}) {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'nsr-etcd-'));
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      '--name',
      name,
      '--data-dir',
      join(dataDir, 'data'),
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `${name}=${peer}`,
      '--log-level',
      'error',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`etcd exited during startup:\n${stderr}`);
    try {
      const body = await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) })).json();
      if (body.health === 'true') break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`etcd did not become healthy within 15 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    clientPort,
    /** Sum of a Prometheus counter over the label sets that contain `filter`. */
    async counter(metric, filter = '') {
      const text = await (await fetch(`${url}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith(`${metric}{`) && line.includes(filter)) total += Number(line.split(' ').pop());
      }
      return total;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
