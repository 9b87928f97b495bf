import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { InvalidServiceError, RegistryError, RegistryOptionsError } from '../errors/registry.error.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { withTimeout } from '../util/with-timeout.js';
import { RegistrationKeeper } from './registration-keeper.js';
import { OwnKeysWatcher } from './own-keys.watcher.js';
import { RenewalJobs } from './renewal-jobs.js';
import { ShutdownDrain } from '../drain/shutdown-drain.js';
import type { Registration } from './registration-state.js';
import { RpcServiceExplorer, type RpcServiceDefinition } from './rpc-service.explorer.js';
import type { Endpoint } from './served-endpoints.js';
import { ServiceRegistry } from './service-registry.js';

/**
 * Registers the explored `@RpcService` classes once the app can serve, and deregisters them
 * first thing at shutdown.
 *
 * - `onApplicationBootstrap`: waits for the HTTP server to listen (`HttpAdapterHost.listen$`),
 *   then registers the HTTP-served classes with the port it bound. Apps without an HTTP server
 *   register them at once on the `port` option.
 * - {@link registerMicroservice}: registers the classes served by a Nest microservice server once
 *   it listens (called by `registerMicroservices(app)` from `nest-service-registry/microservices`).
 * - `onModuleDestroy` (the first shutdown hook, before the servers close): revokes the lease so
 *   every key disappears, bounded by `shutdownTimeout`, then drains ({@link ShutdownDrain}):
 *   `drainDelay` for consumers to see the removal, the listeners stop accepting, and the work in
 *   flight on every transport finishes, bounded by `shutdownTimeout`.
 * @internal
 */
@Injectable()
export class RegistrationOrchestrator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RegistrationOrchestrator.name);
  private pending: Promise<void> = Promise.resolve();
  /** Until the app's HTTP server listens: resolves then, or at shutdown. */
  private httpListening: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private closing = false;

  constructor(
    private readonly explorer: RpcServiceExplorer,
    private readonly registry: ServiceRegistry,
    private readonly keeper: RegistrationKeeper,
    private readonly ownKeys: OwnKeysWatcher,
    private readonly backend: RegistryBackend,
    private readonly jobs: RenewalJobs,
    private readonly drain: ShutdownDrain,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (this.explorer.definitions.length === 0) return;
    this.jobs.require(); // fails bootstrap with "import ScheduleModule.forRoot()" when it is missing
    const definitions = this.served('http');
    const adapter = this.adapterHost?.httpAdapter;
    const unhosted = this.explorer.definitions.filter((d) => d.unhosted);
    // With an HTTP server, such a class would be advertised on a port where nothing of it answers.
    if (adapter && unhosted.length > 0) throw new InvalidServiceError(MESSAGES.unhostedRpcService(unhosted.map((d) => d.className)));
    if (!adapter) {
      if (definitions.length === 0) return; // a standalone microservice: registerMicroservices(app) does it
      if (this.options.port === undefined) {
        throw new RegistryOptionsError(MESSAGES.noPortForRegistration(definitions.map((d) => d.serviceName)), 'port', undefined);
      }
      this.start(definitions, this.options.port);
      return;
    }
    // Everything waits for the HTTP server to listen: its classes need the port it bound, and a
    // hybrid app's microservices wait too, so a server that fails to listen leaves no key.
    if (!this.adapterHost.listening) {
      this.httpListening = new Promise((resolve) => (this.openGate = resolve));
      this.adapterHost.listen$.subscribe({
        complete: () => {
          this.httpListening = undefined;
          this.openGate?.();
        },
      });
    }
    // Grant the lease now (invisible: no key hangs off it yet), so registering once the server
    // listens costs one write.
    this.keeper.prepare();
    if (definitions.length === 0) return;
    const onListening = (): void => {
      if (this.closing) return; // the app closed before it listened
      if (process.listenerCount('SIGTERM') === 0) this.logger.warn(MESSAGES.noShutdownHooks());
      const address = (adapter.getHttpServer() as Server).address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      const port = this.options.port ?? bound;
      if (port === undefined) {
        this.logger.error(MESSAGES.noPortForRegistration(definitions.map((d) => d.serviceName)));
        return;
      }
      this.start(definitions, port);
    };
    if (this.httpListening) void this.httpListening.then(onListening);
    else onListening();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.openGate?.(); // registrations still waiting for the HTTP server are dropped
    const registered = this.registry.registrations().length > 0;
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
    const { tookMs, inFlightAtStop, cutOff } = await this.drain.run(registered);
    if (cutOff > 0) this.logger.warn(MESSAGES.drainCutOff(cutOff, this.options.shutdownTimeout));
    else if (registered) this.logger.log(MESSAGES.drained(tookMs, inFlightAtStop));
  }

  /**
   * Registers the classes served by a Nest microservice server listening on `port`, advertised
   * with `protocol` (its transport: `grpc` for a gRPC server, which serves the `@GrpcMethod`
   * classes; e.g. `tcp` for the others). Resolves with their registrations. In a hybrid app whose
   * HTTP server does not listen yet, nothing is written until it does (a server that fails to
   * listen leaves no key behind): resolves at once with them unconfirmed.
   */
  async registerMicroservice(port: number, protocol: string): Promise<readonly Registration[]> {
    const definitions = this.served('microservice').filter((d) => d.grpc === (protocol === 'grpc'));
    if (definitions.length > 0) this.jobs.require();
    const inits = definitions.map((d) => ({ ...this.fields(d), servicePort: port, protocol }));
    const planned = inits.map((init) => this.registry.plan(init)); // invalid input fails here, before anything is written
    const write = () => (this.closing ? [] : Promise.all(inits.map((init) => this.registry.register(init))));
    const registered = this.httpListening ? this.httpListening.then(write) : write();
    this.pending = Promise.all([this.pending, Promise.resolve(registered).catch(() => undefined)]).then(() => undefined);
    return this.httpListening ? planned : registered;
  }

  private served(endpoint: Endpoint): readonly RpcServiceDefinition[] {
    return this.explorer.definitions.filter((d) => d.endpoints.includes(endpoint));
  }

  private fields(d: RpcServiceDefinition) {
    const { serviceName, serviceVersion, serviceGroup, weight, zone, metadata } = d;
    return { serviceName, serviceVersion, serviceGroup, weight, zone, metadata };
  }

  private start(definitions: readonly RpcServiceDefinition[], port: number): void {
    if (this.options.hostIsFallback) this.logger.warn(MESSAGES.noHostAddress());
    this.pending = Promise.all(
      definitions.map((d) => this.registry.register({ ...this.fields(d), servicePort: port, protocol: d.protocol })),
    ).then(
      () => undefined,
      (error: unknown) => this.logger.error(MESSAGES.registrationFailed(error)),
    );
  }
}
