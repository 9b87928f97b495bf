import { describe, expect, it } from '@jest/globals';
import { Controller, Module } from '@nestjs/common';
import { GrpcMethod, MessagePattern, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { ScheduleModule } from '@nestjs/schedule';
import type { Server } from 'node:net';
import { USERS_PROTO } from '@app/demo-config';
import { RegistryModule, RpcService, type RegistryError } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { registerMicroservices } from 'nest-service-registry/microservices';
import { freePort } from '../../scripts/lib/ports.mjs';
import { testOptions, TrackedApps, testApp } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';

// Issue 13, item 1: a hybrid app with a TCP and a gRPC server. registerMicroservices(app, {
// grpcPort }) puts the @GrpcMethod class on the gRPC port ("protocol": "grpc") and the
// @MessagePattern class on the TCP port, never crossed; a missing, zero or closed grpcPort fails
// naming the option.
const apps = new TrackedApps();
const suite = useEtcdSuite(apps);

@RpcService({ name: 'user-grpc', version: '1.0' })
@Controller()
class GrpcUsers {
  @GrpcMethod('UserService', 'Get') get({ id }: { id: string }) {
    return { id, name: 'Ada', servedBy: 'test' };
  }
}

@RpcService({ name: 'user-rpc', version: '1.0' })
@Controller()
class TcpUsers {
  @MessagePattern('users.get') get(id: string) {
    return id;
  }
}

async function hybrid(grpcPort: number) {
  @Module({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(testOptions(suite.server.url))],
    controllers: [GrpcUsers, TcpUsers],
  })
  class HybridModule {}
  const app = await apps.track(testApp(HybridModule));
  const tcp = app.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } });
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.GRPC,
    options: { package: 'users', protoPath: USERS_PROTO, url: `127.0.0.1:${grpcPort}` },
  });
  await app.startAllMicroservices();
  return { app, tcpPort: (tcp.unwrap<Server>().address() as { port: number }).port };
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: RegistryError) => error,
  );
}

describe('registerMicroservices with a gRPC server', () => {
  it('registers the gRPC class on grpcPort with "protocol": "grpc", the TCP class on the TCP port', async () => {
    const grpcPort = await freePort();
    const { app, tcpPort } = await hybrid(grpcPort);
    const registrations = await registerMicroservices(app, { grpcPort });
    expect(registrations.map((r) => [r.instance.serviceName, r.instance.servicePort, r.instance.protocol]).sort()).toEqual([
      ['user-grpc', grpcPort, 'grpc'],
      ['user-rpc', tcpPort, 'tcp'],
    ]);
    expect(await suite.client.getAll().prefix('/rpc/').keys()).toEqual([]); // a hybrid app: nothing before its HTTP server listens
    await app.listen(0, '127.0.0.1');
    await eventually(async () =>
      expect((await suite.client.getAll().prefix('/rpc/').keys()).sort()).toEqual([
        `/rpc/user-grpc:1.0/127.0.0.1:${grpcPort}`,
        `/rpc/user-rpc:1.0/127.0.0.1:${tcpPort}`,
      ]),
    );
  });

  it('fails naming grpcPort when it is missing or 0, and when nothing listens there; registers nothing', async () => {
    const { app } = await hybrid(await freePort());
    for (const grpcPort of [undefined, 0]) {
      const error = await failure(registerMicroservices(app, { grpcPort }));
      expect({ code: error.code, message: error.message }).toEqual({
        code: 'INVALID_OPTIONS',
        message: expect.stringContaining(`"grpcPort" is ${grpcPort === undefined ? 'undefined' : '0'}: pass the port it listens on`),
      });
    }
    const closed = await freePort();
    const error = await failure(registerMicroservices(app, { grpcPort: closed }));
    expect(error.message).toContain(`nothing accepts connections on 127.0.0.1:${closed}`);
    expect(await suite.client.getAll().prefix('/rpc/').keys()).toEqual([]);
  });
});
