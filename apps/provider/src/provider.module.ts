import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, MetricsController, registryOptionsFromEnv } from '@app/demo-config';
import { RegistryModule } from 'nest-service-registry';
import { RegistryHealthModule } from 'nest-service-registry/health';
import { UsersGrpcController } from './users-grpc.controller.js';
import { UsersRpcController } from './users-rpc.controller.js';
import { UsersController } from './users.controller.js';
import { Orders } from './orders.js';

@Module({
  imports: [
    ScheduleModule.forRoot(),
    RegistryModule.forRootAsync({ useFactory: () => registryOptionsFromEnv(process.env) }),
    TerminusModule,
    RegistryHealthModule,
  ],
  // user-grpc only when GRPC_PORT is set (DESIGN §7: unset = no gRPC server).
  controllers: [
    UsersController,
    UsersRpcController,
    ...(process.env.GRPC_PORT ? [UsersGrpcController] : []),
    HealthController,
    MetricsController,
  ],
  providers: [Orders],
})
export class ProviderModule {}
