import type { INestApplication, LoggerService } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { RegistryModule, type RegistryModuleOptions } from 'nest-service-registry';
import { RegistryHealthIndicator, RegistryHealthModule } from 'nest-service-registry/health';
import { UsersFixture } from './apps.js';

/** A listening provider of `user-service` with the registry health indicator. */
export async function startProviderWithHealth(
  options: RegistryModuleOptions,
  logger: LoggerService | false = false,
): Promise<INestApplication> {
  @Module({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(options), TerminusModule, RegistryHealthModule],
    controllers: [UsersFixture],
  })
  class ProviderWithHealth {}
  const module = await Test.createTestingModule({ imports: [ProviderWithHealth] }).compile();
  const app = module.createNestApplication({ logger, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** The registry indicator's result of `app`: status and details. */
export async function registryHealth(
  app: INestApplication,
): Promise<{ status: string; lastError: string | null } & Record<string, unknown>> {
  const result = await app.get(RegistryHealthIndicator).isHealthy('registry');
  return result.registry as never;
}
