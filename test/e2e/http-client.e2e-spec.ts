import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { createServer, type Server } from 'node:http';
import {
  CallFailedError,
  CallOutcomeUnknownError,
  DiscoveryClient,
  RegistryHttpClient,
  RegistryModule,
  ServiceRegistry,
} from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { testOptions, testContext } from '../support/apps.js';
import { steadyStream } from '../support/steady-stream.js';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';

type User = { id: string; servedBy: string };

let etcd: EtcdServer;
let consumer: INestApplicationContext;
let http: RegistryHttpClient;
const providers: DemoProvider[] = [];
const servers: Server[] = [];

const getUser = async (id: number): Promise<User> =>
  (await http.fetch('user-service', `/users/${id}`, {}, { timeout: 2_000 })).json() as Promise<User>;

/** A local HTTP server answering `status` to everything, counting requests by method. */
async function fixedServer(status: number): Promise<{ port: number; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    hits.set(request.method!, (hits.get(request.method!) ?? 0) + 1);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, hits };
}

/**
 * Waits until the consumer sees exactly these providers: the keys of a previous test's providers
 * (SIGKILLed, so gone only after their TTL) must not count as three live instances.
 */
async function onlyThese(started: readonly DemoProvider[]): Promise<void> {
  const addresses = started.map((p) => p.httpAddress).sort();
  await eventually(
    async () => {
      const seen = await consumer.get(DiscoveryClient).getInstances('user-service');
      expect(seen.map((i) => `${i.serviceHost}:${i.servicePort}`).sort()).toEqual(addresses);
    },
    { timeout: 10_000 },
  );
}

beforeAll(async () => {
  etcd = await EtcdServer.start();
  @Module({ imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(testOptions(etcd.url))] })
  class ConsumerModule {}
  consumer = await testContext(ConsumerModule);
  await consumer.init();
  http = consumer.get(RegistryHttpClient);
});

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

afterAll(async () => {
  await consumer?.close();
  await etcd.stop();
});

describe('RegistryHttpClient: load-balanced fetch with failover (real etcd)', () => {
  it('spreads calls round-robin over the http instances (providers as child processes)', async () => {
    const three = await Promise.all([0, 1, 2].map(() => DemoProvider.start(etcd.url)));
    providers.push(...three);
    await onlyThese(three);
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const user = await getUser(i);
      counts.set(user.servedBy, (counts.get(user.servedBy) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(three.map((p) => p.httpAddress).sort());
    expect([...counts.values()]).toEqual([10, 10, 10]);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'loses no GET of a steady stream (100 calls/s) while a provider gets %s',
    async (signal) => {
      const [victim, ...rest] = await Promise.all([0, 1, 2].map(() => DemoProvider.start(etcd.url)));
      providers.push(victim!, ...rest);
      await onlyThese([victim!, ...rest]);
      const { ok, failed } = await steadyStream(300, 100, getUser, () => victim!.stop(signal));
      expect(failed).toEqual([]);
      expect(ok).toHaveLength(300);
      const served = ok.map((u) => u.servedBy);
      expect(served.slice(-50)).not.toContain(victim!.httpAddress);
    },
    60_000,
  );

  it('retries a GET answered 503 on another instance, but returns a POST answered 503 as it is', async () => {
    const registry = consumer.get(ServiceRegistry);
    const bad = await fixedServer(503);
    const good = await fixedServer(200);
    const keys = [
      (await registry.register({ serviceName: 'flaky', servicePort: bad.port })).key,
      (await registry.register({ serviceName: 'flaky', servicePort: good.port })).key,
    ];
    await eventually(async () => expect(await consumer.get(DiscoveryClient).getInstances('flaky')).toHaveLength(2));
    for (let i = 0; i < 4; i++) expect((await http.fetch('flaky', '/x')).status).toBe(200);
    expect(good.hits.get('GET')).toBe(4);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await http.fetch('flaky', '/x', { method: 'POST', body: '{}' })).status);
    expect(bad.hits.get('POST') ?? 0).toBe(statuses.filter((s) => s === 503).length); // each sent once, never retried
    expect((bad.hits.get('POST') ?? 0) + (good.hits.get('POST') ?? 0)).toBe(4);
    for (const key of keys) await registry.deregister(key);
  });

  it('fails a POST whose connection was lost after it was sent with CallOutcomeUnknownError, sent once; retries such a GET', async () => {
    const registry = consumer.get(ServiceRegistry);
    const cutHits = new Map<string, number>();
    const cutter = createServer((request) => {
      cutHits.set(request.method!, (cutHits.get(request.method!) ?? 0) + 1);
      request.socket.destroy(); // read the request, then lose the connection: it may have been processed
    });
    servers.push(cutter);
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
    const cutPort = (cutter.address() as { port: number }).port;
    const good = await fixedServer(200);
    const keys = [
      (await registry.register({ serviceName: 'cut', servicePort: cutPort })).key,
      (await registry.register({ serviceName: 'cut', servicePort: good.port })).key,
    ];
    await eventually(async () => expect(await consumer.get(DiscoveryClient).getInstances('cut')).toHaveLength(2));
    const posts = await Promise.allSettled([0, 1].map(() => http.fetch('cut', '/orders', { method: 'POST', body: '{}' })));
    const lost = posts.filter((p) => p.status === 'rejected').map((p) => p.reason as CallOutcomeUnknownError);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(CallOutcomeUnknownError);
    expect(lost[0]).toMatchObject({ code: 'CALL_OUTCOME_UNKNOWN', serviceName: 'cut', address: `127.0.0.1:${cutPort}` });
    expect(lost[0]!.message).toContain('may have processed it');
    expect([cutHits.get('POST'), good.hits.get('POST')]).toEqual([1, 1]); // never sent again
    for (let i = 0; i < 2; i++) expect((await http.fetch('cut', '/users/1')).status).toBe(200);
    expect(good.hits.get('GET')).toBe(2);
    for (const key of keys) await registry.deregister(key);
  });

  it("honours the caller's AbortSignal without retrying, and lists every attempt when all fail", async () => {
    const registry = consumer.get(ServiceRegistry);
    const hanging = createServer(() => undefined); // accepts, never answers
    servers.push(hanging);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangingPort = (hanging.address() as { port: number }).port;
    const { key } = await registry.register({ serviceName: 'slow', servicePort: hangingPort });
    await eventually(async () => expect(await consumer.get(DiscoveryClient).getInstances('slow')).toHaveLength(1));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 200);
    await expect(http.fetch('slow', '/x', { signal: controller.signal })).rejects.toThrow('caller gave up');
    const failure = await http.fetch('slow', '/x', {}, { timeout: 300 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CallFailedError);
    expect((failure as CallFailedError).attempts.map((a) => a.address)).toEqual([`127.0.0.1:${hangingPort}`]);
    expect((failure as Error).message).toMatch(/did not finish within 300 ms/);
    await registry.deregister(key);
  });
});
