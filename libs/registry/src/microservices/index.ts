import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { Server } from 'node:net';
import { MESSAGES } from '../registry.messages.js';
import { RegistryError } from '../errors/registry.error.js';
import type { Registration } from '../registration/registration-state.js';
import { RegistrationOrchestrator } from '../registration/registration.orchestrator.js';

export { RegistryClientsModule, type RegistryClientAsyncOptions } from './registry-clients.module.js';
export { RegistryClientProxy } from './registry-client-proxy.js';
export type { PatternMatcher, RegistryClientOptions } from './registry-client.options.js';
export { CallFailedError, type CallAttempt } from '../errors/registry.error.js';

/**
 * The endpoint a listening Nest microservice server bound, or `undefined` when its transport has
 * none to advertise (a broker client). Throws when the server is not listening yet.
 */
function boundEndpoint(server: INestMicroservice): { port: number; protocol: string } | undefined {
  let inner: unknown;
  try {
    inner = server.unwrap<unknown>();
  } catch (error) {
    throw new RegistryError(MESSAGES.microserviceNotListening(error), 'INVALID_OPTIONS', { cause: error });
  }
  if (!(inner instanceof Server)) return undefined;
  const address = inner.address();
  if (address === null || typeof address !== 'object')
    throw new RegistryError(MESSAGES.microserviceNotListening('no address'), 'INVALID_OPTIONS');
  return { port: address.port, protocol: 'tcp' };
}

/**
 * Registers the `@RpcService` classes served by the app's Nest microservice servers (classes with
 * `@MessagePattern` / `@EventPattern` handlers, or `transport: 'microservice' | 'both'`), each
 * with the endpoint its server bound (port 0 included) and `"protocol": "tcp"`, on the process's
 * one lease. Call it once the servers listen: nothing is advertised before. Deregistration is the
 * module's, at shutdown, before the servers close (for a standalone microservice, through
 * `enableShutdownHooks()` and a signal: its `close()` stops the server before running hooks).
 *
 * ```ts
 * app.connectMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { port: 0 } });
 * await app.startAllMicroservices();
 * await registerMicroservices(app);
 * await app.listen(0);
 * ```
 * Needs `@nestjs/microservices` only in the app itself: this entry point never loads it.
 * @publicApi
 */
export async function registerMicroservices(app: INestApplication | INestMicroservice): Promise<readonly Registration[]> {
  // Nest's documented hybrid order starts the microservices before listen() initialises the
  // app; the @RpcService classes are explored at init, so make sure it ran (init is idempotent).
  if ('getMicroservices' in app) await app.init();
  const servers = 'getMicroservices' in app ? app.getMicroservices() : [app];
  const endpoints = servers.map(boundEndpoint).filter((e) => e !== undefined);
  if (endpoints.length === 0) throw new RegistryError(MESSAGES.noMicroserviceEndpoint(servers.length), 'INVALID_OPTIONS');
  const orchestrator = app.get(RegistrationOrchestrator, { strict: false });
  const registrations: Registration[] = [];
  for (const { port, protocol } of endpoints) registrations.push(...(await orchestrator.registerMicroservice(port, protocol)));
  return Object.freeze(registrations);
}
