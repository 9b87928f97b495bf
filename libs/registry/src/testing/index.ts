// Test helpers for apps that use nest-service-registry, and the conformance suite that every
// RegistryBackend (ours and third-party ones) passes.
export { eventually, type EventuallyOptions } from './eventually.js';
export { backendConformanceSuite, type ConformanceHarness, type ConformanceTestApi } from './conformance/index.js';
export { RegistryTestingModule, type RegistryTestingOptions } from './registry-testing.module.js';
export { TestRegistry, type TestInstanceInit } from './test-registry.js';
