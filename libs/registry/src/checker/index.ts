/**
 * `nest-service-registry/checker`: the leader-elected health checker of permanent instances, and
 * the types of their checks (`ServiceRegistry.registerPermanent(instance, { check })`).
 * @packageDocumentation
 */
export { RegistryCheckerModule } from './registry-checker.module.js';
export { RegistryChecker } from './registry-checker.js';
export type { RegistryCheckerOptions } from './checker.options.js';
export type { CheckSpec, PermanentOptions } from '../registration/permanent-instance.js';
export type { CheckResult, CheckType, InstanceCheck } from '../model/instance-check.js';
