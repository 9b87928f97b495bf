// Public API of nest-service-registry (core): what an app writes, and the types of those
// signatures. Backends, clients and tools live behind subpath entry points (`/etcd`, `/redis`,
// `/zookeeper`, `/microservices`, `/grpc`, `/health`, `/dashboard`, `/testing`, `/backend-kit`)
// so their libraries load only when used. test/packaging/api-report.e2e-spec.ts lists every
// entry point's exports and fails on an unreviewed change.
export { RegistryModule } from './registry.module.js';
export type { RegistryModuleOptions } from './interfaces/registry-module-options.interface.js';
export type { HealthGateOptions } from './health-gate/health-gate.options.js';
export { RpcService, type RpcServiceOptions } from './decorators/rpc-service.decorator.js';
export { ServiceRegistry, type RegistrationInit } from './registration/service-registry.js';
export type { Registration, RegistrationStatus } from './registration/registration-state.js';
export { DiscoveryClient } from './discovery/discovery-client.js';
export { createDiscoveryClient } from './discovery/create-discovery-client.js';
export type { CachedServiceStatus, ChooseOptions, InstanceQuery, ServiceSummary } from './discovery/discovery.interfaces.js';
export type { DiscoveryEvent } from './discovery/discovery-event.js';
export type { LoadBalancingStrategy } from './discovery/load-balancer.js';
export type { TrackedCall } from './discovery/load-tracker.js';
export type { InstanceAddress, InstanceStatus, ServiceInstance } from './model/index.js';
export { RegistryHttpClient, type HttpCallOptions } from './http/registry-http-client.js';
export { RegistryExceptionFilter } from './http/registry-exception.filter.js';
export type { RegistryErrorBody } from './http/registry-error-response.js';
export { memory, MemoryRegistryStore, type MemoryBackendOptions } from './backends/memory/index.js';
export * from './errors/index.js';
