import { describe, expect, it } from '@jest/globals';
import { Controller, Module, type INestApplicationContext } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { RegistryModule, RpcService, ServiceRegistry } from 'nest-service-registry';
import { RegistryClientsModule, registerMicroservices, type RegistryClientProxy } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';
import { providerModule, testOptions, TrackedApps, testContext, testMicroservice } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { TCP_ON_PORT_0, tcpPortOf } from '../support/microservice.js';

/** `user-rpc:1.0`: message handlers only, so it goes to the microservice endpoint. */
@RpcService({ name: 'user-rpc', version: '1.0' })
@Controller()
class UsersRpcFixture {
  @MessagePattern('users.get')
  get({ id }: { id: number }): { id: number; name: string } {
    return { id, name: `user ${id}` };
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
const tcp = TCP_ON_PORT_0;

// Split from microservices.e2e-spec.ts: emit, p2c and registerAsync through RegistryClientsModule.
describe('RegistryClientsModule over Nest microservice servers (real etcd, TCP transport)', () => {
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
