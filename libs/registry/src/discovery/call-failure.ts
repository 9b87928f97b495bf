import { MESSAGES } from '../registry.messages.js';
import { CallFailedError, NoInstancesError, type CallAttempt } from '../errors/registry.error.js';

/**
 * The error a registry client ends a call with: `NoInstancesError` (service, version, protocol)
 * when no instance could be tried, otherwise `CallFailedError` listing every attempt. Shared by
 * the TCP `ClientProxy` and the HTTP client. @internal
 */
export function callFailure(service: string, version: string, protocol: string, attempts: readonly CallAttempt[]): Error {
  if (attempts.length === 0) return new NoInstancesError(MESSAGES.noInstances(service, version, protocol), service, version);
  return new CallFailedError(MESSAGES.callFailed(service, attempts), service, attempts);
}
