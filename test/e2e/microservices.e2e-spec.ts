import { describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Module, type INestApplicationContext, type INestMicroservice } from '@nestjs/common';
import {
  ClientProxyFactory,
  EventPattern,
  MessagePattern,
  Transport,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import type { Server } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { RegistryModule, RpcService, ServiceRegistry } from 'nest-service-registry';
import { RegistryClientsModule, registerMicroservices, type RegistryClientProxy } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';
import { portOf, providerModule, testOptions, TrackedApps, UsersFixture, testApp, testContext, testMicroservice } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';

/** `user-rpc:1.0`: message handlers only, so it goes to the microservice endpoint. */
@RpcService({ name: 'user-rpc', version: '1.0' })
@Controller()
class UsersRpcFixture {
  @MessagePattern('users.get')
  get({ id }: { id: number }): { id: number; name: string } {
    return { id, name: `user ${id}` };
  }
}

/** `both-service:1.0`: an HTTP route and a message handler, so one key per endpoint. */
@RpcService({ name: 'both-service', version: '1.0' })
@Controller('both')
class BothFixture {
  @Get()
  list(): string[] {
    return [];
  }

  @MessagePattern('both.ping')
  ping(): string {
    return 'pong';
  }
}

/** Events received, by the `host:port` of the instance that received them. */
const received = new Map<string, number>();

/** `event-rpc:1.0`: counts `seen` events per instance. */
@RpcService({ name: 'event-rpc', version: '1.0' })
@Controller()
class EventsFixture {
  constructor(private readonly registry: ServiceRegistry) {}

  @EventPattern('seen')
  seen(_event: unknown): void {
    const own = this.registry.registrations()[0]!.instance;
    const at = `${own.serviceHost}:${own.servicePort}`;
    received.set(at, (received.get(at) ?? 0) + 1);
  }
}

/** Ports of `latency-rpc` instances that answer 20 ms late. */
const slowPorts = new Set<number>();

/** `latency-rpc:1.0`: answers with its own port, 20 ms late on the ports in `slowPorts`. */
@RpcService({ name: 'latency-rpc', version: '1.0' })
@Controller()
class LatencyFixture {
  constructor(private readonly registry: ServiceRegistry) {}

  @MessagePattern('whoami')
  async whoami(_data: unknown): Promise<number> {
    const port = this.registry.registrations()[0]!.instance.servicePort;
    if (slowPorts.has(port)) await new Promise((resolve) => setTimeout(resolve, 20));
    return port;
  }
}

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);
const tcp = { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } } satisfies MicroserviceOptions;

/** Keys under the namespace, each with its value's port and protocol. */
async function registered(): Promise<Array<{ key: string; port: number; protocol: string }>> {
  const response = await suite.client.getAll().prefix('/rpc/').exec();
  return response.kvs
    .map((kv) => {
      const value = JSON.parse(kv.value.toString()) as { servicePort: number; protocol: string };
      return { key: kv.key.toString(), port: value.servicePort, protocol: value.protocol };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

const tcpPortOf = (app: INestMicroservice): number => {
  const address = app.unwrap<Server>().address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return address.port;
};

describe('Nest microservice servers are registered (real etcd, TCP transport)', () => {
  it('hybrid app: HTTP and TCP classes get their own ports and protocols; a class on both gets two keys; nothing before the TCP server listens', async () => {
    const module = providerModule(testOptions(suite.server.url), [UsersFixture, UsersRpcFixture, BothFixture]);
    const app = await track(testApp(module));
    const microservice = app.connectMicroservice<MicroserviceOptions>(tcp);
    await app.init(); // initialised first this time: both orders must work
    await app.startAllMicroservices();
    const rpcPort = tcpPortOf(microservice);
    expect(await registered()).toEqual([]); // listening, but not announced yet: nothing visible
    const registrations = await registerMicroservices(app);
    expect(registrations.map((r) => r.key).sort()).toEqual([
      `/rpc/both-service:1.0/127.0.0.1:${rpcPort}`,
      `/rpc/user-rpc:1.0/127.0.0.1:${rpcPort}`,
    ]);
    await app.listen(0, '127.0.0.1');
    const httpPort = portOf(app);
    const expected = [
      { key: `/rpc/both-service:1.0/127.0.0.1:${httpPort}`, port: httpPort, protocol: 'http' },
      { key: `/rpc/both-service:1.0/127.0.0.1:${rpcPort}`, port: rpcPort, protocol: 'tcp' },
      { key: `/rpc/user-rpc:1.0/127.0.0.1:${rpcPort}`, port: rpcPort, protocol: 'tcp' },
      { key: `/rpc/user-service:1.0/127.0.0.1:${httpPort}`, port: httpPort, protocol: 'http' },
    ].sort((a, b) => a.key.localeCompare(b.key)); // the same order as registered()
    await eventually(async () => expect(await registered()).toEqual(expected));
    const leases = (await suite.client.getAll().prefix('/rpc/').exec()).kvs.map((kv) => kv.lease);
    expect(new Set(leases).size).toBe(1); // one lease for every key of the process
  });

  it('standalone microservice on port 0: registered with the port it bound, and callable there', async () => {
    const module = providerModule(testOptions(suite.server.url), [UsersRpcFixture]);
    const app = await track(testMicroservice(module, tcp));
    await app.listen();
    await registerMicroservices(app);
    const port = tcpPortOf(app);
    expect(port).toBeGreaterThan(0);
    expect(await registered()).toEqual([{ key: `/rpc/user-rpc:1.0/127.0.0.1:${port}`, port, protocol: 'tcp' }]);
    const rpc: ClientProxy = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    try {
      expect(await firstValueFrom(rpc.send('users.get', { id: 7 }))).toEqual({ id: 7, name: 'user 7' });
    } finally {
      await rpc.close();
    }
  });

  it('says what to do when called before the servers listen', async () => {
    const module = providerModule(testOptions(suite.server.url), [UsersRpcFixture]);
    const app = await track(testMicroservice(module, tcp));
    await app.init();
    await expect(registerMicroservices(app)).rejects.toThrow(/not listening yet.*after app\.startAllMicroservices\(\).*app\.listen\(\)/);
    expect(await registered()).toEqual([]);
  });

  it('hybrid app close: the TCP key is gone before the TCP server closes', async () => {
    const module = providerModule(testOptions(suite.server.url), [UsersRpcFixture]);
    const app = await track(testApp(module));
    const microservice = app.connectMicroservice<MicroserviceOptions>(tcp);
    await app.startAllMicroservices(); // Nest's documented order: before listen(), without init()
    await registerMicroservices(app);
    await app.listen(0, '127.0.0.1');
    const key = `/rpc/user-rpc:1.0/127.0.0.1:${tcpPortOf(microservice)}`;
    await eventually(async () => expect((await registered()).map((r) => r.key)).toEqual([key])); // written once every server listens
    let atClose: Promise<string | null> | undefined;
    // The moment Nest starts closing the TCP server, read the key (the 'close' event comes later).
    const server = microservice.unwrap<Server>();
    const close = server.close.bind(server);
    jest.spyOn(server, 'close').mockImplementation((callback) => {
      atClose = suite.client.get(key).string();
      return close(callback);
    });
    await app.close();
    apps.forget(app);
    expect(atClose).toBeDefined();
    expect(await atClose).toBeNull(); // deregistered (lease revoked) before the server stopped
  });

  it('emit through RegistryClientsModule is balanced round-robin over the instances', async () => {
    received.clear();
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const module = providerModule(testOptions(suite.server.url), [EventsFixture]);
      const app = await track(testMicroservice(module, tcp));
      await app.listen();
      await registerMicroservices(app);
      ports.push(tcpPortOf(app));
    }
    @Module({
      imports: [
        RegistryModule.forRoot(testOptions(suite.server.url)),
        RegistryClientsModule.register([{ name: 'EVENTS', service: 'event-rpc' }]),
      ],
    })
    class EmitterModule {}
    const consumer = await track(testContext(EmitterModule));
    const events = consumer.get<RegistryClientProxy>('EVENTS');
    for (let i = 0; i < 30; i++) await firstValueFrom(events.emit('seen', { i }), { defaultValue: undefined });
    await eventually(() =>
      expect([...received.entries()].sort()).toEqual(ports.map((port) => [`127.0.0.1:${port}`, 10] as [string, number]).sort()),
    );
  });

  it('p2c sends measurably fewer calls to an instance that answers 20 ms slower (round-robin: a third)', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const app = await track(testMicroservice(providerModule(testOptions(suite.server.url), [LatencyFixture]), tcp));
      await app.listen();
      await registerMicroservices(app);
      ports.push(tcpPortOf(app));
    }
    slowPorts.clear();
    slowPorts.add(ports[0]!);
    @Module({
      imports: [
        RegistryModule.forRoot(testOptions(suite.server.url)),
        RegistryClientsModule.register([
          { name: 'P2C', service: 'latency-rpc', strategy: 'p2c' },
          { name: 'RR', service: 'latency-rpc' },
        ]),
      ],
    })
    class LatencyConsumerModule {}
    const consumer = await track(testContext(LatencyConsumerModule));
    const share = async (token: string): Promise<number> => {
      const client = consumer.get<RegistryClientProxy>(token);
      const answers: number[] = [];
      // 4 callers in flight, 75 calls each: 300 calls
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 75; i++) answers.push(await firstValueFrom(client.send<number>('whoami', {})));
        }),
      );
      return answers.filter((port) => port === ports[0]).length / answers.length;
    };
    const roundRobin = await share('RR');
    const p2c = await share('P2C');
    expect(roundRobin).toBeGreaterThan(0.25); // a third, give or take
    expect(p2c).toBeLessThan(0.15); // measurably fewer
  }, 60_000);

  it('RegistryClientsModule.registerAsync takes the options of a client from a factory with injected config', async () => {
    const module = providerModule(testOptions(suite.server.url), [UsersRpcFixture]);
    const provider = await track(testMicroservice(module, tcp));
    await provider.listen();
    await registerMicroservices(provider);
    const CONFIG = Symbol('config');
    @Module({ providers: [{ provide: CONFIG, useValue: { rpcService: 'user-rpc' } }], exports: [CONFIG] })
    class ConfigModule {}
    @Module({
      imports: [
        RegistryModule.forRoot(testOptions(suite.server.url)),
        RegistryClientsModule.registerAsync([
          {
            name: 'USERS',
            imports: [ConfigModule],
            inject: [CONFIG],
            useFactory: (config: { rpcService: string }) => ({ service: config.rpcService, retries: 1 }),
          },
        ]),
      ],
    })
    class AsyncConsumerModule {}
    const consumer = await track(testContext(AsyncConsumerModule));
    const users = consumer.get<RegistryClientProxy>('USERS');
    expect(await firstValueFrom(users.send('users.get', { id: 3 }))).toEqual({ id: 3, name: 'user 3' });
    // A bad option from the factory fails the app's bootstrap, naming it.
    @Module({
      imports: [
        RegistryModule.forRoot(testOptions(suite.server.url)),
        RegistryClientsModule.registerAsync([{ name: 'BAD', useFactory: () => ({ service: 'user-rpc', retries: -1 }) }]),
      ],
    })
    class BadConsumerModule {}
    await expect(testContext(BadConsumerModule)).rejects.toThrow(/clients\[BAD\]\.retries.*-1.*an integer in 0\.\.10/);
  });
});
