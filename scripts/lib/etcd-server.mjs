// @ts-check
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { requireInstalled } from './binaries.mjs';
import { freePort } from './ports.mjs';
import { ServerProcess } from './server-process.mjs';

/** @typedef {{ cert: string, key: string, ca: string, clientCertAuth?: boolean }} EtcdTls PEM file paths; `clientCertAuth`: mutual TLS */

/**
 * A private etcd: free loopback ports below 32768, a temporary data dir, stopped (and the dir
 * removed) by {@link stop}. Fault helpers: kill, signal (freeze), restart on the same or an empty
 * data dir; a 3-member cluster with {@link EtcdServer.cluster}. With `tls` it serves clients over
 * https only, and health and metrics on a separate plain-http loopback port.
 */
export class EtcdServer {
  #process = new ServerProcess('etcd');
  #dataDir;
  /** @type {EtcdTls | undefined} */
  tls;
  /** Plain-http port of /health and /metrics when `tls` is set. @type {number | undefined} */
  metricsPort;

  /** @param {number} clientPort @param {number} peerPort @param {string} name @param {string} initialCluster @param {string[]} extraArgs */
  constructor(clientPort, peerPort, name = 'n1', initialCluster = `${name}=http://127.0.0.1:${peerPort}`, extraArgs = []) {
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.name = name;
    this.initialCluster = initialCluster;
    this.extraArgs = extraArgs;
    this.#dataDir = mkdtempSync(join(tmpdir(), 'nsr-etcd-'));
  }

  /** Client URL, e.g. `http://127.0.0.1:23456` (`https://` with `tls`). */
  get url() {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.clientPort}`;
  }

  /**
   * The URL clients dial: {@link url}, but with `tls` the host name on the test certificate
   * (`localhost`), since Node 26 refuses an IP address as TLS server name and grpc-js sends one.
   */
  get clientUrl() {
    return this.tls ? `https://localhost:${this.clientPort}` : this.url;
  }

  /** Where /health and /metrics are served over plain http. */
  get #monitorUrl() {
    return this.metricsPort ? `http://127.0.0.1:${this.metricsPort}` : this.url;
  }

  get pid() {
    return this.#process.pid;
  }

  /** Starts one member; resolves once `/health` says true. @param {{ name?: string, extraArgs?: string[], tls?: EtcdTls }} [options] */
  static async start(options = {}) {
    requireInstalled('etcd');
    const peer = await freePort();
    const name = options.name ?? 'n1';
    const server = new EtcdServer(await freePort(), peer, name, `${name}=http://127.0.0.1:${peer}`, options.extraArgs);
    if (options.tls) {
      server.tls = options.tls;
      server.metricsPort = await freePort();
    }
    await server.launch();
    return server;
  }

  /** Starts a `size`-member cluster on loopback; resolves when every member is healthy. */
  static async cluster(/** @type {number} */ size) {
    requireInstalled('etcd');
    const ports = [];
    for (let i = 0; i < size; i++) ports.push({ name: `m${i + 1}`, client: await freePort(), peer: await freePort() });
    const initial = ports.map((p) => `${p.name}=http://127.0.0.1:${p.peer}`).join(',');
    const members = ports.map((p) => new EtcdServer(p.client, p.peer, p.name, initial));
    await Promise.all(members.map((m) => m.launch()));
    return members;
  }

  /** Whether this member is the cluster's leader (maintenance status through the gRPC gateway). */
  async isLeader() {
    const response = await fetch(`${this.url}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1_000) });
    const body = /** @type {{ header?: { member_id?: string }, leader?: string }} */ (await response.json());
    return body.leader !== undefined && body.leader === body.header?.member_id;
  }

  /**
   * A plain etcd3 client (not the library) for checking what is stored; with `tls`, it trusts the
   * server's CA and presents the server's own certificate (etcd's `clientAuth` usage is on it).
   * Close it after use. @param {{ username: string, password: string }} [auth]
   */
  client(auth) {
    const credentials = this.tls && {
      rootCertificate: readFileSync(this.tls.ca),
      privateKey: readFileSync(this.tls.key),
      certChain: readFileSync(this.tls.cert),
    };
    return new Etcd3({ hosts: this.clientUrl, ...(credentials ? { credentials } : {}), ...(auth ? { auth } : {}) });
  }

  /** Prometheus metrics text of the server. */
  async metrics() {
    return (await fetch(`${this.#monitorUrl}/metrics`)).text();
  }

  /** Sum of a counter over the label sets containing `labelFilter`. */
  async counter(/** @type {string} */ name, labelFilter = '') {
    let total = 0;
    for (const line of (await this.metrics()).split('\n')) {
      if (line.startsWith(`${name}{`) && line.includes(labelFilter)) total += Number(line.split(' ').pop());
    }
    return total;
  }

  /** Sends `signal` to the server (SIGKILL, SIGSTOP, SIGCONT...). */
  signal(/** @type {NodeJS.Signals} */ signal) {
    this.#process.signal(signal);
  }

  /** SIGKILLs the server and waits until it is gone and its ports are free. */
  async kill() {
    await this.#process.kill(this.clientPort, this.peerPort);
  }

  /** Starts the server again on the same ports, on the same data dir or (`empty`) a fresh one. */
  async restart(/** @type {{ empty?: boolean }} */ options = {}) {
    if (this.#process.running) await this.kill();
    if (options.empty) {
      rmSync(this.#dataDir, { recursive: true, force: true });
      this.#dataDir = mkdtempSync(join(tmpdir(), 'nsr-etcd-'));
    }
    await this.launch();
  }

  /** Saves a snapshot of the running server to `file` (`etcdctl snapshot save`). */
  async snapshot(/** @type {string} */ file) {
    requireInstalled('etcdctl');
    execFileSync('etcdctl', ['--endpoints', this.url, 'snapshot', 'save', file], {
      stdio: 'pipe',
      env: { ...process.env, ETCDCTL_API: '3' },
    });
  }

  /**
   * Restores the server from a snapshot, as an operator would: SIGKILL, `etcdctl snapshot restore`
   * into a fresh data dir with the same name, peer URL and cluster token (so the same cluster id),
   * then start it on it.
   */
  async restoreFrom(/** @type {string} */ file) {
    requireInstalled('etcdctl');
    if (this.#process.running) await this.kill();
    rmSync(this.#dataDir, { recursive: true, force: true });
    this.#dataDir = mkdtempSync(join(tmpdir(), 'nsr-etcd-'));
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = ['snapshot', 'restore', file, '--name', this.name, '--initial-cluster', this.initialCluster];
    args.push('--initial-advertise-peer-urls', peer, '--initial-cluster-token', 'etcd-cluster', '--data-dir', join(this.#dataDir, 'data'));
    execFileSync('etcdctl', args, { stdio: 'pipe', env: { ...process.env, ETCDCTL_API: '3' } });
    await this.launch();
  }

  /** Stops the server and removes its data dir. Safe to call twice. */
  async stop() {
    await this.#process.stop();
    rmSync(this.#dataDir, { recursive: true, force: true });
  }

  /** @protected */
  async launch() {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      ['--name', this.name],
      ['--data-dir', join(this.#dataDir, 'data')],
      ['--listen-client-urls', this.url],
      ['--advertise-client-urls', this.url],
      ['--listen-peer-urls', peer],
      ['--initial-advertise-peer-urls', peer],
      ['--initial-cluster', this.initialCluster],
      ['--log-level', 'error'],
      this.tls ? ['--cert-file', this.tls.cert, '--key-file', this.tls.key, '--trusted-ca-file', this.tls.ca] : [],
      this.tls?.clientCertAuth ? ['--client-cert-auth'] : [],
      this.metricsPort ? ['--listen-metrics-urls', this.#monitorUrl] : [],
    ].flat();
    const healthy = async () => {
      const response = await fetch(`${this.#monitorUrl}/health`, { signal: AbortSignal.timeout(500) });
      return /** @type {{ health?: string }} */ (await response.json()).health === 'true';
    };
    await this.#process.start('etcd', [...args, ...this.extraArgs], healthy, 15_000);
  }
}
