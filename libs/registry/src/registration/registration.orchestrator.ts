import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { RegistryError } from '../errors/registry.error.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { delay, withTimeout } from '../util/with-timeout.js';
import { LeaseKeeper } from './lease-keeper.js';
import { OwnKeysWatcher } from './own-keys.watcher.js';
import { RenewalJobs } from './renewal-jobs.js';
import { RpcServiceExplorer } from './rpc-service.explorer.js';
import { ServiceRegistry } from './service-registry.js';

/**
 * Registers the explored `@RpcService` classes once the app can serve, and deregisters them
 * first thing at shutdown.
 *
 * - `onApplicationBootstrap`: waits for the HTTP server to listen (`HttpAdapterHost.listen$`),
 *   then registers with the port it bound. Apps without an HTTP server register at once on the
 *   `port` option.
 * - `onModuleDestroy` (the first shutdown hook, before the HTTP server closes): revokes the lease
 *   so every key disappears, bounded by `shutdownTimeout`, then waits `drainDelay`.
 * @internal
 */
@Injectable()
export class RegistrationOrchestrator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RegistrationOrchestrator.name);
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly explorer: RpcServiceExplorer,
    private readonly registry: ServiceRegistry,
    private readonly keeper: LeaseKeeper,
    private readonly ownKeys: OwnKeysWatcher,
    private readonly backend: RegistryBackend,
    private readonly jobs: RenewalJobs,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const definitions = this.explorer.definitions;
    if (definitions.length === 0) return;
    this.jobs.require(); // fails bootstrap with "import ScheduleModule.forRoot()" when it is missing
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter) {
      if (this.options.port === undefined) {
        throw new RegistryError(MESSAGES.noPortForRegistration(definitions.map((d) => d.serviceName)), 'INVALID_OPTIONS');
      }
      this.start(this.options.port);
      return;
    }
    // Grant the lease now (invisible: no key hangs off it yet), so registering once the server
    // listens costs one write.
    this.keeper.prepare();
    const onListening = (): void => {
      if (process.listenerCount('SIGTERM') === 0) this.logger.warn(MESSAGES.noShutdownHooks());
      const address = (adapter.getHttpServer() as Server).address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      const port = this.options.port ?? bound;
      if (port === undefined) {
        this.logger.error(MESSAGES.noPortForRegistration(definitions.map((d) => d.serviceName)));
        return;
      }
      this.start(port);
    };
    if (this.adapterHost.listening) onListening();
    else this.adapterHost.listen$.subscribe({ complete: onListening });
  }

  async onModuleDestroy(): Promise<void> {
    try {
      await withTimeout(
        // The revoke goes out first; cancelling the own-keys watch must not delay it.
        this.pending.then(() => Promise.all([this.keeper.close(), this.ownKeys.close()])),
        this.options.shutdownTimeout,
        'deregistration',
      );
    } catch (error) {
      this.keeper.stopJobs();
      this.logger.warn(
        error instanceof RegistryError && error.code === 'TIMEOUT'
          ? MESSAGES.deregistrationTimedOut(this.options.shutdownTimeout)
          : MESSAGES.deregistrationFailed(this.backend.endpoints, error),
      );
    }
    if (this.options.drainDelay > 0) await delay(this.options.drainDelay);
  }

  private start(port: number): void {
    const definitions = this.explorer.definitions;
    if (this.options.hostIsFallback) this.logger.warn(MESSAGES.noHostAddress());
    this.pending = Promise.all(
      definitions.map((d) =>
        this.registry.register({
          serviceName: d.serviceName,
          serviceVersion: d.serviceVersion,
          serviceGroup: d.serviceGroup,
          servicePort: port,
          weight: d.weight,
          zone: d.zone,
          metadata: d.metadata,
          protocol: d.protocol,
        }),
      ),
    ).then(
      () => undefined,
      (error: unknown) => this.logger.error(MESSAGES.registrationFailed(error)),
    );
  }
}
