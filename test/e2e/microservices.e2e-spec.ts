import { describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, type INestApplicationContext } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy, type MicroserviceOptions } from '@nestjs/microservices';
import type { Server } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { RpcService } from 'nest-service-registry';
import { registerMicroservices } from 'nest-service-registry/microservices';
import { eventually } from 'nest-service-registry/testing';
import { portOf, providerModule, testOptions, TrackedApps, UsersFixture, testApp, testMicroservice } from '../support/apps.js';
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

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);
const tcp = TCP_ON_PORT_0;

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
});
