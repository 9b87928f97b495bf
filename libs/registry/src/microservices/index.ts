/**
 * `nest-service-registry/microservices`: registering an app's Nest microservice servers, and the
 * discovery-backed `ClientProxy`. Needs `@nestjs/microservices` only in the app itself.
 * @packageDocumentation
 */
export { registerMicroservices, type RegisterMicroservicesOptions } from './register-microservices.js';
export { RegistryClientsModule, type RegistryClientAsyncOptions } from './registry-clients.module.js';
export { RegistryClientProxy } from './registry-client-proxy.js';
export type { PatternMatcher, RegistryClientOptions } from './registry-client.options.js';
export { CallFailedError, CallOutcomeUnknownError, type CallAttempt } from '../errors/registry.error.js';
