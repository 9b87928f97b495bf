import { MESSAGES } from '../registry.messages.js';
import { CallFailedError, CallOutcomeUnknownError, NoInstancesError, type CallAttempt } from '../errors/registry.error.js';
import type { ServiceInstance } from '../model/index.js';
import type { DiscoveryClient } from './discovery-client.js';
import type { ChooseOptions } from './discovery.interfaces.js';

/**
 * What both registry clients (the TCP `ClientProxy` and the HTTP client) share about the attempts
 * of one call: which instance to try next, how a failed attempt is recorded, and the error a
 * call ends with. @internal
 */

/** `host:port` of an instance, as attempts and messages name it. @internal */
export const addressOf = (instance: ServiceInstance): string => `${instance.serviceHost}:${instance.servicePort}`;

/** The record of one failed attempt. @internal */
export const attemptOf = (instance: ServiceInstance, error: unknown): CallAttempt => ({
  address: addressOf(instance),
  instanceId: instance.id,
  error,
});

/** The next instance of `service` to try, none of `tried` (instance ids); `undefined` when none is left. @internal */
export function chooseUntried(
  discovery: DiscoveryClient,
  service: string,
  options: ChooseOptions,
  tried: ReadonlySet<string>,
): ServiceInstance | undefined {
  try {
    return discovery.chooseSync(service, tried.size === 0 ? options : { ...options, exclude: tried }); // the first attempt allocates nothing
  } catch (error) {
    if (error instanceof NoInstancesError) return undefined;
    throw error;
  }
}

/**
 * The error a registry client ends a call with: `NoInstancesError` (service, version, protocol)
 * when no instance could be tried, otherwise `CallFailedError` listing every attempt. @internal
 */
export function callFailure(service: string, version: string, protocol: string, attempts: readonly CallAttempt[]): Error {
  if (attempts.length === 0) return new NoInstancesError(MESSAGES.noInstances(service, version, protocol), service, version);
  return new CallFailedError(MESSAGES.callFailed(service, attempts), service, attempts);
}

/** The error of a call that was sent to `instance` and then lost (`error`): it may have been processed. @internal */
export function unknownOutcome(service: string, instance: ServiceInstance, error: unknown): CallOutcomeUnknownError {
  const address = addressOf(instance);
  return new CallOutcomeUnknownError(MESSAGES.callOutcomeUnknown(service, address, error), service, address, instance.id, error);
}
