// gRPC figure: a grpc-js client dialing registry:///user-grpc:1.0 (the registry's resolver,
// round_robin) beside the same client dialing a static address list of the same three providers
// (ipv4:host:port,..., round_robin). Providers are the built demo provider with GRPC_PORT.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRequire } from 'node:module';
import { DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryGrpcModule, registryChannelOptions, registryTarget } from 'nest-service-registry/grpc';
import { USERS_PROTO } from '@app/demo-config';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { log, pinned, until } from '../lib/harness.mjs';
import { compare } from '../lib/compare.mjs';

const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

/** A plain grpc-js UserService client of `target`, balanced round_robin. */
function userClient(target) {
  const { users } = grpc.loadPackageDefinition(protoLoader.loadSync(USERS_PROTO));
  const client = new users.UserService(target, grpc.credentials.createInsecure(), registryChannelOptions());
  const get = (id) =>
    new Promise((resolve, reject) => client.Get({ id: String(id) }, (error, answer) => (error ? reject(error) : resolve(answer))));
  return { get, close: () => client.close() };
}

// 13. Resolver-backed gRPC client vs a static address list ----------------------------------------
export async function grpcResolver(server) {
  log('\n[13] gRPC client on registry:///user-grpc:1.0 vs the same client on a static address list — three providers, 16 in flight');
  await pinned((cpu) => resolverFigure(server, cpu));
}

async function resolverFigure(server, cpu) {
  const providers = await Promise.all([0, 1, 2].map(async () => DemoProvider.start(server.url, 2, { grpcPort: await freePort(), cpu })));
  class GrpcBenchModule {}
  Module({
    imports: [RegistryModule.forRoot({ backend: etcd({ hosts: server.url }), host: '127.0.0.1', ttl: 2 }), RegistryGrpcModule.forRoot()],
  })(GrpcBenchModule);
  const app = await NestFactory.createApplicationContext(GrpcBenchModule, { logger: ['error'] });
  await app.init();
  const ours = userClient(registryTarget('user-grpc', '1.0'));
  const reference = userClient(`ipv4:${providers.map((p) => p.grpcAddress).join(',')}`);
  try {
    await until(async () => (await app.get(DiscoveryClient).getInstances('user-grpc')).length === 3);
    await compare(
      () => ours.get(1),
      () => reference.get(1),
      'gRPC through the registry resolver',
      'a static address list (round_robin)',
      0.95,
      1.05,
    );
  } finally {
    ours.close();
    reference.close();
    await app.close();
    await Promise.all(providers.map((p) => p.stop()));
  }
}
