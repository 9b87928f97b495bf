import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { MESSAGES } from '../registry.messages.js';
import { RegistryOptionsError } from '../errors/registry.error.js';
import type { Registration } from '../registration/registration-state.js';
import { RegistrationOrchestrator } from '../registration/registration.orchestrator.js';
import { ShutdownDrain } from '../drain/shutdown-drain.js';
import { boundEndpoint, probe } from './bound-endpoint.js';

/** What `registerMicroservices(app, options)` takes. @publicApi */
export interface RegisterMicroservicesOptions {
  /**
   * The port the app's gRPC server listens on (the port of its `url`). Required when the app has
   * a gRPC server: Nest does not expose the port a gRPC server bound, so it cannot be port 0.
   */
  grpcPort?: number;
}

/**
 * Registers the `@RpcService` classes served by the app's Nest microservice servers (classes with
 * `@MessagePattern` / `@EventPattern` handlers, or `transport: 'microservice' | 'both'`), each
 * with the endpoint its server bound (port 0 included) and `"protocol": "tcp"`, on the process's
 * one lease. Classes with `@GrpcMethod` handlers are registered on the gRPC server's `grpcPort`
 * with `"protocol": "grpc"`, once a connection to it succeeds. Call it once the servers listen: nothing is advertised before.
 * A hybrid app advertises nothing before every server of it listens: called before `app.listen()`,
 * it resolves with the registrations unconfirmed and writes them once the HTTP server has bound
 * its port (a server that fails to listen leaves no key). Deregistration is the
 * module's, at shutdown, before the servers close (for a standalone microservice, through
 * `enableShutdownHooks()` and a signal: its `close()` stops the server before running hooks).
 * At shutdown, after `drainDelay`, the TCP servers stop accepting and the `@RpcService` handlers
 * still running finish (bounded by `shutdownTimeout`) before Nest closes the servers.
 *
 * ```ts
 * app.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { port: 0 } });
 * await app.startAllMicroservices();
 * await registerMicroservices(app);
 * await app.listen(0);
 * // with a gRPC server too (url '0.0.0.0:50051': an explicit port), instead:
 * // await registerMicroservices(app, { grpcPort: 50051 });
 * ```
 * Needs `@nestjs/microservices` only in the app itself: this entry point never loads it.
 * @publicApi
 */
export async function registerMicroservices(
  app: INestApplication | INestMicroservice,
  options: RegisterMicroservicesOptions = {},
): Promise<readonly Registration[]> {
  // Nest's documented hybrid order starts the microservices before listen() initialises the
  // app; the @RpcService classes are explored at init, so make sure it ran (init is idempotent).
  if ('getMicroservices' in app) await app.init();
  const servers = 'getMicroservices' in app ? app.getMicroservices() : [app];
  const endpoints = servers.map((server) => boundEndpoint(server, options.grpcPort)).filter((e) => e !== undefined);
  if (endpoints.length === 0) throw new RegistryOptionsError(MESSAGES.noMicroserviceEndpoint(servers.length), 'app', 'no server');
  const orchestrator = app.get(RegistrationOrchestrator, { strict: false });
  const { host } = app.get<symbol, ResolvedRegistryOptions>(REGISTRY_OPTIONS, { strict: false });
  for (const { port, protocol } of endpoints) if (protocol === 'grpc') await probe(host, port);
  // At shutdown, after the drain wait, the TCP listeners stop accepting while their calls in flight finish.
  const drain = app.get(ShutdownDrain, { strict: false });
  for (const { listener } of endpoints) if (listener) drain.addListener(() => listener.close());
  const registrations: Registration[] = [];
  for (const { port, protocol } of endpoints) registrations.push(...(await orchestrator.registerMicroservice(port, protocol)));
  return Object.freeze(registrations);
}
