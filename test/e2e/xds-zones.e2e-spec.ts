import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { RegistryXdsModule, writeXdsBootstrap, XdsServer } from 'nest-service-registry/xds';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { RecordingLogger, testApp } from '../support/apps.js';
import { tally, XdsClientProcess } from '../support/xds-client.js';

// xDS clients prefer their own zone, as the registry's other clients do: a grpc-js-xds client
// whose bootstrap names zone a gets zone a's locality as priority 0 and the rest as priority 1.
let server: EtcdServer;
let app: INestApplication;
let dir: string;
let inA: DemoProvider;
let inB: DemoProvider;
const clients: XdsClientProcess[] = [];

/** A grpc-js-xds client on xds:///user-grpc whose node is in `zone` (none: no zone). */
function client(zone?: string): XdsClientProcess {
  const name = `bootstrap-${zone ?? 'none'}.json`;
  const bootstrap = writeXdsBootstrap(join(dir, name), { server: app.get(XdsServer).address, ...(zone ? { zone } : {}) });
  const started = XdsClientProcess.start('node', bootstrap);
  clients.push(started);
  return started;
}

const provider = async (zone: string) => DemoProvider.start(server.url, 2, { grpcPort: await freePort(), env: { ZONE: zone } });

beforeAll(async () => {
  server = await EtcdServer.start();
  @Module({
    imports: [
      RegistryModule.forRoot({ backend: etcd({ hosts: server.url }), host: '127.0.0.1', ttl: 2 }),
      RegistryXdsModule.forRoot({ port: 0 }),
    ],
  })
  class ControlPlane {}
  app = await testApp(ControlPlane, new RecordingLogger());
  await app.init();
  dir = mkdtempSync(join(tmpdir(), 'xds-zones-'));
  [inA, inB] = await Promise.all([provider('a'), provider('b')]);
  const discovery = app.get(DiscoveryClient);
  await eventually(async () => expect(await discovery.getInstances('user-grpc')).toHaveLength(2));
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.close();
  await app?.close();
  for (const p of [inA, inB]) await p?.stop('SIGKILL');
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('xDS clients and zones', () => {
  it('a client in zone a calls only zone a; one without a zone, or in a zone with no provider, calls both', async () => {
    const [a, none, c] = [client('a'), client(), client('c')];
    await eventually(async () => expect(tally(await a.calls(4))).toEqual({ [inA.grpcAddress]: 4 }), { timeout: 20_000 });
    expect(tally(await a.calls(20))).toEqual({ [inA.grpcAddress]: 20 });
    const both = [inA.grpcAddress, inB.grpcAddress].sort();
    for (const spread of [none, c])
      await eventually(async () => expect(Object.keys(tally(await spread.calls(10))).sort()).toEqual(both), { timeout: 20_000 });
  }, 60_000);

  it("when zone a's provider leaves, the zone-a client's calls go to zone b", async () => {
    const a = clients[0]!;
    await inA.stop('SIGTERM');
    await eventually(async () => expect(tally(await a.calls(10))).toEqual({ [inB.grpcAddress]: 10 }), { timeout: 10_000 });
  }, 30_000);
});
