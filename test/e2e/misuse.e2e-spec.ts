import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { memory, RegistryModule, RpcService, ServiceRegistry } from 'nest-service-registry';

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
