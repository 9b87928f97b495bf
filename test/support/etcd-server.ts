import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { requireBinary } from './binaries.js';
import { freePort, waitPortFree } from './ports.js';

/**
 * A private etcd started by a test: free loopback ports below 32768, a temporary data dir,
 * stopped (and the dir removed) by {@link stop}. Fault helpers: kill, freeze, restart.
 */
export class EtcdServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';

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
    return this.child?.pid;
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
    this.child?.kill(signal);
  }

  /** SIGKILLs the server and waits until it is gone and its ports are free. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
    await waitPortFree(this.clientPort);
    await waitPortFree(this.peerPort);
  }

  /** Starts the server again on the same ports, on the same data dir or (`empty`) a fresh one. */
  async restart(options: { empty?: boolean } = {}): Promise<void> {
    if (this.child) await this.kill();
    if (options.empty) {
      rmSync(this.dataDir, { recursive: true, force: true });
      this.dataDir = mkdtempSync(join(tmpdir(), 'nsr-etcd-'));
    }
    await this.launch();
  }

  /** Stops the server and removes its data dir. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.child) {
      this.signal('SIGCONT');
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const child = spawn(
      'etcd',
      [
        '--name', this.name,
        '--data-dir', join(this.dataDir, 'data'),
        '--listen-client-urls', this.url,
        '--advertise-client-urls', this.url,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', this.initialCluster,
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.output = '';
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (!this.child) throw new Error(`etcd exited during startup:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(500) });
        const body = (await response.json()) as { health?: string };
        if (body.health === 'true') return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`etcd did not become healthy within 15 s:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
