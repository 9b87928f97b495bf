import type { ACL, Client, Event, Exception, Stat } from 'node-zookeeper-client';
import { zookeeperClient as zookeeper } from './zookeeper.peer.js';
import { BackendUnavailableError } from '../../errors/registry.error.js';

type ZkError = Error | Exception | null;

/** The part of node-zookeeper-client's internal ConnectionManager that {@link guardParser} touches. */
interface ConnectionManagerInternals {
  onSocketData?: (buffer: Buffer) => void;
  pendingBuffer?: Buffer | null;
  socket?: { destroy(): void };
}

/**
 * node-zookeeper-client throws from its socket 'data' handler when it meets a reply it cannot
 * parse (seen after a server restart: "Unknown code: 1412694017"), which would crash the process.
 * Wrap that handler for this client only: on a parse error, drop the partial buffer and the
 * socket, which makes the client reconnect (what it already does itself for an unknown op code).
 * Must run before connect(), which binds the handler.
 * @internal
 */
export function guardParser(client: Client): void {
  const manager = (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
  const original = manager?.onSocketData;
  if (!manager || typeof original !== 'function') return;
  manager.onSocketData = function guarded(this: ConnectionManagerInternals, buffer: Buffer): void {
    try {
      original.call(this, buffer);
    } catch {
      this.pendingBuffer = null;
      this.socket?.destroy();
    }
  };
}
import { withTimeout } from '../../util/with-timeout.js';

/** Promise wrappers around the callback API of node-zookeeper-client, each with a deadline. @internal */
export class ZkClient {
  readonly raw: Client;
  /** When the client last lost its connection; `undefined` while connected. */
  disconnectedAt: number | undefined = Date.now();
  expired = false;
  closed = false;
  readonly acls: ACL[];
  /** Whether the client was connected at least once. */
  everConnected = false;

  constructor(
    hosts: string,
    readonly sessionTimeout: number,
    spinDelay: number,
    private readonly timeout: number,
    /** Disconnected (or never connected) this long, milliseconds, the client counts as lost. */
    private readonly lostAfter: number = sessionTimeout,
    /** Digest credentials: the session authenticates, and ephemerals are writable by this user only. */
    auth?: { readonly username: string; readonly password: string },
  ) {
    this.raw = zookeeper.createClient(hosts, { sessionTimeout, spinDelay, retries: 0 });
    guardParser(this.raw);
    if (auth) this.raw.addAuthInfo('digest', Buffer.from(`${auth.username}:${auth.password}`));
    // With auth: this user (any of its sessions) may do everything, the world may only read.
    this.acls = auth
      ? [
          new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', '')),
          new zookeeper.ACL(zookeeper.Permission.READ, new zookeeper.Id('world', 'anyone')),
        ]
      : [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))];
    this.raw.on('connected', () => {
      this.disconnectedAt = undefined;
      this.everConnected = true;
    });
    this.raw.on('disconnected', () => (this.disconnectedAt ??= Date.now()));
    this.raw.on('expired', () => (this.expired = true));
    this.raw.connect();
  }

  get sessionId(): string {
    return this.raw.getSessionId().toString('hex');
  }

  /** Resolves once connected (within the deadline). */
  async connected(): Promise<void> {
    if (this.disconnectedAt === undefined) return;
    await withTimeout(new Promise<void>((resolve) => this.raw.once('connected', () => resolve())), this.timeout, 'zookeeper connect');
  }

  /** Whether the session is certainly gone: expired, closed, or disconnected longer than `lostAfter`. */
  get lost(): boolean {
    return this.expired || this.closed || (this.disconnectedAt !== undefined && Date.now() - this.disconnectedAt > this.lostAfter);
  }

  /** Closes the session. Never throws (the client's close() throws when it has no socket yet). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.raw.close();
    } catch {
      // never connected: nothing to close on the server side
    }
  }

  exists(path: string, watcher?: (event: Event) => void): Promise<Stat | undefined> {
    return this.call('exists', path, (done) =>
      watcher
        ? this.raw.exists(path, watcher, (e, stat) => done(e, stat ?? undefined))
        : this.raw.exists(path, (e, stat) => done(e, stat ?? undefined)),
    );
  }

  getChildren(path: string, watcher?: (event: Event) => void): Promise<string[] | undefined> {
    return this.call('getChildren', path, (done) =>
      watcher
        ? this.raw.getChildren(path, watcher, (e, children) => done(e, children))
        : this.raw.getChildren(path, (e, children) => done(e, children)),
    );
  }

  getData(path: string, watcher?: (event: Event) => void): Promise<{ data: string; stat: Stat } | undefined> {
    return this.call('getData', path, (done) => {
      const cb = (e: ZkError, data: Buffer, stat: Stat) => done(e, { data: data ? data.toString() : '', stat });
      if (watcher) this.raw.getData(path, watcher, cb);
      else this.raw.getData(path, cb);
    });
  }

  mkdirp(path: string): Promise<void> {
    // Same ACL as instances: ZooKeeper checks a child's deletion against its parent's ACL.
    return this.call('mkdirp', path, (done) => this.raw.mkdirp(path, this.acls, (e) => done(e, undefined))).then(() => undefined);
  }

  /** Creates `path` (ephemeral unless `mode` says otherwise); resolves the path created, or `undefined` when it exists. */
  create(path: string, data: string, mode: number = zookeeper.CreateMode.EPHEMERAL): Promise<string | undefined> {
    return this.explained(
      withTimeout(
        new Promise<string | undefined>((resolve, reject) =>
          this.raw.create(path, Buffer.from(data), this.acls, mode, (error, created) => {
            if (!error) resolve(created);
            else if (codeOf(error) === zookeeper.Exception.NODE_EXISTS) resolve(undefined);
            else reject(asError(error));
          }),
        ),
        this.timeout,
        `zookeeper create ${path}`,
      ),
    );
  }

  setData(path: string, data: string): Promise<void> {
    return this.call('setData', path, (done) => this.raw.setData(path, Buffer.from(data), -1, (e) => done(e, undefined))).then(
      () => undefined,
    );
  }

  remove(path: string): Promise<void> {
    return this.call('remove', path, (done) => this.raw.remove(path, -1, (e) => done(e, undefined))).then(() => undefined);
  }

  /** Runs one call; NO_NODE resolves `undefined` (absent), other errors reject. */
  private call<T>(what: string, path: string, run: (done: (error: ZkError, value: T) => void) => void): Promise<T | undefined> {
    return this.explained(
      withTimeout(
        new Promise<T | undefined>((resolve, reject) =>
          run((error, value) => {
            if (!error) resolve(value);
            else if (codeOf(error) === zookeeper.Exception.NO_NODE) resolve(undefined);
            else reject(asError(error));
          }),
        ),
        this.timeout,
        `zookeeper ${what} ${path}`,
      ),
    );
  }

  /** A call that failed while disconnected, or with a connection-loss code, could not reach ZooKeeper: a `BackendUnavailableError` (same message). */
  private explained<T>(call: Promise<T>): Promise<T> {
    return call.catch((error: unknown) => {
      const lost = this.disconnectedAt !== undefined || UNREACHABLE.has(codeOf((error as Error).cause ?? error) ?? 0);
      throw lost && error instanceof Error ? new BackendUnavailableError(error.message, { cause: error }) : error;
    });
  }
}

/** ZooKeeper's codes for "the server could not be reached" (node-zookeeper-client's `Exception`). */
const UNREACHABLE = new Set<number>([
  zookeeper.Exception.CONNECTION_LOSS,
  zookeeper.Exception.SESSION_EXPIRED,
  zookeeper.Exception.OPERATION_TIMEOUT,
]);

/** node-zookeeper-client rejects with `Exception` objects that are not `Error`s: wrap those. */
function asError(error: Error | Exception): Error {
  return error instanceof Error ? error : new Error(error.toString(), { cause: error });
}

function codeOf(error: unknown): number | undefined {
  const candidate = error as { getCode?: () => number };
  return typeof candidate.getCode === 'function' ? candidate.getCode() : undefined;
}
