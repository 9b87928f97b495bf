import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { HealthController, intFromEnv, MetricsController, registryOptionsFromEnv, USERS_PACKAGE, USERS_PROTO } from '@app/demo-config';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { RegistryExceptionFilter, RegistryModule } from 'nest-service-registry';
import { RegistryDashboardModule } from 'nest-service-registry/dashboard';
import { RegistryCheckerModule } from 'nest-service-registry/checker';
import { RegistryTagInterceptor } from 'nest-service-registry/traffic';
import { RegistryGrpcModule, registryChannelOptions, registryTarget } from 'nest-service-registry/grpc';
import { RegistryHealthModule } from 'nest-service-registry/health';
import { RegistryClientsModule } from 'nest-service-registry/microservices';
import { RegistryXdsModule } from 'nest-service-registry/xds';
import { RegistryController } from './registry.controller.js';
import { USER_GRPC, UsersGrpcController } from './users-grpc.controller.js';
import { USER_RPC, UsersRpcController } from './users-rpc.controller.js';
import { UsersController } from './users.controller.js';
import { OrdersController } from './orders.controller.js';
import { CheckerController } from './checker.controller.js';

@Module({
  imports: [
    RegistryModule.forRootAsync({ useFactory: () => registryOptionsFromEnv(process.env) }),
    // users.get is a read: a call lost with its connection may be repeated on another instance;
    // orders.create is not: such a call fails with CallOutcomeUnknownError (502) instead.
    RegistryClientsModule.register([{ name: USER_RPC, service: 'user-rpc', idempotent: ['users.get'] }]),
    // gRPC: the registry's resolver serves registry:/// targets; gRPC balances round_robin over them.
    // UserService.Get is a read: a call lost with its instance is retried on another (retry policy).
    RegistryGrpcModule.forRoot(),
    ClientsModule.register([
      {
        name: USER_GRPC,
        transport: Transport.GRPC,
        options: {
          package: USERS_PACKAGE,
          protoPath: USERS_PROTO,
          url: registryTarget('user-grpc', '1.0'),
          channelOptions: registryChannelOptions({ retry: { services: ['users.UserService'] } }),
        },
      },
    ]),
    TerminusModule,
    RegistryHealthModule,
    RegistryDashboardModule.forRoot({ path: '/registry/dashboard' }), // read-only: no drain buttons
    // CHECKER=1: this app is one of the leader-elected checkers of permanent instances.
    ...(process.env.CHECKER === '1' ? [RegistryCheckerModule.forRoot()] : []),
    // XDS_PORT: this app also serves the registry's gRPC services over xDS on that loopback port (xds:///user-grpc).
    ...(process.env.XDS_PORT ? [RegistryXdsModule.forRoot({ port: intFromEnv(process.env, 'XDS_PORT', 0) })] : []),
  ],
  // The registry's errors become 503 (no instance, registry unreachable) or 502 (every attempt
  // failed, outcome unknown) with their code, without a stack in the log.
  // A request's x-registry-tag header routes its registry calls to instances with that tag.
  providers: [
    { provide: APP_FILTER, useClass: RegistryExceptionFilter },
    { provide: APP_INTERCEPTOR, useClass: RegistryTagInterceptor },
  ],
  controllers: [
    UsersController,
    OrdersController,
    UsersRpcController,
    UsersGrpcController,
    RegistryController,
    CheckerController,
    HealthController,
    MetricsController,
  ],
})
export class ConsumerModule {}
