/**
 * `nest-service-registry/backend-kit`: what writing a `RegistryBackend` of your own takes. The
 * contract, the instance model's wire codec and key layout (what every backend stores), the
 * memory backend as a worked example, and the conformance suite every backend (ours included)
 * passes against its real server. Apps never need it.
 * @packageDocumentation
 */
export {
  RegistryBackend,
  type BackendContext,
  type BackendEntry,
  type Candidacy,
  type FencedWrite,
  type ListResult,
  type RegistryBackendFactory,
  type RegistryLease,
  type ResyncReason,
  type WatchEvent,
  type WatchListener,
  type WatchSubscription,
} from '../backends/registry-backend.js';
export { MemoryBackend } from '../backends/memory/index.js';
export {
  createServiceInstance,
  decodeInstance,
  encodeInstance,
  instanceKey,
  namespacePrefix,
  serviceKey,
  servicePrefix,
  validateInstance,
  FIELD_RULES,
  INSTANCE_FIELDS,
  INSTANCE_STATUSES,
  MAX_INSTANCE_BYTES,
  type DecodeResult,
  type FieldRule,
  type InstanceField,
  type ServiceInstanceInit,
} from '../model/index.js';
export { backendConformanceSuite, type ConformanceHarness, type ConformanceTestApi } from './conformance/index.js';
