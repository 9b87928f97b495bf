import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { ClientsModule, Transport, type ClientGrpc } from '@nestjs/microservices';
import { ScheduleModule } from '@nestjs/schedule';
import { firstValueFrom, timeout, type Observable } from 'rxjs';
import { USERS_PROTO } from '@app/demo-config';
import { DiscoveryClient, RegistryModule, ServiceRegistry } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryGrpcModule, registryChannelOptions, registryTarget } from 'nest-service-registry/grpc';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { testContext } from '../support/apps.js';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';

// The consumer side of a deploy over gRPC, checked rather than assumed: when the registry's
// resolver drops an address (its instance deregistered), gRPC lets the call already in flight on
// that subchannel finish. Real grpc-js servers in child processes that answer after 5 s.
interface UserService {
  get(request: { id: string }): Observable<{ servedBy: string }>;
}

let etcdServer: EtcdServer;
let app: INestApplicationContext;
let users: UserService;
const servers: ServerProcess[] = [];

async function slowServer(): Promise<number> {
  const port = await freePort();
  const server = new ServerProcess(`slow gRPC users server ${port}`);
  servers.push(server);
  const env = { ...process.env, PORT: String(port), MODE: 'slow', DELAY_MS: '5000' };
  await server.start(
    process.execPath,
    ['test/fixtures/grpc-user-server.mjs'],
    () => Promise.resolve(server.output.includes('listening')),
    15_000,
    {
      env,
    },
  );
  return port;
}

beforeAll(async () => {
  etcdServer = await EtcdServer.start();
  @Module({
    imports: [
      ScheduleModule.forRoot(),
      RegistryModule.forRoot({ backend: etcd({ hosts: etcdServer.url }), host: '127.0.0.1', ttl: 3, drainDelay: 0 }),
      RegistryGrpcModule.forRoot(),
      ClientsModule.register([
        {
          name: 'USERS',
          transport: Transport.GRPC,
          options: {
            package: 'users',
            protoPath: USERS_PROTO,
            url: registryTarget('slow-grpc', '1.0'),
            channelOptions: registryChannelOptions(),
          },
        },
      ]),
    ],
  })
  class ConsumerModule {}
  app = await testContext(ConsumerModule);
  await app.init();
  users = app.get<ClientGrpc>('USERS').getService<UserService>('UserService');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await etcdServer?.stop();
});

describe('gRPC through the registry resolver while an instance leaves', () => {
  it('lets the call in flight on the removed address finish, and sends the next call to the instance that stays', async () => {
    const [leaving, staying] = [await slowServer(), await slowServer()];
    const registry = app.get(ServiceRegistry);
    const discovery = app.get(DiscoveryClient);
    const leavingKey = (await registry.register({ serviceName: 'slow-grpc', servicePort: leaving, protocol: 'grpc' })).key;
    const inFlight = firstValueFrom(users.get({ id: '1' }).pipe(timeout(20_000)));
    await eventually(() => expect(servers[0]!.output).toContain('call 1 received'));
    await registry.register({ serviceName: 'slow-grpc', servicePort: staying, protocol: 'grpc' });
    await registry.deregister(leavingKey);
    await eventually(async () =>
      expect((await discovery.getInstances('slow-grpc', { protocol: 'grpc' })).map((i) => i.servicePort)).toEqual([staying]),
    );
    let answered = false;
    void inFlight.then(() => (answered = true));
    await Promise.resolve();
    expect(answered).toBe(false); // the address was dropped while the call was still running there
    expect((await inFlight).servedBy).toBe(String(leaving));
    expect((await firstValueFrom(users.get({ id: '2' }).pipe(timeout(20_000)))).servedBy).toBe(String(staying));
  }, 60_000);
});
