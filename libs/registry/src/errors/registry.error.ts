/**
 * Machine-readable codes carried by every {@link RegistryError}.
 * @publicApi
 */
export type RegistryErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_SERVICE'
  | 'NO_INSTANCES'
  | 'NOT_LOADED'
  | 'BACKEND_UNAVAILABLE'
  | 'TIMEOUT'
  | 'CLOSED'
  | 'CALL_FAILED'
  | 'CALL_OUTCOME_UNKNOWN'
  | 'MISSING_DEPENDENCY'
  | 'ACCESS_DENIED'
  /** The dashboard is mounted read-only and was asked to drain. */
  | 'READ_ONLY'
  /** An instance id that is not one of this process's registrations. */
  | 'NOT_OWN_INSTANCE';

/**
 * Base class of every error the registry throws. `code` is stable and meant for
 * programmatic checks; `cause` keeps the backend's original error when there is one.
 * @publicApi
 */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly code: RegistryErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option passed to `RegistryModule.forRoot()` / `forRootAsync()` breaks a rule. @publicApi */
export class RegistryOptionsError extends RegistryError {
  constructor(
    message: string,
    /** Path of the offending option, e.g. `ttl` or `backend.hosts`. */
    readonly option: string,
    /** The value that was rejected. */
    readonly value: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, 'INVALID_OPTIONS', options);
  }
}

/** An `@RpcService` declaration or a manual registration is not valid. @publicApi */
export class InvalidServiceError extends RegistryError {
  constructor(message: string) {
    super(message, 'INVALID_SERVICE');
  }
}

/** `choose()` found no available instance of a service. @publicApi */
export class NoInstancesError extends RegistryError {
  constructor(
    message: string,
    readonly serviceName: string,
    readonly serviceVersion: string,
  ) {
    super(message, 'NO_INSTANCES');
  }
}

/** A synchronous read asked for a service that has not been loaded yet. @publicApi */
export class ServiceNotLoadedError extends RegistryError {
  constructor(message: string) {
    super(message, 'NOT_LOADED');
  }
}

/** The backend could not be reached (or answered with an error) within the allowed time. @publicApi */
export class BackendUnavailableError extends RegistryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'BACKEND_UNAVAILABLE', options);
  }
}

/** An operation did not finish within its deadline. @publicApi */
export class RegistryTimeoutError extends RegistryError {
  constructor(message: string) {
    super(message, 'TIMEOUT');
  }
}

/** The registry was used after the application closed it. @publicApi */
export class RegistryClosedError extends RegistryError {
  constructor(message: string) {
    super(message, 'CLOSED');
  }
}

/** One failed attempt of a call: the instance tried and why it failed. @publicApi */
export interface CallAttempt {
  /** `host:port` of the instance. */
  readonly address: string;
  readonly instanceId: string;
  readonly error: unknown;
}

/** Every attempt of a call through a registry client failed; `attempts` says where and why. @publicApi */
export class CallFailedError extends RegistryError {
  constructor(
    message: string,
    readonly serviceName: string,
    readonly attempts: readonly CallAttempt[],
  ) {
    super(message, 'CALL_FAILED', { cause: attempts[attempts.length - 1]?.error });
  }
}

/**
 * A call was written to an instance and its connection was lost before the answer came: the
 * instance may have processed it. Never sent again unless its pattern or method is declared
 * idempotent; the caller decides (look the outcome up, or retry with an idempotency key).
 * @publicApi
 */
export class CallOutcomeUnknownError extends RegistryError {
  constructor(
    message: string,
    readonly serviceName: string,
    /** `host:port` of the instance the call was written to. */
    readonly address: string,
    /** The instance's id (`name:version@host:port`). */
    readonly instanceId: string,
    cause: unknown,
  ) {
    super(message, 'CALL_OUTCOME_UNKNOWN', { cause });
  }
}
