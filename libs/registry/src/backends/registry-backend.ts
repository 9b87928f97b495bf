/** One key/value pair read from the backend. */
export interface BackendEntry {
  readonly key: string;
  readonly value: string;
  /** Id of the session (etcd lease) that owns the key, when the backend knows it. */
  readonly session?: string;
}

/** Result of a prefix read: every entry under the prefix as of `revision`. */
export interface ListResult {
  readonly entries: readonly BackendEntry[];
  /** Revision the read reflects; a watch started from `revision + 1` misses nothing. */
  readonly revision: string;
}

/** A change under a watched prefix. */
export type WatchEvent =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly session?: string; readonly revision: string }
  | { readonly type: 'delete'; readonly key: string; readonly revision: string };

/** Receiver of a watch's changes. Called synchronously; must not throw. */
export interface WatchListener {
  /** Changes in revision order; one call per backend response. */
  onEvents(events: readonly WatchEvent[]): void;
  /**
   * The watch can no longer guarantee a gap-free stream (compaction, reconnect, server restarted
   * with other data, unexpected end). The watch is finished: re-list and watch again.
   */
  onResync(reason: string, error?: unknown): void;
  /** The stream to the backend dropped (`false`) or came back (`true`). Informational. */
  onConnectionChange(connected: boolean, error?: unknown): void;
}

/** Handle of a running watch. */
export interface WatchSubscription {
  /** Stops the watch; resolves once the backend released it. Never rejects. */
  cancel(): Promise<void>;
}

/**
 * A session groups every key a process registers under one liveness token
 * (an etcd lease, a ZooKeeper session, ...). It expires after `ttl` seconds without renewal.
 */
export interface RegistrySession {
  /** Backend id of the session (the etcd lease id). */
  readonly id: string;
  /** Granted TTL, seconds. */
  readonly ttl: number;
  /** Writes `key` = `value`, owned by this session. */
  put(key: string, value: string): Promise<void>;
  /** Deletes `key`. */
  delete(key: string): Promise<void>;
  /**
   * One keep-alive. Resolves `true` while the session lives and `false` when the backend says it
   * is gone (expired, revoked, unknown); rejects when the backend cannot be reached.
   */
  renew(): Promise<boolean>;
  /** Ends the session; every key it owns disappears. */
  revoke(): Promise<void>;
  /** Forgets the session locally without telling the backend (it will expire). Never throws. */
  release(): void;
}

/**
 * The contract every registry backend implements: sessions that own instance keys, prefix reads
 * with a revision, and prefix watches from a revision. Abstract class so it can serve as a
 * Nest injection token.
 */
export abstract class RegistryBackend {
  /** Backend kind, e.g. `etcd`. */
  abstract readonly kind: string;
  /** Endpoints the backend talks to, for messages and health details. */
  abstract readonly endpoints: readonly string[];
  /**
   * Resolves when the backend answers within the request timeout, rejects otherwise. One
   * attempt, no retries: callers use it to ask "reachable now?" cheaply.
   */
  abstract ping(): Promise<void>;
  /** Opens a new session with the given TTL, seconds. */
  abstract openSession(ttl: number): Promise<RegistrySession>;
  /**
   * Reads every entry whose key starts with `prefix`. Prefixes always end in `/`: a service
   * prefix (`/rpc/user-service:1.0/`) or a namespace prefix (`/rpc/`, instances one level down).
   */
  abstract list(prefix: string): Promise<ListResult>;
  /**
   * Watches the instances under a service prefix, delivering every change after `afterRevision`
   * (a revision returned by `list()` of the same prefix).
   */
  abstract watch(prefix: string, afterRevision: string, listener: WatchListener): WatchSubscription;
  /** Releases every connection. Called last at shutdown. */
  abstract close(): Promise<void>;
}

/** Settings the module hands to a backend factory. */
export interface BackendContext {
  /** Per-request deadline, milliseconds. */
  readonly requestTimeout: number;
}

/**
 * What `RegistryModule.forRoot({ backend })` takes: a description of a backend that is validated
 * with the other options at bootstrap and instantiated once. Backends ship factory functions
 * returning this, e.g. `etcd({ hosts })` from `nest-service-registry/etcd`.
 */
export interface RegistryBackendFactory {
  /** Backend kind, e.g. `etcd`. */
  readonly kind: string;
  /** Throws a `RegistryOptionsError` naming the option, value and rule when a setting is invalid. */
  validate(): void;
  /** Creates the backend. Must not perform I/O; connections are opened lazily. */
  create(context: BackendContext): RegistryBackend;
}
