import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryModuleOptions, ServiceInstance } from 'nest-service-registry';
import { decodeInstance, type RegistryBackend, type RegistryBackendFactory } from 'nest-service-registry/backend-kit';
import { etcd } from 'nest-service-registry/etcd';
import { redis } from 'nest-service-registry/redis';
import { zookeeper } from 'nest-service-registry/zookeeper';
import { requireInstalled } from '../../scripts/lib/binaries.mjs';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { accepts, freePort } from '../../scripts/lib/ports.mjs';
import { RedisServer } from '../../scripts/lib/redis-server.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { ZooKeeperServer } from '../../scripts/lib/zookeeper-server.mjs';
import { testOptions } from '../support/apps.js';

/** The backends the checker is tested on with real processes. */
export type CheckerBackend = 'etcd' | 'zookeeper' | 'redis';
/** The checked services: real processes that no part of the module runs. */
export type CheckedKind = 'http' | 'tcp' | 'grpc';

export const TTL = 2; // seconds: the checkers' claim
export const INTERVAL = 200; // ms between probes
export const THRESHOLD = 2; // failures that make an instance DOWN
/** The bound: interval × threshold + 1 s. */
export const DOWN_BOUND = INTERVAL * THRESHOLD + 1_000;
/** TTL + one renewal period of the leader (TTL / 3), + the backend's expiry granularity (1.5 s, as the conformance suite). */
export const TAKEOVER_BOUND = TTL * 1_000 + (TTL * 1_000) / 3 + 1_500;

const root = join(import.meta.dirname, '../..');
const fixture = join(root, 'test/fixtures/checked-service.mjs');

type RegistryServer = EtcdServer | ZooKeeperServer | RedisServer;

/**
 * One world of the checker tests: a registry server, three checked services (python3 http.server,
 * a TCP listener, a grpc-js health server) registered permanently through the CLI, and two demo
 * consumers running the checker (CHECKER=1).
 */
export class CheckerWorld {
  readonly services: Record<CheckedKind, ServerProcess> = {
    http: new ServerProcess('python3 http.server'),
    tcp: new ServerProcess('tcp listener'),
    grpc: new ServerProcess('grpc health'),
  };
  readonly ports: Record<CheckedKind, number> = { http: 0, tcp: 0, grpc: 0 };
  readonly checkers = [new ServerProcess('checker A'), new ServerProcess('checker B')];
  readonly checkerPorts: number[] = [];
  backend!: RegistryBackend;
  private webRoot = mkdtempSync(join(tmpdir(), 'nsr-web-'));

  private constructor(
    readonly kind: CheckerBackend,
    private readonly server: RegistryServer,
  ) {}

  static async start(kind: CheckerBackend): Promise<CheckerWorld> {
    requireInstalled('python3');
    const server =
      kind === 'etcd' ? await EtcdServer.start() : kind === 'zookeeper' ? await ZooKeeperServer.start() : await RedisServer.start();
    const world = new CheckerWorld(kind, server);
    world.backend = world.factory().create({ requestTimeout: 2_000 });
    mkdirSync(join(world.webRoot, 'users'));
    writeFileSync(join(world.webRoot, 'users', '7'), JSON.stringify({ id: '7', name: 'from the legacy server' }));
    for (const service of ['http', 'tcp', 'grpc'] as const) {
      world.ports[service] = await freePort();
      await world.startService(service);
    }
    const check = ['--interval', String(INTERVAL), '--timeout', '150', '--failure-threshold', String(THRESHOLD)];
    const { http, tcp, grpc } = world.ports;
    world.mustRegister('legacy-http', http, '--check', 'http:/users/7', ...check);
    world.mustRegister('legacy-tcp', tcp, '--check', 'tcp', '--protocol', 'tcp', ...check);
    world.mustRegister('legacy-grpc', grpc, '--check', 'grpc:users', '--protocol', 'grpc', ...check);
    for (const checker of world.checkers) world.checkerPorts.push(await world.startChecker(checker));
    return world;
  }

  /** The registry's URL for the CLI. */
  get url(): string {
    if (this.server instanceof EtcdServer) return `etcd://${this.server.url.replace('http://', '')}`;
    if (this.server instanceof ZooKeeperServer) return `zookeeper://${this.server.hosts}`;
    return this.server.url;
  }

  factory(): RegistryBackendFactory {
    if (this.server instanceof EtcdServer) return etcd({ hosts: this.server.url });
    if (this.server instanceof ZooKeeperServer) return zookeeper({ hosts: this.server.hosts });
    return redis({ url: this.server.url });
  }

  /** Options of an in-process consumer app on this registry. */
  registryOptions(): RegistryModuleOptions {
    return { ...testOptions('http://unused'), backend: this.factory() };
  }

  cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, [join(root, 'dist/libs/registry/cli.js'), '--registry', this.url, ...args], {
      encoding: 'utf8',
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  private mustRegister(name: string, port: number, ...args: string[]): void {
    const run = this.cli('register', '--permanent', name, '1.0', '127.0.0.1', String(port), ...args);
    if (run.status !== 0) throw new Error(`nest-registry register ${name} failed (${run.status}): ${run.stderr}`);
  }

  async startService(kind: CheckedKind): Promise<void> {
    const port = this.ports[kind];
    const args =
      kind === 'http'
        ? ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', this.webRoot]
        : [fixture, kind, String(port)];
    const listening = () => accepts(port); // connect, never bind: a probe that listened could take the port first
    await this.services[kind].start(kind === 'http' ? 'python3' : process.execPath, args, listening, 15_000);
  }

  async startChecker(checker: ServerProcess): Promise<number> {
    const env: Record<string, string> = { CHECKER: '1', REGISTRY_BACKEND: this.kind };
    if (this.server instanceof ZooKeeperServer) env.ZOOKEEPER_HOSTS = this.server.hosts;
    if (this.server instanceof RedisServer) env.REDIS_URL = this.server.url;
    return startDemoConsumer(checker, this.server instanceof EtcdServer ? this.server.url : 'http://unused', TTL, env);
  }

  /** Every instance of the namespace, by service name. */
  async statuses(): Promise<Record<string, ServiceInstance>> {
    const { entries } = await this.backend.list('/rpc/');
    const out: Record<string, ServiceInstance> = {};
    for (const entry of entries) {
      const decoded = decodeInstance(entry.value);
      if (decoded.ok) out[decoded.instance.serviceName] = decoded.instance;
    }
    return out;
  }

  /** Whether each checker app leads; a frozen (SIGSTOPped) one answers nothing, so it does not lead as far as anyone can tell. */
  async leaders(): Promise<boolean[]> {
    return Promise.all(
      this.checkerPorts.map(async (port, i) => {
        if (!this.checkers[i]!.running) return false;
        const answer = await fetch(`http://127.0.0.1:${port}/registry/checker`, { signal: AbortSignal.timeout(500) }).catch(
          () => undefined,
        );
        return answer ? ((await answer.json()) as { leader: boolean }).leader : false;
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.checkers, ...Object.values(this.services)].map((p) => p.stop()));
    await this.backend?.close();
    await this.server.stop();
    rmSync(this.webRoot, { recursive: true, force: true });
  }
}
