import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { RegistryDashboardModule, type DashboardSnapshot } from 'nest-service-registry/dashboard';
import { etcd } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { RegistryXdsModule, writeXdsBootstrap, XdsServer, type XdsResource } from 'nest-service-registry/xds';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { requireInstalled } from '../../scripts/lib/binaries.mjs';
import { portOf, RecordingLogger, testApp } from '../support/apps.js';
import { tally, XdsClientProcess } from '../support/xds-client.js';

// Issue 31: the registry served over xDS (ADS, State of the World) to gRPC clients written by
// others: @grpc/grpc-js-xds in a child process, and Debian's Python grpcio. The control plane is
// RegistryXdsModule in this process; the providers are the demo provider with GRPC_PORT.
let server: EtcdServer;
let app: INestApplication;
let discovery: DiscoveryClient;
let bootstrap: string;
let dir: string;
const logger = new RecordingLogger();
const providers: DemoProvider[] = [];
const clients: XdsClientProcess[] = [];
/** While set, every endpoint list gets an address no xDS client accepts (the NACK case). */
let poison = false;

function customize(resource: XdsResource): XdsResource {
  if (!poison || !Array.isArray(resource.endpoints)) return resource;
  const bad = { endpoint: { address: { socket_address: { address: 'not-an-ip', port_value: 1 } } }, health_status: 'HEALTHY' };
  return { ...resource, endpoints: [{ locality: { zone: 'x' }, load_balancing_weight: { value: 1 }, lb_endpoints: [bad] }] };
}

async function startProvider(): Promise<DemoProvider> {
  const provider = await DemoProvider.start(server.url, 2, { grpcPort: await freePort() });
  providers.push(provider);
  return provider;
}

function client(kind: 'node' | 'python' = 'node'): XdsClientProcess {
  const started = XdsClientProcess.start(kind, bootstrap);
  clients.push(started);
  return started;
}

/** `host:port` of every gRPC instance of user-grpc this process's cache holds, sorted. */
const liveAddresses = () =>
  discovery
    .getInstancesSync('user-grpc')
    .map((i) => `127.0.0.1:${i.servicePort}`)
    .sort();

/** Resolves with the time the registry's removal of `provider` reached this process's cache. */
const removal = (provider: DemoProvider) =>
  firstValueFrom(discovery.events$.pipe(filter((e) => e.type === 'removed' && e.instance.servicePort === provider.grpcPort))).then(() =>
    Date.now(),
  );

beforeAll(async () => {
  requireInstalled('grpcio');
  server = await EtcdServer.start();
  @Module({
    imports: [
      RegistryModule.forRoot({ backend: etcd({ hosts: server.url }), host: '127.0.0.1', ttl: 2 }),
      RegistryXdsModule.forRoot({ port: 0, customize }),
      RegistryDashboardModule.forRoot({ path: '/dashboard' }),
    ],
  })
  class ControlPlane {}
  app = await testApp(ControlPlane, logger);
  await app.listen(0, '127.0.0.1');
  discovery = app.get(DiscoveryClient);
  dir = mkdtempSync(join(tmpdir(), 'xds-'));
  bootstrap = writeXdsBootstrap(join(dir, 'bootstrap.json'), { server: app.get(XdsServer).address });
  await Promise.all([startProvider(), startProvider(), startProvider()]);
  await eventually(async () => expect(await discovery.getInstances('user-grpc')).toHaveLength(3));
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close();
  await app?.close();
  for (const provider of providers) await provider.stop('SIGKILL');
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the registry over xDS', () => {
  it('a grpc-js-xds client on xds:///user-grpc spreads its calls over the three providers', async () => {
    const node = client();
    const live = providers.map((p) => p.grpcAddress).sort();
    await eventually(async () => expect(Object.keys(tally(await node.calls(6))).sort()).toEqual(live), { timeout: 20_000 });
    const counts = tally(await node.calls(30));
    expect(Object.keys(counts).sort()).toEqual(live); // every one answered, none failed
    const xds = app.get(XdsServer);
    expect(xds.stats.clients).toBe(1);
    // The dashboard's line: this app's xDS server, its client and what it sent.
    const snapshot = (await (await fetch(`http://127.0.0.1:${portOf(app)}/dashboard/state`)).json()) as DashboardSnapshot;
    expect(snapshot.xds).toMatchObject({ address: xds.address, clients: 1, nacks: 0 });
    expect(snapshot.xds?.pushes).toBeGreaterThanOrEqual(3); // Listener, Cluster, endpoints
  }, 60_000);

  it('a new provider gets calls within 1 s; a SIGTERMed one none after it deregistered; a SIGKILLed one none after its lease', async () => {
    const node = clients[0]!;
    node.steady();
    const fresh = await startProvider(); // resolves once it logged "listening", after registering
    const registeredAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [graceful, crashed] = providers.slice(0, 2) as [DemoProvider, DemoProvider];
    const deregistered = removal(graceful);
    await graceful.stop('SIGTERM');
    const deregisteredAt = await deregistered;
    const removed = removal(crashed);
    const killedAt = Date.now();
    await crashed.stop('SIGKILL');
    const leaseEndedAt = await removed;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const answers = await node.stop();

    const firstToFresh = answers.filter((a) => a.by === fresh.grpcAddress).map((a) => a.started)[0] ?? Infinity;
    const lateToGraceful = answers.filter((a) => a.by === graceful.grpcAddress && a.started > deregisteredAt + 100).length;
    const failedLate = answers.filter((a) => a.error && a.started > Math.min(killedAt + 1_000, leaseEndedAt + 1_000));
    console.log(
      `xDS: ${answers.length} calls, ${answers.filter((a) => a.error).length} failed (around the SIGKILL); new provider's first call ` +
        `${firstToFresh - registeredAt} ms after it registered; lease of the killed one ended ${leaseEndedAt - killedAt} ms after the kill`,
    );
    expect({
      newProviderWithin1s: firstToFresh - registeredAt <= 1_000 || firstToFresh - registeredAt,
      lateToGraceful,
      failedLate: failedLate.map((a) => a.error).slice(0, 3),
    }).toEqual({ newProviderWithin1s: true, lateToGraceful: 0, failedLate: [] });
  }, 90_000);

  it('an update the client rejects (NACK) is logged once; it keeps its endpoints, and the next good update is taken', async () => {
    const node = clients[0]!;
    const xds = app.get(XdsServer);
    const before = liveAddresses();
    poison = true;
    const nacksBefore = xds.stats.nacks;
    const extra = await startProvider(); // a change: pushed poisoned, and rejected
    await eventually(() => expect(xds.stats.nacks).toBeGreaterThan(nacksBefore), { timeout: 10_000 });
    expect(Object.keys(tally(await node.calls(12))).sort()).toEqual(before); // the last good endpoints, no error
    poison = false;
    await extra.stop('SIGTERM'); // the next change: good again
    const another = await startProvider();
    await eventually(async () => expect(tally(await node.calls(6))[another.grpcAddress]).toBeGreaterThan(0), { timeout: 10_000 });
    expect(Object.keys(tally(await node.calls(12))).sort()).toEqual(liveAddresses());
    const warnings = logger.lines.filter((l) => l.level === 'warn' && l.message.includes('rejected'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/ClusterLoadAssignment.*not-an-ip/);
  }, 60_000);

  it('serves ten clients at once, and a client of a restarted server gets the current state', async () => {
    const ten = Array.from({ length: 10 }, () => client());
    const xds = app.get(XdsServer);
    await Promise.all(
      ten.map((c) =>
        eventually(async () => expect(Object.keys(tally(await c.calls(6))).sort()).toEqual(liveAddresses()), { timeout: 30_000 }),
      ),
    );
    expect(xds.stats.clients).toBeGreaterThanOrEqual(11);
    await Promise.all(ten.map((c) => c.close()));
    await eventually(() => expect(xds.stats.clients).toBe(1));

    // The control plane goes away; the registry changes meanwhile; one comes back on the same port.
    const node = clients[0]!;
    const port = xds.port!;
    await xds.stop();
    const newcomer = await startProvider();
    await eventually(() => expect(liveAddresses()).toContain(newcomer.grpcAddress));
    const again = new XdsServer(discovery, { port });
    try {
      await again.start();
      await eventually(async () => expect(tally(await node.calls(8))[newcomer.grpcAddress]).toBeGreaterThan(0), { timeout: 20_000 });
    } finally {
      await again.stop();
    }
  }, 120_000);

  it("Python's grpcio (Debian's python3-grpcio, gRPC C-core) dials xds:///user-grpc through a bootstrap", async () => {
    const standalone = new XdsServer(discovery, { port: 0 }); // the module's server was stopped by the case before
    await standalone.start();
    try {
      const python = XdsClientProcess.start(
        'python',
        writeXdsBootstrap(join(dir, 'python.json'), { server: standalone.address, nodeId: 'python' }),
      );
      clients.push(python);
      await eventually(async () => expect(Object.keys(tally(await python.calls(9))).sort()).toEqual(liveAddresses()), {
        timeout: 30_000,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\npython client:\n${python.log}`);
      });
    } finally {
      await standalone.stop();
    }
  }, 60_000);
});
