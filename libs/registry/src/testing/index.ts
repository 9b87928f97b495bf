// Test helpers for apps that use nest-service-registry (and for the library's own suites).
export { eventually, type EventuallyOptions } from './eventually.js';
