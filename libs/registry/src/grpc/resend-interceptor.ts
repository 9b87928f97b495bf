import type { InterceptingCall, InterceptingListener, Interceptor, Metadata, NextCall, StatusObject } from '@grpc/grpc-js';

/** The parts of `@grpc/grpc-js` the interceptor uses. @internal */
export interface GrpcInterceptorApi {
  readonly status: Readonly<Record<string, number | string>> & { readonly CANCELLED: number };
  readonly InterceptingCall: typeof InterceptingCall;
}

/** What the interceptor re-sends: unary calls of `services` that end with one of `codes`. @internal */
export interface ResendPolicy {
  /** Fully qualified service names, e.g. `users.UserService`. */
  readonly services: ReadonlySet<string>;
  /** Numeric status codes. */
  readonly codes: ReadonlySet<number>;
  /** Calls in all, the first included. */
  readonly maxAttempts: number;
}

/** `users.UserService` of the method path `/users.UserService/Get`. @internal */
export function serviceOfPath(path: string): string {
  return path.slice(1, path.lastIndexOf('/'));
}

/** One attempt's answer, held back until its status says whether it is the caller's. */
interface Held {
  headers?: Metadata;
  message?: unknown;
}

/**
 * Whether an attempt that ended with `status` is sent again. Only attempts that received response
 * headers: gRPC's own retry policy retries the others, and stops at headers (the call is then
 * "committed"), so a provider that dies between its headers and its trailers fails the call
 * however idempotent it is. The services given are declared idempotent: their calls go again.
 * @internal
 */
export function resendsAfter(policy: ResendPolicy, status: StatusObject, held: Held, attempt: number, cancelled: boolean): boolean {
  return !cancelled && held.headers !== undefined && policy.codes.has(status.code) && attempt < policy.maxAttempts;
}

/**
 * A grpc-js client interceptor that completes gRPC's retry policy for idempotent services: a unary
 * call that ends with a retryable status after its response began (the instance went away between
 * its headers and its trailers) is sent again as a new call, which the channel's `round_robin`
 * gives to a ready instance, up to `maxAttempts` calls in all and within the caller's deadline.
 * The caller sees only the last attempt: its headers, message and status, delivered together.
 * Streaming calls and other services pass through untouched. @internal
 */
export function resendInterceptor(grpc: GrpcInterceptorApi, policy: ResendPolicy): Interceptor {
  return (options, nextCall) => {
    const { path, requestStream, responseStream } = options.method_definition;
    if (requestStream || responseStream || !policy.services.has(serviceOfPath(path))) {
      return new grpc.InterceptingCall(nextCall(options));
    }
    let metadata!: Metadata; // set by start(), before any attempt can end
    let request: unknown;
    let cancelled = false;
    let resent: ReturnType<NextCall> | undefined;

    const attempt = (caller: InterceptingListener, number: number): InterceptingListener => {
      const held: Held = {};
      return {
        onReceiveMetadata: (headers) => {
          held.headers = headers;
        },
        onReceiveMessage: (message) => {
          held.message = message;
        },
        onReceiveStatus: (status) => {
          if (resendsAfter(policy, status, held, number, cancelled)) return send(caller, number + 1);
          if (held.headers) caller.onReceiveMetadata(held.headers);
          if ('message' in held) caller.onReceiveMessage(held.message);
          caller.onReceiveStatus(status);
        },
      };
    };
    const send = (caller: InterceptingListener, number: number) => {
      resent = nextCall(options);
      resent.start(metadata.clone(), attempt(caller, number));
      resent.sendMessage(request);
      resent.halfClose();
    };

    return new grpc.InterceptingCall(nextCall(options), {
      start: (outgoing, caller, next) => {
        metadata = outgoing.clone();
        next(outgoing, attempt(caller, 1));
      },
      sendMessage: (message, next) => {
        request = message;
        next(message);
      },
      cancel: (next) => {
        cancelled = true;
        resent?.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
        next();
      },
    });
  };
}
