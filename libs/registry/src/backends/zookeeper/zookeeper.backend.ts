import {
  RegistryBackend,
  type BackendEntry,
  type ListResult,
  type RegistryLease,
  type WatchListener,
  type WatchSubscription,
} from '../registry-backend.js';
import { WatchSet } from '../watch-set.js';
import type { ResolvedZooKeeperOptions } from './zookeeper.options.js';
import { ZkClient } from './zk-client.js';
import { ZooKeeperWatch } from './zookeeper-watch.js';
import { curatorLayout, NATIVE_LAYOUT, type ZkLayout } from './zk-layout.js';

/** Session timeout of the reader client (lists and watches), milliseconds. */
const READER_TIMEOUT = 10_000;
/**
 * The reader owns no ephemeral nodes, so it is replaced after this long without a connection
 * (after an empty server restart its old session never comes back), milliseconds.
 */
const READER_LOST_AFTER = 1_500;
/** Snapshots kept so a watch can continue from the read it follows. */
const SNAPSHOTS = 256;

const NO_OWNER = '0000000000000000';

/**
 * ZooKeeper implementation of {@link RegistryBackend} (node-zookeeper-client). A lease is a
 * ZooKeeper session (one client) owning ephemeral instance znodes under persistent service
 * znodes; it is kept alive by the client's own heartbeats, and `renew()` checks it. A client that
 * stayed disconnected longer than its session timeout counts as lost (after a server restart with
 * an empty data dir, clients never hear `expired`), and is replaced.
 * @publicApi
 */
export class ZooKeeperBackend extends RegistryBackend {
  readonly kind = 'zookeeper';
  readonly endpoints: readonly string[];
  private readerClient: ZkClient | undefined;
  private readonly clients = new Set<ZkClient>();
  private readonly watches = new WatchSet<ZooKeeperWatch>();
  private readonly snapshots = new Map<string, { prefix: string; values: Map<string, string> }>();
  private snapshotSeq = 0;
  private readonly health: NodeJS.Timeout;
  private readonly layout: ZkLayout;

  constructor(
    private readonly options: ResolvedZooKeeperOptions,
    private readonly requestTimeout: number,
  ) {
    super();
    this.endpoints = options.hosts.split(',');
    this.layout = options.layout === 'curator' ? curatorLayout(options.curator) : NATIVE_LAYOUT;
    // A lost reader is replaced and its watches resync: nothing else would notice an empty restart.
    this.health = setInterval(() => {
      if (this.readerClient?.lost) this.replaceReader('the ZooKeeper session of the reader was lost');
    }, 500);
  }

  async ping(): Promise<void> {
    const reader = await this.reader();
    await reader.exists('/');
  }

  async grantLease(ttl: number): Promise<RegistryLease> {
    const client = new ZkClient(this.options.hosts, ttl * 1000, this.options.spinDelay, this.requestTimeout, ttl * 1000, this.options.auth);
    this.clients.add(client);
    try {
      await client.connected();
    } catch (error) {
      this.drop(client);
      throw error;
    }
    const id = client.sessionId;
    const owned = new Set<string>(); // znodes this session created, deleted first at revoke
    return {
      id,
      ttl,
      put: async (key, value) => {
        const path = this.layout.path(key);
        const data = this.layout.encode(key, value);
        await client.mkdirp(path.slice(0, path.lastIndexOf('/')) || '/');
        owned.add(path);
        if (await client.createEphemeral(path, data)) return;
        const stat = await client.exists(path);
        if (stat && stat.ephemeralOwner.toString('hex') === id) return client.setData(path, data);
        await client.remove(path); // someone else's znode: a put replaces it, as in etcd
        if (!(await client.createEphemeral(path, data))) throw new Error(`zookeeper: ${path} was created again concurrently`);
      },
      delete: async (key) => {
        owned.delete(this.layout.path(key));
        await client.remove(this.layout.path(key));
      },
      renew: async () => {
        if (client.lost) return false;
        if (client.disconnectedAt !== undefined) throw new Error(`zookeeper: disconnected from ${this.options.hosts}`);
        await client.exists('/');
        return !client.lost;
      },
      // Closing the session removes its ephemerals too, but only once the server has the close
      // request, which the client does not acknowledge: a close lost on a reconnecting socket left
      // them for a whole session timeout. Deleting them first makes deregistration confirmed.
      revoke: async () => {
        try {
          const ours = async (path: string) => (await client.exists(path))?.ephemeralOwner.toString('hex') === id;
          await Promise.all([...owned].map(async (path) => (await ours(path)) && client.remove(path))); // taken over: not ours to delete
        } finally {
          this.drop(client);
        }
      },
      release: () => this.drop(client),
    };
  }

  async list(prefix: string): Promise<ListResult> {
    const reader = await this.reader();
    const entries: BackendEntry[] = [];
    await this.walk(reader, this.layout.path(prefix), prefix.endsWith('/') ? prefix : `${prefix}/`, entries, 2);
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const revision = String(++this.snapshotSeq);
    this.snapshots.set(revision, { prefix, values: new Map(entries.map((e) => [e.key, e.value])) });
    if (this.snapshots.size > SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    return { revision, entries };
  }

  watch(prefix: string, afterRevision: string, listener: WatchListener): WatchSubscription {
    const snapshot = this.snapshots.get(afterRevision);
    const reader = this.readerClient;
    if (!snapshot || snapshot.prefix !== prefix || !reader || reader.lost) {
      queueMicrotask(() => listener.onResync(`revision ${afterRevision} is not a current read of ${prefix}`, undefined, 'stale_revision'));
      return { cancel: async () => undefined };
    }
    return this.watches.add(listener, (tracked) => new ZooKeeperWatch(reader, prefix, new Map(snapshot.values), tracked, this.layout));
  }

  async close(): Promise<void> {
    clearInterval(this.health);
    await this.watches.cancelAll();
    for (const client of this.clients) client.close();
    this.clients.clear();
    this.readerClient = undefined;
  }

  /** Leaves with data are instances (of the service `prefix`); empty znodes are walked into (services), `depth` levels. */
  private async walk(reader: ZkClient, path: string, prefix: string, out: BackendEntry[], depth: number): Promise<void> {
    const children = (await reader.getChildren(path)) ?? [];
    await Promise.all(
      children.map(async (name) => {
        const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
        const read = await reader.getData(childPath);
        if (!read) return;
        if (read.data !== '' || read.stat.numChildren === 0) {
          const owner = read.stat.ephemeralOwner.toString('hex');
          const value = this.layout.decode(prefix, read.data);
          out.push({ key: this.layout.key(prefix, name, read.data), value, lease: owner === NO_OWNER ? undefined : owner });
        } else if (depth > 1) {
          await this.walk(reader, childPath, `${prefix}${this.layout.service(name)}/`, out, depth - 1);
        }
      }),
    );
  }

  private async reader(): Promise<ZkClient> {
    const current = this.readerClient;
    // A reader that was connected and is not now is replaced at once: it owns nothing, its
    // watches resync on reconnect anyway, and after an empty restart it would never come back.
    if (!current || current.lost || (current.everConnected && current.disconnectedAt !== undefined)) {
      this.replaceReader('the ZooKeeper connection of the reader was lost');
    }
    await this.readerClient!.connected();
    return this.readerClient!;
  }

  private replaceReader(reason: string): void {
    if (this.readerClient) this.drop(this.readerClient);
    const { hosts, spinDelay, auth } = this.options;
    this.readerClient = new ZkClient(hosts, READER_TIMEOUT, spinDelay, this.requestTimeout, READER_LOST_AFTER, auth);
    this.clients.add(this.readerClient);
    const watches = this.watches.all();
    this.watches.clear();
    for (const watch of watches) watch.finish(reason, undefined, 'session_lost');
  }

  private drop(client: ZkClient): void {
    client.close();
    this.clients.delete(client);
  }
}
