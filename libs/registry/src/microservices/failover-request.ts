import type { ReadPacket, WritePacket } from '@nestjs/microservices';
import { MESSAGES as NEST_MESSAGES } from '@nestjs/core/internal';
import type { CallAttempt } from '../errors/registry.error.js';
import { attemptOf } from '../discovery/call-attempts.js';
import type { ServiceInstance } from '../model/index.js';
import type { TrackedCall } from '../discovery/load-tracker.js';
import type { InstanceConnection } from './tcp-connection-pool.js';

/** What a {@link failoverRequest} needs from its client. @internal */
export interface FailoverHost {
  readonly retries: number;
  /** Whether `pattern` may run twice (a delivered call lost with its connection is retried). */
  idempotent(pattern: unknown): boolean;
  /** The next instance to try, none of `tried`; `undefined` when there is none. */
  choose(tried: ReadonlySet<string>): ServiceInstance | undefined;
  track(instance: ServiceInstance): TrackedCall;
  connect(instance: ServiceInstance): Promise<InstanceConnection>;
  /** The instance's connection when it is connected now, else `undefined`. */
  ready(instance: ServiceInstance): InstanceConnection | undefined;
  /** The instance failed at the transport level: eject it and close its connection. */
  eject(instance: ServiceInstance): void;
  /** The error to end with: no instance at all, or every attempt failed. */
  failure(attempts: readonly CallAttempt[]): Error;
  /** The error of a call written to `instance` whose connection was then lost (`error`), not sent again. */
  unknownOutcome(instance: ServiceInstance, error: unknown): Error;
}

/** Whether `error` is how Nest's TCP client fails the calls in flight when their connection closes. */
const isConnectionLoss = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { message?: unknown }).message === 'Connection closed';

const NONE_TRIED: ReadonlySet<string> = new Set();

/** Whether an error reply is Nest's answer to an unhandled exception in the handler (the 500 of its TCP transport). @internal */
export function isServerFault(error: unknown): boolean {
  const reply = error as { status?: unknown; message?: unknown } | null;
  return (
    typeof reply === 'object' && reply !== null && reply.status === 'error' && reply.message === NEST_MESSAGES.UNKNOWN_EXCEPTION_MESSAGE
  );
}

/**
 * Sends one request with failover. A call that was never delivered (no connection within the
 * connect timeout, connection refused, socket gone before the write) is retried on another
 * instance, never the same one twice, up to `retries` times; so is a delivered call lost with its
 * connection, when its pattern is idempotent; when it is not, the call ends with the host's
 * `unknownOutcome` error (it may have been processed). Each such instance is ejected. An error
 * the instance answered with is the caller's, not retried. Every attempt feeds `track()`. `callback`
 * also gets how many attempts had failed before this reply. Returns the teardown (the caller
 * unsubscribed, e.g. RxJS `timeout`). @internal
 */
export function failoverRequest(
  host: FailoverHost,
  packet: ReadPacket,
  callback: (packet: WritePacket, failedAttempts: number) => void,
): () => void {
  const attempts: CallAttempt[] = [];
  let teardown: (() => void) | undefined;
  let cancelled = false;
  let sent = 0; // attempts whose request was handed to a connection

  const fail = (instance: ServiceInstance, tracked: TrackedCall, error: unknown): void => {
    tracked.failed();
    host.eject(instance);
    attempts.push(attemptOf(instance, error));
    if (cancelled) return;
    if (attempts.length > host.retries) callback({ err: host.failure(attempts), isDisposed: true }, attempts.length);
    else attempt();
  };

  const attempt = (): void => {
    let instance: ServiceInstance | undefined;
    try {
      // Every instance tried before failed (a success or an answer ends the call): exclude those.
      instance = host.choose(attempts.length === 0 ? NONE_TRIED : new Set(attempts.map((a) => a.instanceId)));
    } catch (error) {
      return callback({ err: error, isDisposed: true }, attempts.length); // e.g. the discovery client was closed
    }
    if (!instance) return callback({ err: host.failure(attempts), isDisposed: true }, attempts.length);
    const tracked = host.track(instance);
    const send = (connection: InstanceConnection): void => {
      if (cancelled) return tracked.succeeded();
      let written = false;
      const attemptNo = ++sent;
      const stop = connection.request(packet, (reply) => {
        const error: unknown = reply.err;
        if (error === undefined || error === null) {
          if (reply.isDisposed) tracked.succeeded();
          return callback(reply, attempts.length);
        }
        const lost = isConnectionLoss(error);
        if (!written || (lost && host.idempotent(packet.pattern))) return fail(instance, tracked, error);
        if (lost) {
          tracked.failed();
          host.eject(instance);
          return callback({ err: host.unknownOutcome(instance, error), isDisposed: true }, attempts.length);
        }
        // The instance answered with an error: its fault (an unhandled exception, Nest's "Internal
        // server error": counts toward outlier detection) or a deliberate RpcException (an answer).
        if (isServerFault(error)) tracked.failed();
        else tracked.succeeded();
        callback({ err: error, isDisposed: true }, attempts.length);
      });
      // A request that failed inside request() has already started the next attempt: keep its teardown.
      if (attemptNo === sent) teardown = stop;
      written = true;
    };
    const connected = host.ready(instance);
    if (connected) send(connected);
    else host.connect(instance).then(send, (error: unknown) => fail(instance, tracked, error));
  };

  attempt();
  return () => {
    cancelled = true;
    teardown?.();
  };
}
