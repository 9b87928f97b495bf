import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, MetricsController, registryOptionsFromEnv } from '@app/demo-config';
import { RegistryModule } from 'nest-service-registry';
import { RegistryHealthModule } from 'nest-service-registry/health';
import { UsersRpcController } from './users-rpc.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [
    ScheduleModule.forRoot(),
    RegistryModule.forRootAsync({ useFactory: () => registryOptionsFromEnv(process.env) }),
    TerminusModule,
    RegistryHealthModule,
  ],
  controllers: [UsersController, UsersRpcController, HealthController, MetricsController],
})
export class ProviderModule {}
