import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryGrpcModule } from 'nest-service-registry/grpc';
import { eventually } from 'nest-service-registry/testing';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { testContext } from '../support/apps.js';
import { userGrpcClient, type UserService } from '../support/grpc-clients.js';

// Issue 13: gRPC providers (the demo provider with GRPC_PORT, child processes) registered with
// "protocol": "grpc"; a Nest ClientGrpc dialing registry:///user-grpc:1.0 balanced by gRPC's own
// round_robin over the addresses the registry's resolver feeds it, live.
interface Answer {
  readonly started: number;
  readonly by?: string;
  readonly error?: string;
}

let server: EtcdServer;
let app: INestApplicationContext;
let users: UserService;
let discovery: DiscoveryClient;
const providers: DemoProvider[] = [];

async function startProvider(): Promise<DemoProvider> {
  const provider = await DemoProvider.start(server.url, 3, { grpcPort: await freePort() });
  providers.push(provider);
  return provider;
}

async function call(id: number): Promise<Answer> {
  const started = Date.now();
  try {
    return { started, by: (await firstValueFrom(users.get({ id: String(id) }).pipe(timeout(3_000)))).servedBy };
  } catch (error) {
    return { started, error: error instanceof Error ? error.message : JSON.stringify(error) };
  }
}

/** Calls on `workers` concurrent loops until `stop()`; resolves every answer. */
function steady(workers = 4): { stop: () => Promise<Answer[]> } {
  const answers: Answer[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      answers.push(await call(n++));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

beforeAll(async () => {
  server = await EtcdServer.start();
  @Module({
    imports: [
      RegistryModule.forRoot({ backend: etcd({ hosts: server.url }), host: '127.0.0.1', ttl: 2 }),
      RegistryGrpcModule.forRoot(),
      userGrpcClient('USER_GRPC'),
    ],
  })
  class GrpcConsumer {}
  app = await testContext(GrpcConsumer);
  await app.init();
  users = app.get<ClientGrpc>('USER_GRPC').getService<UserService>('UserService');
  discovery = app.get(DiscoveryClient);
});

afterAll(async () => {
  await app?.close();
  for (const provider of providers) await provider.stop('SIGKILL');
  await server?.stop();
});

describe('gRPC through the registry', () => {
  it('registers gRPC providers with "protocol": "grpc" and spreads ClientGrpc calls over all three', async () => {
    const [a, b, c] = [await startProvider(), await startProvider(), await startProvider()];
    const addresses = [a, b, c].map((p) => p.grpcAddress);
    await eventually(async () =>
      expect((await discovery.getInstances('user-grpc')).map((i) => i.protocol)).toEqual(['grpc', 'grpc', 'grpc']),
    );
    // round_robin only picks connected subchannels: the first calls go to whichever connected first.
    const seen = new Set<string | undefined>();
    await eventually(async () => {
      seen.add((await call(0)).by);
      expect([...seen].sort()).toEqual([...addresses].sort());
    });
    const counts = new Map<string | undefined, number>();
    for (let i = 0; i < 30; i++) {
      const { by, error } = await call(i);
      counts.set(by ?? error, (counts.get(by ?? error) ?? 0) + 1);
    }
    expect([...counts.entries()].sort()).toEqual(addresses.sort().map((address) => [address, 10])); // round_robin: 10 each
  }, 60_000);

  it('a new provider gets calls within 1 s of registering; a SIGTERMed one none after it deregistered; a SIGKILL costs no call', async () => {
    const stream = steady();
    const fresh = await startProvider(); // resolves once it logged "listening", after registering
    const registeredAt = Date.now();
    await eventually(() => expect(discovery.getInstancesSync('user-grpc').map((i) => i.servicePort)).toContain(fresh.grpcPort));

    const [graceful, crashed] = providers.slice(0, 2) as [DemoProvider, DemoProvider];
    /** Resolves with the time the consumer's cache dropped `provider` (what feeds the resolver). */
    const gone = (provider: DemoProvider) =>
      firstValueFrom(discovery.events$.pipe(filter((e) => e.type === 'removed' && e.instance.servicePort === provider.grpcPort))).then(() =>
        Date.now(),
      );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const deregistered = gone(graceful);
    await graceful.stop('SIGTERM');
    const deregisteredAt = await deregistered; // before the process exited: it deregisters first
    await new Promise((resolve) => setTimeout(resolve, 500));
    const removed = gone(crashed);
    const killedAt = Date.now();
    await crashed.stop('SIGKILL');
    await removed;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answers = await stream.stop();

    const firstToFresh = answers.filter((a) => a.by === fresh.grpcAddress).map((a) => a.started)[0] ?? Infinity;
    const failed = answers.filter((a) => a.error);
    const lateToGraceful = answers.filter((a) => a.by === graceful.grpcAddress && a.started > deregisteredAt + 100).length;
    console.log(
      `gRPC: ${answers.length} calls, ${failed.length} failed; new provider's first call ${firstToFresh - registeredAt} ms after it registered; ` +
        `${answers.filter((a) => a.by === crashed.grpcAddress && a.started > killedAt).length} calls started after the SIGKILL reached the killed provider's address`,
    );
    expect({
      newProviderWithin1s: firstToFresh - registeredAt <= 1_000 || firstToFresh - registeredAt,
      lateToGraceful,
      failed: failed.map((a) => a.error).slice(0, 3),
    }).toEqual({ newProviderWithin1s: true, lateToGraceful: 0, failed: [] });
  }, 90_000);
});
