import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { RegistryGrpcModule } from 'nest-service-registry/grpc';
import { DiscoveryClient, RegistryHttpClient, RegistryModule } from 'nest-service-registry';
import { RegistryClientsModule, type RegistryClientProxy } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { testContext, testOptions } from '../support/apps.js';
import { steadyStream } from '../support/steady-stream.js';
import { userGrpcClient, type UserService } from '../support/grpc-clients.js';

// Issue 28, item 1 (zones), for the HTTP client, the TCP ClientProxy and the gRPC resolver (its
// zone policy): demo providers in zones a, b and c (real processes), a consumer in zone a.
const TTL = 2;
let etcd: EtcdServer;
let consumer: INestApplicationContext;
const remote: DemoProvider[] = [];
const started: DemoProvider[] = [];

const provider = async (zone: string): Promise<DemoProvider> => {
  const p = await DemoProvider.start(etcd.url, TTL, { env: { ZONE: zone }, grpcPort: await freePort() });
  started.push(p);
  return p;
};

beforeAll(async () => {
  etcd = await EtcdServer.start();
  for (const zone of ['b', 'b', 'c', 'c']) remote.push(await provider(zone));
  @Module({
    imports: [
      RegistryModule.forRoot(testOptions(etcd.url, { zone: 'a' })),
      RegistryClientsModule.register([{ name: 'USER_RPC', service: 'user-rpc', idempotent: ['users.get'] }]),
      RegistryGrpcModule.forRoot(),
      userGrpcClient('USER_GRPC'),
    ],
  })
  class ZoneConsumer {}
  consumer = await testContext(ZoneConsumer);
}, 60_000);

afterAll(async () => {
  await consumer?.close();
  for (const p of started) await p.stop('SIGKILL');
  await etcd?.stop();
});

type Client = 'http' | 'tcp' | 'grpc';
const CLIENTS: Client[] = ['http', 'tcp', 'grpc'];

/** One users.get / GET /users/:id call; resolves who served it. */
async function call(client: Client, id: number): Promise<string> {
  if (client === 'http') {
    const response = await consumer.get(RegistryHttpClient).fetch('user-service', `/users/${id}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return ((await response.json()) as { servedBy: string }).servedBy;
  }
  if (client === 'grpc') {
    const users = consumer.get<ClientGrpc>('USER_GRPC').getService<UserService>('UserService');
    return (await firstValueFrom(users.get({ id: String(id) }).pipe(timeout(3_000)))).servedBy;
  }
  const proxy = consumer.get<RegistryClientProxy>('USER_RPC');
  return (await firstValueFrom(proxy.send<{ servedBy: string }>('users.get', { id: String(id) }))).servedBy;
}

const SERVICES = { http: 'user-service', tcp: 'user-rpc', grpc: 'user-grpc' } as const;
const addressOf = (client: Client, p: DemoProvider) =>
  client === 'http' ? p.httpAddress : client === 'tcp' ? p.rpcAddress : p.grpcAddress;
const instances = (client: Client) => consumer.get(DiscoveryClient).getInstances(SERVICES[client]);

describe.each(CLIENTS)('zones through the %s client (consumer in zone a; providers in a, b, c)', (client) => {
  it('keeps ≥ 95 % of calls in zone a; both a providers SIGKILLed: 0 failed calls, b/c within 1 s; a new a provider takes it back', async () => {
    const local = [await provider('a'), await provider('a')];
    const inA = (servedBy: string) => local.some((p) => addressOf(client, p) === servedBy);
    // The consumer sees exactly these six (an a provider a previous test killed is gone after its TTL).
    const expected = [...local, ...remote].map((p) => addressOf(client, p)).sort();
    const seen = async () => (await instances(client)).map((i) => `${i.serviceHost}:${i.servicePort}`).sort();
    await eventually(async () => expect(await seen()).toEqual(expected), { timeout: 10_000 });
    const steady = await Promise.all(Array.from({ length: 200 }, (_, i) => call(client, i)));
    expect(steady.filter(inA).length / steady.length).toBeGreaterThanOrEqual(0.95);

    let killedAt = 0;
    const timeline: Array<{ at: number; servedBy: string }> = [];
    const outcome = await steadyStream(
      300,
      100,
      async (i) => {
        const servedBy = await call(client, i);
        timeline.push({ at: Date.now(), servedBy });
        return servedBy;
      },
      async () => {
        killedAt = Date.now();
        await Promise.all(local.map((p) => p.stop('SIGKILL')));
      },
    );
    expect(outcome.failed).toEqual([]);
    const late = timeline.filter((t) => t.at > killedAt + 1_000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((t) => inA(t.servedBy))).toEqual([]); // after 1 s, only b and c
    const remoteAddresses = new Set(remote.map((p) => addressOf(client, p)));
    expect(late.every((t) => remoteAddresses.has(t.servedBy))).toBe(true);

    const back = await provider('a');
    await eventually(
      async () => {
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(client, i)));
        expect(answers.filter((s) => s === addressOf(client, back)).length).toBeGreaterThanOrEqual(19);
      },
      { timeout: 10_000 },
    );
    await back.stop('SIGKILL');
  }, 90_000);
});
