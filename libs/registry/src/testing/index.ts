// Test helpers for apps that use nest-service-registry (the backend conformance suite is in
// `nest-service-registry/backend-kit`).
export { eventually, type EventuallyOptions } from './eventually.js';
export { RegistryTestingModule, type RegistryTestingOptions } from './registry-testing.module.js';
export { TestRegistry, type TestInstanceInit } from './test-registry.js';
