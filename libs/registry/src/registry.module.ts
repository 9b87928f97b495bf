import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { REGISTRY_OPTIONS } from './registry.constants.js';
import { ConfigurableRegistryModule, RAW_REGISTRY_OPTIONS } from './registry.module-definition.js';
import { RegistryBackend } from './backends/registry-backend.js';
import { RegistryHttpClient } from './http/registry-http-client.js';
import { DiscoveryClient } from './discovery/discovery-client.js';
import type { RegistryModuleOptions, ResolvedRegistryOptions } from './interfaces/registry-module-options.interface.js';
import { withDefaultBackend } from './options/default-backend.js';
import { resolveRegistryOptions } from './options/resolve-options.js';
import { RegistrationKeeper } from './registration/registration-keeper.js';
import { OwnKeysWatcher } from './registration/own-keys.watcher.js';
import { RegistrationOrchestrator } from './registration/registration.orchestrator.js';
import { RenewalJobs } from './registration/renewal-jobs.js';
import { RpcServiceExplorer } from './registration/rpc-service.explorer.js';
import { ServiceRegistry } from './registration/service-registry.js';
import { RegistryLifecycle } from './registry.lifecycle.js';
import { RegistryGauges } from './metrics/registry-gauges.js';
import { RegistryMetrics } from './metrics/registry-metrics.js';
import { HealthGateRunner } from './health-gate/health-gate.runner.js';
import { RegistryOutage } from './registry-outage.js';
import { ShutdownDrain } from './drain/shutdown-drain.js';

/** Resolves the module options, with the default etcd backend when none is given. */
async function resolveOptions(options: RegistryModuleOptions): Promise<ResolvedRegistryOptions> {
  return resolveRegistryOptions(await withDefaultBackend(options));
}

/** Creates the configured backend (no I/O: connections open on first use). */
function createBackend(options: ResolvedRegistryOptions): RegistryBackend {
  return options.backend.create({ requestTimeout: options.requestTimeout });
}

/**
 * Service registration and discovery.
 *
 * ```ts
 * @Module({
 *   imports: [ScheduleModule.forRoot(), RegistryModule.forRoot({ backend: etcd({ hosts: ['http://etcd:2379'] }) })],
 * })
 * export class AppModule {}
 * ```
 *
 * Registers every `@RpcService` class once the HTTP server listens, keeps them under one renewed
 * lease, deregisters them before the server stops, and provides `DiscoveryClient` and
 * `ServiceRegistry`. Needs `ScheduleModule.forRoot()` in the app when it registers anything.
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: REGISTRY_OPTIONS,
      useFactory: resolveOptions,
      inject: [RAW_REGISTRY_OPTIONS],
    },
    { provide: RegistryBackend, useFactory: createBackend, inject: [REGISTRY_OPTIONS] },
    RpcServiceExplorer,
    RenewalJobs,
    RegistrationKeeper,
    OwnKeysWatcher,
    ServiceRegistry,
    RegistrationOrchestrator,
    DiscoveryClient,
    RegistryHttpClient,
    RegistryLifecycle,
    RegistryOutage,
    RegistryMetrics,
    RegistryGauges,
    HealthGateRunner,
    ShutdownDrain,
  ],
  // ShutdownDrain: for the interceptor that @RpcService puts on each class, in the app's modules.
  exports: [REGISTRY_OPTIONS, RegistryBackend, ServiceRegistry, DiscoveryClient, RegistryHttpClient, RegistryMetrics, ShutdownDrain],
})
export class RegistryModule extends ConfigurableRegistryModule {}
