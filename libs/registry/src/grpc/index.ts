/**
 * `nest-service-registry/grpc`: gRPC clients resolved through the registry (a grpc-js name
 * resolver fed by `DiscoveryClient.watch`, balanced by gRPC's own `round_robin`). Needs
 * `@grpc/grpc-js` ≥ 1.14 in the app.
 * @packageDocumentation
 */
export { RegistryGrpcModule, type RegistryGrpcOptions } from './registry-grpc.module.js';
export {
  registryChannelOptions,
  type GrpcRetryOptions,
  type RegistryChannelOptions,
  type RegistryChannelOptionsInit,
} from './channel-options.js';
export { REGISTRY_GRPC_SCHEME, registryTarget, type RegistryTargetService } from './grpc-target.js';
