import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { firstValueFrom } from 'rxjs';
import { NoInstancesError, RegistryHttpClient, RegistryModule, ServiceRegistry } from 'nest-service-registry';
import { RegistryClientsModule, type RegistryClientProxy } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { testContext, testOptions } from '../support/apps.js';

// Issue 28, item 4 (canary and tags), on a real etcd: demo providers (two untagged, one with
// TAGS=canary), the demo consumer (GET /users/:id honours x-registry-tag), and an in-process
// consumer for forceTag, the TCP client's tag and a 90/10 version split.
const TTL = 2;
let etcd: EtcdServer;
const plain: DemoProvider[] = [];
let canary: DemoProvider;
const consumerProcess = new ServerProcess('demo consumer');
let consumerPort: number;
let app: INestApplicationContext;

beforeAll(async () => {
  etcd = await EtcdServer.start();
  for (let i = 0; i < 2; i++) plain.push(await DemoProvider.start(etcd.url, TTL));
  canary = await DemoProvider.start(etcd.url, TTL, { env: { TAGS: 'canary' } });
  consumerPort = await startDemoConsumer(consumerProcess, etcd.url, TTL);
  @Module({
    imports: [
      ScheduleModule.forRoot(),
      RegistryModule.forRoot(testOptions(etcd.url)),
      RegistryClientsModule.register([{ name: 'CANARY_RPC', service: 'user-rpc', tag: 'canary', idempotent: ['users.get'] }]),
    ],
  })
  class CanaryConsumer {}
  app = await testContext(CanaryConsumer);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await consumerProcess.stop();
  for (const p of [...plain, canary]) await p?.stop('SIGKILL');
  await etcd?.stop();
});

/** Who served `GET /users/:id` through the demo consumer, with or without the tag header. */
async function servedBy(tag?: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${consumerPort}/users/1`, { headers: tag ? { 'x-registry-tag': tag } : {} });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { servedBy: string }).servedBy;
}
const many = (n: number, call: () => Promise<string>) => Promise.all(Array.from({ length: n }, call));

describe('canary and tags', () => {
  it('tagged requests reach tagged providers; untagged ones stay off them (demo consumer, x-registry-tag)', async () => {
    await eventually(async () => expect(new Set(await many(30, () => servedBy()))).toEqual(new Set(plain.map((p) => p.httpAddress))), {
      timeout: 15_000,
    });
    expect(new Set(await many(30, () => servedBy('canary')))).toEqual(new Set([canary.httpAddress]));
  }, 30_000);

  it('a client with a tag reaches tagged providers over TCP too', async () => {
    const proxy = app.get<RegistryClientProxy>('CANARY_RPC');
    const answers = await many(10, async () => (await firstValueFrom(proxy.send<{ servedBy: string }>('users.get', { id: '1' }))).servedBy);
    expect(new Set(answers)).toEqual(new Set([canary.rpcAddress]));
  });

  it('a 90/10 version split holds within ±3 % over 2 000 calls', async () => {
    const registry = app.get(ServiceRegistry);
    const [stable, next] = plain as [DemoProvider, DemoProvider];
    await registry.register({ serviceName: 'split-service', serviceVersion: '1.0', servicePort: stable.httpPort, protocol: 'http' });
    await registry.register({ serviceName: 'split-service', serviceVersion: '2.0', servicePort: next.httpPort, protocol: 'http' });
    const http = app.get(RegistryHttpClient);
    const call = async () => {
      const response = await http.fetch('split-service', '/users/1', {}, { versions: { '1.0': 90, '2.0': 10 } });
      return ((await response.json()) as { servedBy: string }).servedBy;
    };
    const answers: string[] = [];
    for (let batch = 0; batch < 20; batch++) answers.push(...(await many(100, call)));
    const share = answers.filter((a) => a === next.httpAddress).length / answers.length;
    expect(answers.every((a) => a === stable.httpAddress || a === next.httpAddress)).toBe(true);
    expect(Math.abs(share - 0.1)).toBeLessThanOrEqual(0.03);
  }, 60_000);

  it('tagged requests fall back to untagged providers when the tagged ones are gone, unless forced', async () => {
    await canary.stop('SIGTERM'); // deregisters
    const untagged = new Set(plain.map((p) => p.httpAddress));
    await eventually(async () => expect(untagged.has(await servedBy('canary'))).toBe(true), { timeout: 10_000 });
    for (const answer of await many(30, () => servedBy('canary'))) expect(untagged.has(answer)).toBe(true);
    const forced = await app
      .get(RegistryHttpClient)
      .fetch('user-service', '/users/1', {}, { tag: 'canary', forceTag: true })
      .catch((error: unknown) => error);
    expect(forced).toBeInstanceOf(NoInstancesError);
    expect((forced as Error).message).toMatch(/tagged "canary"/);
  }, 30_000);
});
