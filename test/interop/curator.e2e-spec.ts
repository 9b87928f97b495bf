import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DiscoveryClient, type RegistryModuleOptions } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { zookeeper, type ZooKeeperBackendOptions } from 'nest-service-registry/zookeeper';
import { requireInstalled } from '../../scripts/lib/binaries.mjs';
import { ZooKeeperServer } from '../../scripts/lib/zookeeper-server.mjs';
import { OrdersFixture, portOf, startConsumer, startProvider, TrackedApps, UsersFixture } from '../support/apps.js';

// Issue 14: the ZooKeeper backend's Curator layout against the real Java library. A small Java
// peer (test/interop/curator/java) is compiled at test time against Debian's curator-x-discovery
// and Jackson jars, and registers or queries through Curator's own ServiceDiscovery.
const SOURCES = join(process.cwd(), 'test/interop/curator/java');
const JARS = ['curator-x-discovery', 'curator-framework', 'curator-client', 'zookeeper', 'zookeeper-jute', 'jackson-databind', 'jackson-core', 'jackson-annotations', 'guava', 'slf4j-api', 'slf4j-nop']; // prettier-ignore
const SPRING: ZooKeeperBackendOptions = {
  layout: 'curator',
  basePath: '/services',
  versionInPath: false,
  payloadClass: 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance',
};

let server: ZooKeeperServer;
let classes: string;
const classpath = () => [...JARS.map((jar) => `/usr/share/java/${jar}.jar`), classes].join(':');
const apps = new TrackedApps();
const peers: ChildProcess[] = [];

beforeAll(async () => {
  requireInstalled('curator', 'zookeeper');
  classes = mkdtempSync(join(tmpdir(), 'nsr-curator-'));
  const sources = (readdirSync(SOURCES, { recursive: true }) as string[]).filter((f) => f.endsWith('.java')).map((f) => join(SOURCES, f));
  execFileSync('javac', ['-d', classes, '-cp', classpath(), ...sources.map((s) => relative(process.cwd(), s))], { stdio: 'pipe' });
  server = await ZooKeeperServer.start();
}, 120_000);

afterEach(async () => {
  await apps.closeAll();
  for (const peer of peers.splice(0)) if (peer.exitCode === null && peer.signalCode === null) peer.kill('SIGKILL');
});

afterAll(async () => {
  await server?.stop();
  if (classes) rmSync(classes, { recursive: true, force: true });
});

const options = (backend: ZooKeeperBackendOptions = { layout: 'curator' }): RegistryModuleOptions => ({
  backend: zookeeper({ hosts: server.hosts, ...backend }),
  host: '127.0.0.1',
  ttl: 3,
});

/** Starts the Java peer registering one instance; resolves once Curator registered it. */
async function javaProvider(basePath: string, name: string, kind: 'yurpc' | 'spring', id: string, port: number): Promise<ChildProcess> {
  const peer = spawnTracked('java', [
    '-cp',
    classpath(),
    'CuratorPeer',
    'register',
    server.hosts,
    basePath,
    name,
    kind,
    id,
    '127.0.0.1',
    String(port),
  ]);
  peers.push(peer);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Java provider did not register within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('REGISTERED')) {
        clearTimeout(timer);
        resolve();
      }
    };
    peer.stdout.on('data', onData);
    peer.stderr.on('data', onData);
    peer.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Java provider exited (${code}):\n${output}`));
    });
  });
  return peer;
}

/** What Curator's `queryForInstances(name)` returns, as the Java peer prints it. */
function javaQuery(basePath: string, name: string, kind: 'yurpc' | 'spring'): Array<Record<string, unknown>> {
  const out = execFileSync('java', ['-cp', classpath(), 'CuratorPeer', 'query', server.hosts, basePath, name, kind], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the Curator layout against Apache Curator (Java)', () => {
  it('finds a Java provider registered through Curator, and loses it when the Java process is killed', async () => {
    const discovery = (await apps.track(startConsumer(options()))).get(DiscoveryClient);
    const java = await javaProvider('/rpc/zk', 'user-java:1.0', 'yurpc', '127.0.0.1:7001', 7001);
    await eventually(async () =>
      expect(await discovery.getInstances('user-java')).toEqual([
        expect.objectContaining({
          serviceName: 'user-java',
          serviceVersion: '1.0',
          serviceHost: '127.0.0.1',
          servicePort: 7001,
          serviceGroup: 'default',
          status: 'UP',
        }),
      ]),
    );
    java.kill('SIGKILL');
    await eventually(() => expect(discovery.getInstancesSync('user-java')).toEqual([]), { timeout: 15_000 }); // Curator's 4 s session
  }, 60_000);

  it('a Nest provider is found by Curator, its payload read as the Java metadata class', async () => {
    const provider = await apps.track(startProvider(options(), [UsersFixture]));
    let found: Record<string, unknown> | undefined;
    await eventually(() => expect((found = javaQuery('/rpc/zk', 'user-service:1.0', 'yurpc')[0])).toBeDefined(), { timeout: 20_000 });
    expect(found).toEqual({
      id: `127.0.0.1:${portOf(provider)}`,
      address: '127.0.0.1',
      port: portOf(provider),
      payloadClass: 'com.yupi.yurpc.model.ServiceMetaInfo',
      payload: {
        serviceName: 'user-service',
        serviceVersion: '1.0',
        serviceHost: '127.0.0.1',
        servicePort: portOf(provider),
        serviceGroup: 'default',
      },
    });
  }, 60_000);

  it('the same with Spring Cloud Zookeeper’s layout and payload under /services', async () => {
    const discovery = (await apps.track(startConsumer(options(SPRING)))).get(DiscoveryClient);
    await javaProvider('/services', 'orders-java', 'spring', '4f1c2a7e-0b3d-4c55-9a61-2e8d7f0c1b9a', 7002);
    await eventually(async () =>
      expect(await discovery.getInstances('orders-java')).toEqual([
        expect.objectContaining({
          serviceName: 'orders-java',
          serviceVersion: '1.0',
          serviceHost: '127.0.0.1',
          servicePort: 7002,
          metadata: { team: 'java' },
        }),
      ]),
    );

    await apps.track(startProvider(options(SPRING), [], [OrdersFixture]));
    let found: Record<string, unknown> | undefined;
    await eventually(() => expect((found = javaQuery('/services', 'order-service', 'spring')[0])).toBeDefined(), { timeout: 20_000 });
    expect(found).toMatchObject({
      address: '127.0.0.1',
      payloadClass: 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance',
      payload: { id: expect.stringMatching(/^order-service:2\.0@127\.0\.0\.1:\d+$/), metadata: { team: 'orders' } },
    });
  }, 60_000);
});
