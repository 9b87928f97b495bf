import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { MessagePattern, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:net';
import { memory, MemoryRegistryStore, RegistryModule, RpcService, ServiceRegistry } from 'nest-service-registry';
import { registerMicroservices } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';

// Issue 26, item 5: misuse that used to go unnoticed fails bootstrap, naming the class and what to
// do. Built with @nestjs/testing on the memory backend: no registry server.

@RpcService({ name: 'billing' })
@Injectable()
class BillingService {}

@RpcService({ name: 'invoices' })
@Controller('invoices')
class InvoicesWithoutRoutes {}

@RpcService({ name: 'billing', transport: 'http' })
@Injectable()
class BillingOnHttp {}

@Controller('users')
class UsersController {
  @Get() list(): string[] {
    return [];
  }
}

async function httpApp(
  providers: Array<new () => unknown>,
  controllers: Array<new () => unknown> = [UsersController],
): Promise<INestApplication> {
  const module = await Test.createTestingModule({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot({ backend: memory(), host: '127.0.0.1' })],
    controllers,
    providers,
  }).compile();
  return module.createNestApplication({ logger: false });
}

describe('@RpcService on a class no server of the app serves', () => {
  it('fails bootstrap of an HTTP app, naming the class and saying what to do', async () => {
    const app = await httpApp([BillingService]);
    await expect(app.init()).rejects.toThrow(
      /@RpcService on BillingService, which no server of this app serves: .*Put @RpcService on the controller that serves the service, or say where it is served with @RpcService\(\{ transport/,
    );
    await app.close();
  });

  it('also for a controller without any route or handler', async () => {
    const app = await httpApp([], [InvoicesWithoutRoutes]);
    await expect(app.init()).rejects.toThrow('@RpcService on InvoicesWithoutRoutes, which no server of this app serves');
    await app.close();
  });

  it("is allowed when the class says where it is served (transport: 'http')", async () => {
    const app = await httpApp([BillingOnHttp]);
    await app.listen(0, '127.0.0.1');
    await app.get(ServiceRegistry).ready();
    expect(
      app
        .get(ServiceRegistry)
        .registrations()
        .map((r) => r.instance.serviceName),
    ).toEqual(['billing']);
    await app.close();
  });
});

@RpcService({ name: 'user-rpc' })
@Controller()
class UsersRpc {
  @MessagePattern('users.get') get({ id }: { id: string }) {
    return { id };
  }
}

/** A hybrid app (HTTP + TCP) on a shared memory store, its TCP server listening and announced. */
async function hybridApp(store: MemoryRegistryStore): Promise<INestApplication> {
  const module = await Test.createTestingModule({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot({ backend: memory({ store }), host: '127.0.0.1' })],
    controllers: [UsersController, UsersRpc],
  }).compile();
  const app = module.createNestApplication({ logger: false });
  app.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } });
  await app.startAllMicroservices();
  return app;
}

describe('a hybrid app registers nothing until every server of it listens', () => {
  const keys = (store: MemoryRegistryStore) => store.list('/rpc/').entries.map((e) => e.key);

  it('announces the TCP service once the HTTP server listens too', async () => {
    const store = new MemoryRegistryStore();
    const app = await hybridApp(store);
    const planned = await registerMicroservices(app);
    expect(planned.map((r) => [r.instance.serviceName, r.confirmed])).toEqual([['user-rpc', false]]);
    expect(keys(store)).toEqual([]);
    await app.listen(0, '127.0.0.1');
    await eventually(() => expect(keys(store)).toEqual([planned[0]!.key]));
    await app.close();
    expect(keys(store)).toEqual([]);
  });

  it('leaves no key behind when its HTTP server fails to listen (port in use)', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const store = new MemoryRegistryStore();
    const app = await hybridApp(store);
    try {
      await registerMicroservices(app);
      const port = (busy.address() as { port: number }).port;
      await expect(app.listen(port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
      expect(keys(store)).toEqual([]);
    } finally {
      await app.close();
      busy.close();
    }
    expect(keys(store)).toEqual([]);
  });
});
