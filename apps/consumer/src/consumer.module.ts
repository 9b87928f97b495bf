import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, registryOptionsFromEnv } from '@app/demo-config';
import { RegistryModule } from 'nest-service-registry';
import { RegistryHealthModule } from 'nest-service-registry/health';
import { RegistryController } from './registry.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [RegistryModule.forRootAsync({ useFactory: () => registryOptionsFromEnv(process.env) }), TerminusModule, RegistryHealthModule],
  controllers: [UsersController, RegistryController, HealthController],
})
export class ConsumerModule {}
