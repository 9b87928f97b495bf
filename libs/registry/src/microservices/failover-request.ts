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
  const call = new FailoverCall(host, packet, callback);
  call.attempt();
  return () => call.cancel();
}

/** One call and its attempts (classes, not closures: there is one per call on the hot path). */
class FailoverCall {
  /** Attempts that failed so far (a success or an answer ends the call). */
  readonly attempts: CallAttempt[] = [];
  cancelled = false;
  /** Attempts whose request was handed to a connection. */
  sent = 0;
  /** The attempt whose request is out, torn down when the caller unsubscribes. */
  current: Attempt | undefined;

  constructor(
    readonly host: FailoverHost,
    readonly packet: ReadPacket,
    readonly callback: (packet: WritePacket, failedAttempts: number) => void,
  ) {}

  attempt(): void {
    const { host, attempts } = this;
    let instance: ServiceInstance | undefined;
    try {
      // Every instance tried before failed: exclude those.
      instance = host.choose(attempts.length === 0 ? NONE_TRIED : new Set(attempts.map((a) => a.instanceId)));
    } catch (error) {
      return this.callback({ err: error, isDisposed: true }, attempts.length); // e.g. the discovery client was closed
    }
    if (!instance) return this.callback({ err: host.failure(attempts), isDisposed: true }, attempts.length);
    const attempt = new Attempt(this, instance, host.track(instance));
    const connected = host.ready(instance);
    if (connected) attempt.send(connected);
    else
      host.connect(instance).then(
        (connection) => attempt.send(connection),
        (error: unknown) => this.fail(attempt, error),
      );
  }

  /** `attempt` failed at the transport level: eject its instance, then try another one or end. */
  fail(attempt: Attempt, error: unknown): void {
    attempt.tracked.failed();
    this.host.eject(attempt.instance);
    this.attempts.push(attemptOf(attempt.instance, error));
    if (this.cancelled) return;
    if (this.attempts.length > this.host.retries)
      this.callback({ err: this.host.failure(this.attempts), isDisposed: true }, this.attempts.length);
    else this.attempt();
  }

  cancel(): void {
    this.cancelled = true;
    this.current?.cancel();
  }
}

/** One attempt of a {@link FailoverCall} on one instance. */
class Attempt {
  private connection: InstanceConnection | undefined;
  private stop: (() => void) | undefined;
  private written = false;
  /** Counted as pending on its connection until its final answer or its teardown. */
  private open = false;

  constructor(
    private readonly call: FailoverCall,
    readonly instance: ServiceInstance,
    readonly tracked: TrackedCall,
  ) {}

  send(connection: InstanceConnection): void {
    const { call } = this;
    if (call.cancelled) return this.tracked.succeeded();
    this.connection = connection;
    this.open = true;
    const attemptNo = ++call.sent;
    this.stop = connection.request(call.packet, (reply) => this.reply(reply));
    // A request that failed inside request() has already started the next attempt: that one is current.
    if (attemptNo === call.sent) call.current = this;
    this.written = true;
  }

  cancel(): void {
    this.stop?.();
    this.settle();
  }

  private reply(reply: WritePacket): void {
    const error: unknown = reply.err;
    const final = reply.isDisposed || (error !== undefined && error !== null);
    this.handle(reply, error);
    // After the caller got its answer and Nest forgot the call (a retiring connection closes in a later turn).
    if (final) this.settle();
  }

  private handle(reply: WritePacket, error: unknown): void {
    const { call, instance, tracked } = this;
    if (error === undefined || error === null) {
      if (reply.isDisposed) tracked.succeeded();
      return call.callback(reply, call.attempts.length);
    }
    const lost = isConnectionLoss(error);
    if (!this.written || (lost && call.host.idempotent(call.packet.pattern))) return call.fail(this, error);
    if (lost) {
      tracked.failed();
      call.host.eject(instance);
      return call.callback({ err: call.host.unknownOutcome(instance, error), isDisposed: true }, call.attempts.length);
    }
    // The instance answered with an error: its fault (an unhandled exception, Nest's "Internal
    // server error": counts toward outlier detection) or a deliberate RpcException (an answer).
    if (isServerFault(error)) tracked.failed();
    else tracked.succeeded();
    call.callback({ err: error, isDisposed: true }, call.attempts.length);
  }

  private settle(): void {
    if (!this.open) return;
    this.open = false;
    this.connection!.settled();
  }
}
