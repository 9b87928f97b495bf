import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NoInstancesError } from '../errors/registry.error.js';
import { RegistryHttpClient } from '../http/registry-http-client.js';
import { eventually } from './eventually.js';
import { RegistryTestingModule } from './registry-testing.module.js';
import { TestRegistry } from './test-registry.js';

// What a team's first test looks like: its own service, which calls another one through the
// registry, under @nestjs/testing with no registry server; the other service is a local server.
@Injectable()
class UsersGateway {
  constructor(private readonly http: RegistryHttpClient) {}

  async user(id: string): Promise<{ id: string; servedBy: string }> {
    const response = await this.http.fetch('user-service', `/users/${id}`);
    return (await response.json()) as { id: string; servedBy: string };
  }
}

let module: TestingModule | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await module?.close();
  module = undefined;
  for (const server of servers.splice(0)) server.close();
});

async function userServer(name: string): Promise<number> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ id: request.url?.split('/').pop(), servedBy: name }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('RegistryTestingModule', () => {
  it('serves the instances a test lists to the app under test, and follows what the test changes', async () => {
    const [a, b] = [await userServer('a'), await userServer('b')];
    module = await Test.createTestingModule({
      imports: [RegistryTestingModule.forRoot({ instances: [{ serviceName: 'user-service', servicePort: a }] })],
      providers: [UsersGateway],
    }).compile();
    await module.init();
    const gateway = module.get(UsersGateway);
    const registry = module.get(TestRegistry);
    expect(await gateway.user('7')).toEqual({ id: '7', servedBy: 'a' });

    const second = registry.add({ serviceName: 'user-service', servicePort: b });
    const first = registry.setStatus(
      { serviceName: 'user-service', serviceVersion: '1.0', serviceHost: '127.0.0.1', servicePort: a },
      'OUT_OF_SERVICE',
    );
    await eventually(async () => expect(await gateway.user('8')).toEqual({ id: '8', servedBy: 'b' }));

    registry.remove(first);
    registry.remove(second);
    await eventually(() => expect(gateway.user('9')).rejects.toBeInstanceOf(NoInstancesError));
  });
});
