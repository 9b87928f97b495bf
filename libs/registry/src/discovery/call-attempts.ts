import { MESSAGES } from '../registry.messages.js';
import { noInstancesFor } from './selection.js';
import { CallFailedError, CallOutcomeUnknownError, NoInstancesError, type CallAttempt } from '../errors/registry.error.js';
import type { ServiceInstance } from '../model/index.js';
import type { DiscoveryClient } from './discovery-client.js';
import type { ChooseOptions } from './discovery.interfaces.js';

/**
 * What the registry clients share about the attempts of one call: which instance to try next, how
 * a failed attempt is recorded, the error a call ends with, and the failover loop of the promise
 * call paths (the HTTP client, the TCP client's `emit`). The TCP client's request/response path
 * keeps its own callback loop (`microservices/failover-request.ts`): Nest's `ClientProxy.publish`
 * is callback-based and must hand back a teardown while an attempt is in flight, and a reply may
 * come in several packets; it uses the same pieces below. @internal
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
 * The error a registry client ends a call with: `NoInstancesError` (service, version, protocol,
 * forced tag) when no instance could be tried, otherwise `CallFailedError` listing every attempt. @internal
 */
export function callFailure(service: string, choice: ChooseOptions, attempts: readonly CallAttempt[]): Error {
  if (attempts.length === 0) return noInstancesFor(service, choice);
  return new CallFailedError(MESSAGES.callFailed(service, attempts), service, attempts);
}

/** The error of a call that was sent to `instance` and then lost (`error`): it may have been processed. @internal */
export function unknownOutcome(service: string, instance: ServiceInstance, error: unknown): CallOutcomeUnknownError {
  const address = addressOf(instance);
  return new CallOutcomeUnknownError(MESSAGES.callOutcomeUnknown(service, address, error), service, address, instance.id, error);
}

/** An attempt failed at the transport level: record it and try another instance, or end with `end`. @internal */
export class AttemptFailed extends Error {
  constructor(
    readonly reason: unknown,
    /** Ends the call with this error (after recording the attempt) instead of trying another instance. */
    readonly end?: Error,
  ) {
    super('attempt failed', { cause: reason });
  }
}

/** What one {@link failover} call needs. @internal */
export interface FailoverCall<T> {
  readonly retries: number;
  /** The next instance to try, none of `tried`. */
  choose(tried: ReadonlySet<string>): ServiceInstance | undefined;
  /** One attempt: its result, an {@link AttemptFailed}, or any other error (the call ends with it). */
  attempt(instance: ServiceInstance): Promise<T>;
  /** An attempt on `instance` failed: keep it out of choice for a while. */
  failed(instance: ServiceInstance): void;
  /** The error to end with when no instance is left: no instance at all, or every attempt failed. */
  failure(attempts: readonly CallAttempt[]): Error;
}

/**
 * Tries `call.attempt` on one instance after another, never the same twice, until one succeeds,
 * `retries` other instances were tried, or an attempt ends the call. Failed attempts are pushed
 * onto `attempts` (the caller's, for metrics). @internal
 */
export async function failover<T>(call: FailoverCall<T>, attempts: CallAttempt[] = []): Promise<T> {
  const tried = new Set<string>();
  for (;;) {
    const instance = call.choose(tried);
    if (!instance) throw call.failure(attempts);
    tried.add(instance.id);
    try {
      return await call.attempt(instance);
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      call.failed(instance);
      attempts.push(attemptOf(instance, error.reason));
      if (error.end) throw error.end;
      if (attempts.length > call.retries) throw call.failure(attempts);
    }
  }
}
