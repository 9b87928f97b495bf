/**
 * The contract every registry backend implements (DESIGN §6), after kratos' `Registrar` /
 * `Discovery` / `Watcher`: leases that own instance keys, prefix reads with a revision, and
 * prefix watches from a revision. One conformance suite (`nest-service-registry/backend-kit`) checks
 * every rule stated here against a real server.
 *
 * Vocabulary: a **lease** is the one liveness token of a process (an etcd lease, a ZooKeeper
 * session, a Redis session key); every key the process registers hangs off it and disappears
 * when it expires.
 */

/** One key/value pair read from the backend. @publicApi */
export interface BackendEntry {
  readonly key: string;
  readonly value: string;
  /** Id of the lease that owns the key, when the backend knows it. */
  readonly lease?: string;
  /**
   * Set when the value could not be read (e.g. larger than a read accepts): why, for the one
   * warning that skips the key. `value` is empty then.
   */
  readonly unreadable?: string;
}

/** Result of a prefix read: every entry under the prefix as of `revision`. @publicApi */
export interface ListResult {
  readonly entries: readonly BackendEntry[];
  /** Revision the read reflects; a watch started from it misses nothing that happened after it. */
  readonly revision: string;
}

/** A change under a watched prefix. @publicApi */
export type WatchEvent =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly lease?: string; readonly revision: string }
  | { readonly type: 'delete'; readonly key: string; readonly revision: string };

/**
 * Why a watch ended with a resync: a bounded set, chosen where the resync arises (the metric
 * label of `registry_resyncs_total{reason}`). @publicApi
 */
export type ResyncReason =
  /** The stream dropped or reconnected: events may have been missed. */
  | 'reconnected'
  /** The revision to resume from is gone from the backend's history. */
  | 'compacted'
  /** The backend now answers with other data (etcd's cluster id changed, memory restarted). */
  | 'cluster_changed'
  /** The backend never confirmed the new watch within its deadline. */
  | 'unconfirmed'
  /** The backend refused the watch (authentication or permission). */
  | 'refused'
  /** The revision to resume from is not a read this backend can continue (ZooKeeper). */
  | 'stale_revision'
  /** The backend's reader session was lost and replaced (ZooKeeper). */
  | 'session_lost'
  /** Any other failure of the watch, including one that could not be started. */
  | 'failed'
  /** The stream ended without being asked to. */
  | 'ended'
  /** The backend was closed. */
  | 'closed';

/** Receiver of a watch's changes. Called asynchronously (never from inside `watch()`); must not throw. @publicApi */
export interface WatchListener {
  /** Changes in revision order; one call per backend response. */
  onEvents(events: readonly WatchEvent[]): void;
  /**
   * The watch can no longer guarantee a gap-free stream (compaction, reconnect, server restarted
   * with other data, unexpected end, backend closed or unreachable). The watch is finished:
   * re-list and watch again. Every watch failure arrives here: `detail` says what happened in
   * words (for logs), `error` is the cause if any, `reason` the bounded kind.
   */
  onResync(detail: string, error: unknown, reason: ResyncReason): void;
  /** The stream to the backend dropped (`false`) or came back (`true`). Informational. */
  onConnectionChange(connected: boolean, error?: unknown): void;
}

/** Handle of a running watch. @publicApi */
export interface WatchSubscription {
  /** Stops the watch; resolves once the backend released it. Never rejects. */
  cancel(): Promise<void>;
}

/**
 * The lease every key of a process hangs off. It expires `ttl` seconds after the last renewal.
 * @publicApi
 */
export interface RegistryLease {
  /** Backend id of the lease. */
  readonly id: string;
  /** Granted TTL, seconds. */
  readonly ttl: number;
  /** Writes `key` = `value`, owned by this lease (replacing another owner's key, as etcd does). */
  put(key: string, value: string): Promise<void>;
  /** Deletes `key`. */
  delete(key: string): Promise<void>;
  /**
   * One keep-alive. Resolves `true` while the lease lives and `false` when the backend says it
   * is gone (expired, revoked, unknown); rejects when the backend cannot be reached.
   */
  renew(): Promise<boolean>;
  /** Ends the lease; every key it owns disappears. */
  revoke(): Promise<void>;
  /** Forgets the lease locally without telling the backend (it will expire). Never throws. */
  release(): void;
}

/**
 * What a fenced write did: `written`; `fenced` (this candidate does not lead: nothing written, and
 * its claim is gone); `changed` (the key no longer held the expected value: nothing written).
 * @publicApi
 */
export type FencedWrite = 'written' | 'fenced' | 'changed';

/**
 * One candidate of a leader election held on the backend (the permanent-instance checker runs
 * one per namespace). The claim lives `ttl` seconds after the last {@link campaign}; a candidate
 * that stops campaigning (crashed, frozen, partitioned) loses it then, and another takes over.
 * Writes are fenced: they happen only while this candidate's claim is the current one, checked by
 * the backend in the same operation, so a deposed leader's late write never lands.
 * @publicApi
 */
export interface Candidacy {
  /** The fencing token of the current claim while leading (grows with every new term), else `undefined`. */
  readonly token: string | undefined;
  /**
   * Claims leadership if nobody holds it, or renews this candidate's claim. Resolves whether this
   * candidate leads now; rejects when the backend cannot be reached (then it may have lost the claim).
   */
  campaign(): Promise<boolean>;
  /**
   * Writes `key` = `value` without a lease, only while this candidate leads and, when `expected`
   * is given, only if the key still holds exactly `expected` (compare-and-set: an operator's change
   * made since it was read is never overwritten). Both checks and the write are one operation.
   */
  put(key: string, value: string, expected?: string): Promise<FencedWrite>;
  /** Deletes `key` under the same two conditions as {@link put}. */
  delete(key: string, expected?: string): Promise<FencedWrite>;
  /** Gives the claim up (another candidate may lead at once) and releases what the candidacy holds. Never rejects. */
  resign(): Promise<void>;
}

/**
 * A registry backend. Abstract class so it can serve as a Nest injection token.
 *
 * Rules (checked by the conformance suite): `watch()` never throws, its failures arrive through
 * `onResync`; a key whose lease expires produces a delete event; `put` replaces a key owned by
 * another lease; after `close()` the backend holds no timer or socket (the process can exit).
 * @publicApi
 */
export abstract class RegistryBackend {
  /** Backend kind, e.g. `etcd`. */
  abstract readonly kind: string;
  /** Endpoints the backend talks to, for messages and health details. Never carries credentials. */
  abstract readonly endpoints: readonly string[];
  /**
   * Resolves when the backend answers within the request timeout, rejects otherwise. One
   * attempt, no retries: callers use it to ask "reachable now?" cheaply (and to open the
   * connection ahead of the first real request).
   */
  abstract ping(): Promise<void>;
  /** Grants a new lease with the given TTL, seconds (at least the factory's `minTtl`). */
  abstract grantLease(ttl: number): Promise<RegistryLease>;
  /**
   * Reads every entry whose key starts with `prefix`. Prefixes always end in `/`: a service
   * prefix (`/rpc/user-service:1.0/`) or a namespace prefix (`/rpc/`, instances one level down).
   */
  abstract list(prefix: string): Promise<ListResult>;
  /**
   * Watches the instances under a service prefix, delivering every change after `afterRevision`
   * (a revision returned by `list()` of the same prefix). Never throws.
   */
  abstract watch(prefix: string, afterRevision: string, listener: WatchListener): WatchSubscription;
  /**
   * Writes `key` = `value` with no lease (a permanent instance: an etcd key without a lease, a
   * persistent znode, a Redis key without expiry). It stays until deleted, across restarts of
   * processes and of a server that keeps its data; a put replaces a key another lease owns.
   */
  abstract putPermanent(key: string, value: string): Promise<void>;
  /** Deletes `key` whoever owns it (a no-op when it is absent). */
  abstract deletePermanent(key: string): Promise<void>;
  /**
   * A candidate in the election `election` (a key outside every namespace prefix, see
   * `electionKey`), whose claim lives `ttl` seconds after its last campaign. No I/O until
   * `campaign()`.
   */
  abstract candidacy(election: string, ttl: number): Candidacy;
  /** Releases every connection and timer. Called last at shutdown. */
  abstract close(): Promise<void>;
}

/** Settings the module hands to a backend factory. @publicApi */
export interface BackendContext {
  /** Per-request deadline, milliseconds. */
  readonly requestTimeout: number;
}

/**
 * What `RegistryModule.forRoot({ backend })` takes: a description of a backend that is validated
 * with the other options at bootstrap and instantiated once. Backends ship factory functions
 * returning this, e.g. `etcd({ hosts })` from `nest-service-registry/etcd`. @publicApi
 */
export interface RegistryBackendFactory {
  /** Backend kind, e.g. `etcd`. */
  readonly kind: string;
  /** Smallest lease TTL the backend grants, whole seconds (etcd: 2). The module's `ttl` must be at least this. */
  readonly minTtl: number;
  /** Throws a `RegistryOptionsError` naming the option, value and rule when a setting is invalid. */
  validate(): void;
  /** Creates the backend. Must not perform I/O; connections are opened lazily. */
  create(context: BackendContext): RegistryBackend;
}
