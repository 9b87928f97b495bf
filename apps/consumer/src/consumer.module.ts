import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, MetricsController, registryOptionsFromEnv } from '@app/demo-config';
import { RegistryModule } from 'nest-service-registry';
import { RegistryDashboardModule } from 'nest-service-registry/dashboard';
import { RegistryHealthModule } from 'nest-service-registry/health';
import { RegistryClientsModule } from 'nest-service-registry/microservices';
import { RegistryController } from './registry.controller.js';
import { USER_RPC, UsersRpcController } from './users-rpc.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [
    RegistryModule.forRootAsync({ useFactory: () => registryOptionsFromEnv(process.env) }),
    // users.get is a read: a call lost with its connection may be repeated on another instance.
    RegistryClientsModule.register([{ name: USER_RPC, service: 'user-rpc', idempotent: ['users.get'] }]),
    TerminusModule,
    RegistryHealthModule,
    RegistryDashboardModule.forRoot({ path: '/registry/dashboard' }), // read-only: no drain buttons
  ],
  controllers: [UsersController, UsersRpcController, RegistryController, HealthController, MetricsController],
})
export class ConsumerModule {}
