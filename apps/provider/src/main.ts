import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { Server as HttpServer } from 'node:http';
import type { Socket, Server as TcpServer } from 'node:net';
import { intFromEnv, startMetrics, USERS_PACKAGE, USERS_PROTO } from '@app/demo-config';
import { registerMicroservices } from 'nest-service-registry/microservices';
import { ProviderModule } from './provider.module.js';

const portOf = (server: HttpServer | TcpServer): number | string | undefined => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : (address ?? undefined);
};

startMetrics(); // before the app: the registry's instruments come from the global meter provider
const app = await NestFactory.create(ProviderModule);
app.enableShutdownHooks();
// A hybrid app: user-rpc over TCP on RPC_PORT (0 = any free port), user-service over HTTP on PORT.
const rpc = app.connectMicroservice<MicroserviceOptions>({
  transport: Transport.TCP,
  options: { host: '0.0.0.0', port: intFromEnv(process.env, 'RPC_PORT', 0) },
});
// With GRPC_PORT: user-grpc over gRPC on that port. It must be a real port: Nest does not expose
// the port a gRPC server bound, and registerMicroservices() advertises the one it is given.
const grpcPort = process.env.GRPC_PORT ? intFromEnv(process.env, 'GRPC_PORT', 0) : undefined;
if (grpcPort !== undefined) {
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.GRPC,
    options: { package: USERS_PACKAGE, protoPath: USERS_PROTO, url: `0.0.0.0:${grpcPort}` },
  });
}
await app.startAllMicroservices();
// Replies go out at once (TCP_NODELAY), as Node's HTTP server and gRPC send theirs. Otherwise, at
// the end of a burst, a reply can wait ~40 ms for the consumer's delayed ACK (Nagle's algorithm).
rpc.unwrap<TcpServer>().on('connection', (socket: Socket) => socket.setNoDelay(true));
Logger.log(`Provider rpc bound to ${portOf(rpc.unwrap<TcpServer>())}`, 'Main');
if (grpcPort !== undefined) Logger.log(`Provider grpc bound to ${grpcPort}`, 'Main');
await registerMicroservices(app, { grpcPort });
await app.listen(intFromEnv(process.env, 'PORT', 0));
Logger.log(`Provider listening on ${portOf(app.getHttpServer() as HttpServer)}`, 'Main');
