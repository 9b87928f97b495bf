import { InvalidServiceError } from '../errors/registry.error.js';
import { MESSAGES } from '../registry.messages.js';
import {
  CHECK_BOUNDS,
  CHECK_TYPES,
  createServiceInstance,
  instanceKey,
  validateInstance,
  type CheckType,
  type InstanceCheck,
  type ServiceInstance,
  type ServiceInstanceInit,
} from '../model/index.js';

/**
 * How the checker probes a permanent instance. Every setting but `type` has a default.
 * @publicApi
 */
export interface CheckSpec {
  /** `http`: GET `path`, 2xx passes. `tcp`: a connection opens. `grpc`: `grpc.health.v1.Health/Check` answers `SERVING`. */
  readonly type: CheckType;
  /** `http`: the path (default `/`). `grpc`: the service asked about (default `''`, the whole server). */
  readonly path?: string;
  /** Milliseconds between probes, 100..3600000. Default 5000. */
  readonly interval?: number;
  /** Milliseconds a probe may take, 10..600000 and at most `interval`. Default: 2000, or `interval` when smaller. */
  readonly timeout?: number;
  /** Consecutive failures that mark it `DOWN`, 1..100. Default 3. */
  readonly failureThreshold?: number;
  /** Consecutive passes that mark it `UP`, 1..100. Default 1. */
  readonly successThreshold?: number;
  /** Milliseconds of continuous `DOWN` after which the checker deregisters it (≥ 1000), or `null` (default): never. */
  readonly deregisterAfter?: number | null;
}

/** What `registerPermanent` takes besides the instance. @publicApi */
export interface PermanentOptions {
  /** The health check the leader-elected checker runs; without one the instance is never checked. */
  readonly check?: CheckSpec;
}

/** Check defaults, milliseconds and counts. @internal */
export const CHECK_DEFAULTS = { interval: 5_000, timeout: 2_000, failureThreshold: 3, successThreshold: 1 } as const;

function invalid(setting: string, value: unknown, rule: string): never {
  throw new InvalidServiceError(MESSAGES.invalidOption(`check.${setting}`, value, rule));
}

function bounded(setting: keyof typeof CHECK_BOUNDS, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const [min, max] = CHECK_BOUNDS[setting];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    invalid(setting, value, `an integer in ${min}..${max}`);
  return value;
}

/** The stored check of `spec`, defaults filled in; throws an `InvalidServiceError` naming the setting and its rule. @internal */
export function resolveCheck(spec: CheckSpec): InstanceCheck {
  if (typeof spec !== 'object' || spec === null) invalid('type', spec, 'an object with a type');
  if (!CHECK_TYPES.includes(spec.type)) invalid('type', spec.type, CHECK_TYPES.join(' | '));
  const path = spec.path ?? (spec.type === 'http' ? '/' : '');
  if (typeof path !== 'string' || (spec.type === 'http' && !path.startsWith('/')) || (spec.type === 'tcp' && path !== '')) {
    invalid(
      'path',
      spec.path,
      spec.type === 'http' ? 'a path starting with "/"' : spec.type === 'tcp' ? 'absent for a tcp check' : 'a service name',
    );
  }
  const interval = bounded('interval', spec.interval, CHECK_DEFAULTS.interval);
  const timeout = bounded('timeout', spec.timeout, Math.min(CHECK_DEFAULTS.timeout, interval));
  if (timeout > interval) invalid('timeout', timeout, `at most the interval (${interval} ms)`);
  const deregisterAfter = spec.deregisterAfter === null ? null : bounded('deregisterAfter', spec.deregisterAfter, -1);
  return Object.freeze({
    type: spec.type,
    path,
    interval,
    timeout,
    failureThreshold: bounded('failureThreshold', spec.failureThreshold, CHECK_DEFAULTS.failureThreshold),
    successThreshold: bounded('successThreshold', spec.successThreshold, CHECK_DEFAULTS.successThreshold),
    deregisterAfter: deregisterAfter === -1 ? null : deregisterAfter,
    last: null,
  });
}

/**
 * The key and value of a permanent instance: `"ephemeral": false`, its check, and status
 * `STARTING` until the checker's first verdict when it has a check (`UP` without one), unless
 * `init` names a status. Validated like every registration. @internal
 */
export function planPermanent(
  namespace: string,
  init: ServiceInstanceInit,
  options: PermanentOptions = {},
): { key: string; instance: ServiceInstance } {
  const check = options.check === undefined ? null : resolveCheck(options.check);
  const instance = createServiceInstance({ ...init, ephemeral: false, check, status: init.status ?? (check ? 'STARTING' : 'UP') });
  const problem = validateInstance(instance);
  if (problem) throw new InvalidServiceError(problem);
  return { key: instanceKey(namespace, instance), instance };
}
