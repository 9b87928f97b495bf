import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import type { Etcd3, IOptions } from 'etcd3';
import { etcd3 } from './etcd3.peer.js';
import type { ResolvedEtcdOptions } from './etcd.options.js';
import { MAX_RECEIVE_BYTES } from './etcd-prefix-read.js';

/**
 * Whether an error means this member could not be reached at all. Only these sideline a member:
 * a member in the middle of an election answers with errors too, and must stay usable.
 * @internal
 */
export function isConnectionFailure(error: Error): boolean {
  return /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|No connection established|Connection dropped/i.test(error.message);
}

/**
 * Builds the `etcd3` client with the guards of docs/etcd.md:
 * no per-host circuit breaker for a single endpoint (one timeout must not black out every call
 * for 5 s); with several endpoints, a member that fails with a connectivity error sits out for
 * `hostCooldown` so calls and streams (lease keep-alives, watches) go to the others; a global
 * retry of recoverable errors with a short exponential backoff, a deadline per attempt of every
 * unary call, a watch reconnect backoff capped near 1 s, gRPC keepalive so a frozen or
 * partitioned server is noticed, and a flow-control window as large as the largest message.
 * @internal
 */
export function createEtcdClient(options: ResolvedEtcdOptions, requestTimeout: number, attempts = options.retryAttempts): Etcd3 {
  const attemptTimeout = options.attemptTimeout ?? Math.min(1_000, Math.max(100, Math.floor(requestTimeout / 2)));
  const clientOptions: IOptions = {
    hosts: [...options.hosts],
    auth: options.auth,
    credentials: options.credentials,
    dialTimeout: requestTimeout,
    grpcOptions: {
      'grpc.keepalive_time_ms': options.keepaliveTime,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeout,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': MAX_RECEIVE_BYTES, // prefix reads are paged below it
      // HTTP/2 flow-control window (grpc-js' default is 64 KiB): etcd sends a large prefix read
      // without waiting for window updates, 10-20 % faster at 1 000 and 10 000 instances (bench [6]).
      'grpc-node.flow_control_window': MAX_RECEIVE_BYTES,
      // grpc-js backs off reconnects up to 120 s by default, and its subchannels are shared
      // between the clients etcd3 re-creates: cap it so a returning etcd is found within ~1 s.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': options.reconnectBackoffMaxDelay,
    },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + attemptTimeout }),
    faultHandling: {
      host: () =>
        options.hosts.length > 1 && options.hostCooldown > 0
          ? circuitBreaker(handleWhen(isConnectionFailure), { halfOpenAfter: options.hostCooldown, breaker: new ConsecutiveBreaker(1) })
          : noop,
      global: retry(handleWhen(etcd3.isRecoverableError), {
        maxAttempts: attempts,
        backoff: new ExponentialBackoff({ initialDelay: options.retryInitialDelay, maxDelay: options.retryMaxDelay }),
      }),
      watchBackoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: options.watchBackoffMaxDelay }).next(),
    },
  };
  return new etcd3.Etcd3(clientOptions);
}
