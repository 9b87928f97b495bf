import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { firstValueFrom, timeout } from 'rxjs';
import { CallFailedError, DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { RegistryClientsModule, type RegistryClientProxy } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';
import { testOptions, testContext } from '../support/apps.js';
import { steadyStream } from '../support/steady-stream.js';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { expectWithin } from '../support/bounds.js';

type User = { id: string; name: string; servedBy: string };

let etcd: EtcdServer;
let consumer: INestApplicationContext;
let client: RegistryClientProxy;
const providers: DemoProvider[] = [];

async function startProviders(count: number): Promise<DemoProvider[]> {
  const started = await Promise.all(Array.from({ length: count }, () => DemoProvider.start(etcd.url)));
  providers.push(...started);
  return started;
}

const call = (id: number | string): Promise<User> => firstValueFrom(client.send<User>('users.get', { id }).pipe(timeout(3_000)));

beforeAll(async () => {
  etcd = await EtcdServer.start();
  @Module({
    imports: [
      RegistryModule.forRoot(testOptions(etcd.url)),
      RegistryClientsModule.register([{ name: 'USER_RPC', service: 'user-rpc', idempotent: ['users.get'] }]),
    ],
  })
  class ConsumerModule {}
  consumer = await testContext(ConsumerModule);
  await consumer.init();
  client = consumer.get<RegistryClientProxy>('USER_RPC');
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.stop()));
  // SIGKILLed providers stay registered until their lease (TTL 2 s) ends: the next test starts
  // once they are gone, so an instance of this test is never among the next one's attempts.
  const discovery = consumer.get(DiscoveryClient);
  await eventually(async () => expect(await discovery.getInstances('user-rpc', { includeUnavailable: true })).toEqual([]), {
    timeout: 10_000,
  });
}, 20_000);

afterAll(async () => {
  await consumer?.close();
  await etcd.stop();
});

describe('RegistryClientsModule: a discovery-backed ClientProxy over TCP (real etcd, providers as child processes)', () => {
  it('is injectable by name and spreads calls round-robin over every instance', async () => {
    const three = await startProviders(3);
    const discovery = consumer.get(DiscoveryClient);
    await eventually(async () => expect(await discovery.getInstances('user-rpc', { protocol: 'tcp' })).toHaveLength(3), {
      timeout: 10_000,
    });
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const user = await call(i);
      expect(user.id).toBe(String(i));
      counts.set(user.servedBy, (counts.get(user.servedBy) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(three.map((p) => p.rpcAddress).sort());
    expect([...counts.values()]).toEqual([10, 10, 10]);
    expect(client.connections).toEqual(three.map((p) => p.rpcAddress).sort()); // one pooled connection each
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'loses no call of a steady stream (100 calls/s) while a provider gets %s, and keeps no socket to it',
    async (signal) => {
      const [victim, ...rest] = await startProviders(3);
      await eventually(async () => expect(new Set((await Promise.all([call(1), call(2), call(3)])).map((u) => u.servedBy)).size).toBe(3), {
        timeout: 10_000,
      });
      const { ok, failed } = await steadyStream(300, 100, call, () => victim!.stop(signal));
      expect(failed).toEqual([]);
      expect(ok).toHaveLength(300);
      const after = ok.slice(-50).map((u) => u.servedBy);
      expect(after).not.toContain(victim!.rpcAddress);
      await eventually(() => expect(client.connections).not.toContain(victim!.rpcAddress), { timeout: 5_000 });
      expect(client.connections.every((a) => rest.some((p) => p.rpcAddress === a))).toBe(true);
    },
    60_000,
  );

  it('fails with one error listing every instance tried when all are down, and uses a provider that comes back', async () => {
    const three = await startProviders(3);
    await eventually(async () => expect(new Set((await Promise.all([call(1), call(2), call(3)])).map((u) => u.servedBy)).size).toBe(3), {
      timeout: 10_000,
    });
    await Promise.all(three.map((p) => p.stop('SIGKILL'))); // keys stay until the lease expires
    const started = Date.now();
    const error = await call(1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expectWithin('ClientProxy: every instance SIGKILLed -> CallFailedError', Date.now() - started, 3_000);
    expect(error).toBeInstanceOf(CallFailedError);
    const failure = error as CallFailedError;
    expect(failure.attempts.map((a) => a.address).sort()).toEqual(three.map((p) => p.rpcAddress).sort());
    expect(failure.message).toMatch(/failed on every instance tried: 127\.0\.0\.1:\d+ \(.+\); 127\.0\.0\.1:\d+/);
    const [back] = await startProviders(1);
    await eventually(async () => expect((await call(7)).servedBy).toBe(back!.rpcAddress), { timeout: 10_000 });
  }, 60_000);
});
