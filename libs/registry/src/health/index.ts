import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RegistryHealthIndicator } from './registry.health-indicator.js';

export { RegistryHealthIndicator } from './registry.health-indicator.js';

/**
 * Provides {@link RegistryHealthIndicator} (imports `TerminusModule`). Import it next to
 * `RegistryModule` and call `indicator.isHealthy('registry')` from a `HealthCheckService.check()`.
 * @publicApi
 */
@Module({
  imports: [TerminusModule],
  providers: [RegistryHealthIndicator],
  exports: [RegistryHealthIndicator],
})
export class RegistryHealthModule {}
