import {
  RegistryBackend,
  type BackendEntry,
  type Candidacy,
  type ListResult,
  type RegistryLease,
  type WatchListener,
  type WatchSubscription,
} from '../registry-backend.js';
import { WatchSet } from '../watch-set.js';
import type { ResolvedZooKeeperOptions } from './zookeeper.options.js';
import { ZkClient } from './zk-client.js';
import { ZooKeeperWatch } from './zookeeper-watch.js';
import { putPersistent, ZkCandidacy } from './zk-election.js';
import { zkLease } from './zk-lease.js';
import { curatorLayout, NATIVE_LAYOUT, NO_OWNER, type ZkLayout } from './zk-layout.js';

/** Session timeout of the reader client (lists and watches), milliseconds. */
const READER_TIMEOUT = 10_000;
/**
 * The reader owns no ephemeral nodes, so it is replaced after this long without a connection
 * (after an empty server restart its old session never comes back), milliseconds.
 */
const READER_LOST_AFTER = 1_500;
/** Snapshots kept so a watch can continue from the read it follows. */
const SNAPSHOTS = 256;

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
    const client = this.session(ttl);
    try {
      await client.connected();
    } catch (error) {
      this.drop(client);
      throw error;
    }
    return zkLease(client, ttl, this.layout, this.options.hosts, () => this.drop(client));
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

  async putPermanent(key: string, value: string): Promise<void> {
    await putPersistent(await this.reader(), this.layout.path(key), this.layout.encode(key, value));
  }

  async deletePermanent(key: string): Promise<void> {
    await (await this.reader()).remove(this.layout.path(key));
  }

  /** A candidate on a session of its own (timeout: the TTL), so its znode goes when it stops. */
  candidacy(election: string, ttl: number): Candidacy {
    const target = (key: string, value: string) => ({
      path: this.layout.path(key),
      data: this.layout.encode(key, value),
      value: (data: string) => this.layout.decode(key.slice(0, key.lastIndexOf('/') + 1), data),
    });
    return new ZkCandidacy(
      election,
      () => this.session(ttl),
      (client) => this.drop(client),
      target,
      this.requestTimeout,
      ttl,
    );
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

  /** A new client whose session (and own lost-after) is `ttl` seconds, tracked until dropped. */
  private session(ttl: number): ZkClient {
    const client = new ZkClient(this.options.hosts, ttl * 1000, this.options.spinDelay, this.requestTimeout, ttl * 1000, this.options.auth);
    this.clients.add(client);
    return client;
  }

  private drop(client: ZkClient): void {
    client.close();
    this.clients.delete(client);
  }
}
