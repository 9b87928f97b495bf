import {
  Controller,
  Get,
  Injectable,
  Module,
  type INestApplication,
  type INestApplicationContext,
  type INestMicroservice,
  type LoggerService,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryModule, RpcService, type RegistryModuleOptions } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';

/** `user-service:1.0`, hosted by a controller. */
@RpcService({ name: 'user-service', version: '1.0' })
@Controller('users')
export class UsersFixture {
  @Get()
  list(): string[] {
    return [];
  }
}

/** `order-service:2.0`, a plain provider registered on the app's HTTP port (`transport: 'http'`). */
@RpcService({ name: 'order-service', version: '2.0', metadata: { team: 'orders' }, transport: 'http' })
@Injectable()
export class OrdersFixture {}

/** A logger that records what the library says, by level. */
export class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string }> = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  verbose(message: unknown): void {
    this.lines.push({ level: 'verbose', message: String(message) });
  }
  debug(message: unknown): void {
    this.lines.push({ level: 'debug', message: String(message) });
  }
  warnings(containing: string): string[] {
    return this.lines.filter((l) => l.level === 'warn' && l.message.includes(containing)).map((l) => l.message);
  }
}

/** The apps a suite started; `closeAll()` (in `afterEach`) closes every one. */
export class TrackedApps {
  private readonly apps: INestApplicationContext[] = [];

  /** Awaits `app` and remembers it for {@link closeAll}. */
  async track<T extends INestApplicationContext>(app: Promise<T>): Promise<T> {
    const started = await app;
    this.apps.push(started);
    return started;
  }

  /** Forgets `app` (the test closed it itself). */
  forget(app: INestApplicationContext): void {
    const index = this.apps.indexOf(app);
    if (index >= 0) this.apps.splice(index, 1);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.apps.splice(0).map((app) => app.close()));
  }
}

/** Registry options pointing at a test etcd, loopback host, short TTL. */
export function testOptions(etcdUrl: string, overrides: RegistryModuleOptions = {}): RegistryModuleOptions {
  // No drain wait: these apps have no consumer to wait for. The drain tests set it themselves.
  return { backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1', ttl: 2, drainDelay: 0, ...overrides };
}

/** A module hosting `services` (controllers or providers decorated with @RpcService). */
export function providerModule(options: RegistryModuleOptions, controllers: Type[] = [UsersFixture], providers: Type[] = []): Type {
  @Module({ imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(options)], controllers, providers })
  class ProviderTestModule {}
  return ProviderTestModule;
}

/** An HTTP app (not yet listening) of `module`, built with @nestjs/testing as Nest's own module tests are. */
export async function testApp(module: Type, logger: LoggerService | false = false): Promise<INestApplication> {
  const compiled = await Test.createTestingModule({ imports: [module] }).compile();
  return compiled.createNestApplication({ logger, abortOnError: false });
}

/** Creates (not yet listening) an HTTP provider app, with @nestjs/testing as an app's own tests would. */
export async function createProvider(
  options: RegistryModuleOptions,
  controllers: Type[] = [UsersFixture],
  providers: Type[] = [],
  logger: LoggerService | false = false,
): Promise<INestApplication> {
  return testApp(providerModule(options, controllers, providers), logger);
}

/** Creates, inits and listens (port 0) an HTTP provider app. */
export async function startProvider(options: RegistryModuleOptions, controllers?: Type[], providers?: Type[]): Promise<INestApplication> {
  const app = await createProvider(options, controllers, providers);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** An initialised application context of `module` (@nestjs/testing), as `NestFactory.createApplicationContext` gives. */
export async function testContext(module: Type, logger: LoggerService | false = false): Promise<INestApplicationContext> {
  const builder = Test.createTestingModule({ imports: [module] });
  const context = await (logger ? builder.setLogger(logger) : builder).compile();
  if (!logger) context.useLogger(false);
  await context.init();
  return context;
}

/** A Nest microservice of `module` (@nestjs/testing), not yet listening. */
export async function testMicroservice(module: Type, options: MicroserviceOptions): Promise<INestMicroservice> {
  const compiled = await Test.createTestingModule({ imports: [module] }).compile();
  return compiled.createNestMicroservice({ ...options, logger: false, abortOnError: false });
}

/** A consumer: an application context with only RegistryModule. */
export async function startConsumer(
  options: RegistryModuleOptions,
  logger: LoggerService | false = false,
): Promise<INestApplicationContext> {
  @Module({ imports: [RegistryModule.forRoot(options)] })
  class ConsumerTestModule {}
  return testContext(ConsumerTestModule, logger);
}

/** Port an HTTP app listens on. */
export function portOf(app: INestApplication): number {
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('app is not listening');
  return address.port;
}
