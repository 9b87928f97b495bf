import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { memory, RegistryModule, RpcService, type RegistryModuleOptions, type RpcServiceOptions } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryClientsModule, type RegistryClientOptions } from 'nest-service-registry/microservices';

// Typos that the types would catch, arriving where they do not: a forRootAsync factory's result,
// JSON, an untyped object. Each fails bootstrap naming the key and the nearest valid one. Built
// with @nestjs/testing on the memory backend: no registry server.
const untyped = <T>(value: object): T => value as T;

async function bootstrap(imports: object[], controllers: Array<new (...args: never[]) => unknown> = []): Promise<unknown> {
  const module = await Test.createTestingModule({ imports: imports as never, controllers }).compile();
  await module.createNestApplication({ logger: false }).init();
  return module;
}

describe('unknown option keys fail bootstrap', () => {
  it('in a forRootAsync result ("tll" -> did you mean "ttl"?)', async () => {
    const json = '{ "tll": 5 }';
    const module = RegistryModule.forRootAsync({
      useFactory: () => ({ backend: memory(), ...untyped<RegistryModuleOptions>(JSON.parse(json)) }),
    });
    await expect(bootstrap([module])).rejects.toThrow(
      'Unknown registry option "tll": did you mean "ttl"? Valid options: backend, namespace, ttl',
    );
  });

  it('in backend options ("backend.hots" -> did you mean "hosts"?)', async () => {
    const module = RegistryModule.forRoot({ backend: etcd(untyped({ hots: 'http://127.0.0.1:2379' })) });
    await expect(bootstrap([module])).rejects.toThrow('Unknown registry option "backend.hots": did you mean "hosts"?');
  });

  it('in client options ("clients[USERS].retires" -> did you mean "retries"?), when the module is declared', () => {
    expect(() =>
      RegistryClientsModule.register([untyped<RegistryClientOptions>({ name: 'USERS', service: 'user-rpc', retires: 1 })]),
    ).toThrow('Unknown registry option "clients[USERS].retires": did you mean "retries"?');
  });

  it('in @RpcService options, naming the class ("nmae" -> did you mean "name"?)', async () => {
    @RpcService(untyped<RpcServiceOptions>({ nmae: 'user-service' }))
    @Controller('users')
    class TypoController {
      @Get() list(): string[] {
        return [];
      }
    }
    await expect(bootstrap([RegistryModule.forRoot({ backend: memory() })], [TypoController])).rejects.toThrow(
      '@RpcService() on TypoController has an unknown option "nmae": did you mean "name"?',
    );
  });
});
