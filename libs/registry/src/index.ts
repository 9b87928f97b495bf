// Public API of nest-service-registry (core). Backends and health live behind subpath entry
// points (`nest-service-registry/etcd`, `/redis`, `/zookeeper`, `/health`, `/testing`) so their
// client libraries load only when used.
export { RegistryModule } from './registry.module.js';
export { REGISTRY_OPTIONS_TYPE, REGISTRY_ASYNC_OPTIONS_TYPE } from './registry.module-definition.js';
export { REGISTRY_OPTIONS, DEFAULTS } from './registry.constants.js';
export type { RegistryModuleOptions, ResolvedRegistryOptions } from './interfaces/registry-module-options.interface.js';
export { resolveRegistryOptions } from './options/resolve-options.js';
export { RpcService, type RpcServiceOptions } from './decorators/rpc-service.decorator.js';
export { ServiceRegistry, type RegistrationInit } from './registration/service-registry.js';
export type { LeaseState, Registration, RegistrationStatus } from './registration/registration-state.js';
export { DiscoveryClient } from './discovery/discovery-client.js';
export { createDiscoveryClient } from './discovery/create-discovery-client.js';
export { RegistryHttpClient, type HttpCallOptions } from './http/registry-http-client.js';
export { RegistryExceptionFilter } from './http/registry-exception.filter.js';
export type { RegistryErrorBody } from './http/registry-error-response.js';
export type { CachedServiceStatus, ChooseOptions, InstanceQuery, ServiceSummary } from './discovery/discovery.interfaces.js';
export type { DiscoveryEvent, EjectedEvent, InstanceEvent, ResyncedEvent, StaleEvent } from './discovery/discovery-event.js';
export { STRATEGIES, type LoadBalancingStrategy } from './discovery/load-balancer.js';
export type { TrackedCall } from './discovery/load-tracker.js';
export {
  createServiceInstance,
  decodeInstance,
  encodeInstance,
  instanceKey,
  servicePrefix,
  namespacePrefix,
  serviceKey,
  validateInstance,
  FIELD_RULES,
  INSTANCE_FIELDS,
  INSTANCE_STATUSES,
  MAX_INSTANCE_BYTES,
  type DecodeResult,
  type FieldRule,
  type InstanceAddress,
  type InstanceField,
  type InstanceStatus,
  type ServiceInstance,
  type ServiceInstanceInit,
} from './model/index.js';
export {
  RegistryBackend,
  type BackendContext,
  type BackendEntry,
  type ListResult,
  type RegistryBackendFactory,
  type RegistryLease,
  type WatchEvent,
  type WatchListener,
  type WatchSubscription,
} from './backends/registry-backend.js';
export { memory, MemoryBackend, MemoryRegistryStore, type MemoryBackendOptions } from './backends/memory/index.js';
export * from './errors/index.js';
export {
  RegistryMetrics,
  type ClientOutcome,
  type RenewalOutcome,
  type RepairReason,
  type ResyncReason,
} from './metrics/registry-metrics.js';
export type { HealthGateOptions, ResolvedHealthGate } from './health-gate/health-gate.options.js';
