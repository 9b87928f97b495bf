import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { requireBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';

/**
 * A private etcd started by a test: free loopback ports below 32768, a temporary data dir,
 * stopped (and the dir removed) by {@link stop}. Fault helpers: kill, freeze, restart.
 */
export class EtcdServer {
  private readonly process = new ServerProcess('etcd');

  private constructor(
    readonly clientPort: number,
    readonly peerPort: number,
    private dataDir: string,
    readonly name = 'n1',
    private initialCluster = `n1=http://127.0.0.1:${peerPort}`,
  ) {}

  /** Client URL, e.g. `http://127.0.0.1:23456`. */
  get url(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  static async start(): Promise<EtcdServer> {
    requireBinary('etcd');
    const server = new EtcdServer(await freePort(), await freePort(), mkdtempSync(join(tmpdir(), 'nsr-etcd-')));
    await server.launch();
    return server;
  }

  /** Starts an `size`-member cluster on loopback; resolves when every member is healthy. */
  static async cluster(size: number): Promise<EtcdServer[]> {
    requireBinary('etcd');
    const ports = [];
    for (let i = 0; i < size; i++) ports.push({ name: `m${i + 1}`, client: await freePort(), peer: await freePort() });
    const initial = ports.map((p) => `${p.name}=http://127.0.0.1:${p.peer}`).join(',');
    const members = ports.map((p) => new EtcdServer(p.client, p.peer, mkdtempSync(join(tmpdir(), 'nsr-etcd-')), p.name, initial));
    await Promise.all(members.map((m) => m.launch()));
    return members;
  }

  /** Whether this member is the cluster's leader (maintenance status through the gRPC gateway). */
  async isLeader(): Promise<boolean> {
    const response = await fetch(`${this.url}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    return body.leader !== undefined && body.leader === body.header?.member_id;
  }

  /** A plain etcd3 client (not the library) for checking what is stored. Close it after use. */
  client(): Etcd3 {
    return new Etcd3({ hosts: this.url });
  }

  /** Prometheus metrics text of the server. */
  async metrics(): Promise<string> {
    const response = await fetch(`${this.url}/metrics`);
    return response.text();
  }

  /** Sum of a counter over the label sets containing `labelFilter`. */
  async counter(name: string, labelFilter: string): Promise<number> {
    let total = 0;
    for (const line of (await this.metrics()).split('\n')) {
      if (line.startsWith(`${name}{`) && line.includes(labelFilter)) total += Number(line.split(' ').pop());
    }
    return total;
  }

  /** Sends `signal` to the server (SIGKILL, SIGSTOP, SIGCONT...). */
  signal(signal: NodeJS.Signals): void {
    this.process.signal(signal);
  }

  /** SIGKILLs the server and waits until it is gone and its ports are free. */
  async kill(): Promise<void> {
    await this.process.kill(this.clientPort, this.peerPort);
  }

  /** Starts the server again on the same ports, on the same data dir or (`empty`) a fresh one. */
  async restart(options: { empty?: boolean } = {}): Promise<void> {
    if (this.process.running) await this.kill();
    if (options.empty) {
      rmSync(this.dataDir, { recursive: true, force: true });
      this.dataDir = mkdtempSync(join(tmpdir(), 'nsr-etcd-'));
    }
    await this.launch();
  }

  /** Stops the server and removes its data dir. Safe to call twice. */
  async stop(): Promise<void> {
    await this.process.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      '--name',
      this.name,
      '--data-dir',
      join(this.dataDir, 'data'),
      '--listen-client-urls',
      this.url,
      '--advertise-client-urls',
      this.url,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      this.initialCluster,
      '--log-level',
      'error',
    ];
    const healthy = async () => {
      const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(500) });
      return ((await response.json()) as { health?: string }).health === 'true';
    };
    await this.process.start('etcd', args, healthy, 15_000);
  }
}
