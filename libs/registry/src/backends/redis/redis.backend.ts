import type { Redis } from 'ioredis';
import { sentinelEndpoints } from './redis-sentinel.js';
import { RedisConnection } from './redis-connection.js';
import {
  RegistryBackend,
  type Candidacy,
  type ListResult,
  type RegistryLease,
  type WatchListener,
  type WatchSubscription,
} from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';
import { WatchSet } from '../watch-set.js';
import type { ResolvedRedisOptions } from './redis.options.js';
import { DELETE, LIST, PUT, RENEW, REVOKE, SWEEP } from './redis.scripts.js';
import { RedisWatch } from './redis-watch.js';
import { explainRedisError } from './redis-errors.js';
import { redactUrl } from '../../util/redact-url.js';
import { CAMPAIGN, fencedDelete, PUT_PERMANENT, RESIGN } from './redis-election.scripts.js';
import { RedisCandidacy, type RedisScripts } from './redis-election.js';

const FENCED_DELETE = fencedDelete(DELETE);

/** `/a/b/c` → `/a/b/`; `/a/b/` → `/a/`. */
function parentOf(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
}

/**
 * Redis implementation of {@link RegistryBackend} (ioredis). One key per instance with a TTL,
 * renewed with its lease; a per-parent sorted-set index (no SCAN); a change-log stream gives
 * revisions and gap-free watches; a sweeper turns expired keys into delete events within
 * `sweepInterval` (keyspace notifications are not used: they arrive late under load).
 * @publicApi
 */
export class RedisBackend extends RegistryBackend {
  readonly kind = 'redis';
  readonly endpoints: readonly string[];
  private readonly redis: Redis;
  private readonly watches = new WatchSet<RedisWatch>();
  private readonly leases = new Set<string>();
  private readonly log: string;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  /** The command connection, its last error, and the gate that refuses a Redis Cluster. */
  private readonly connection: RedisConnection;
  /** The Redis user the URL names (`default` without one), for access errors. */
  private readonly username: string;

  constructor(
    private readonly options: ResolvedRedisOptions,
    private readonly requestTimeout: number,
  ) {
    super();
    this.endpoints = options.sentinel ? sentinelEndpoints(options) : [redactUrl(options.url)];
    this.username = decodeURIComponent(new URL(options.url).username) || 'default';
    this.log = `${options.keyPrefix}log`;
    this.connection = new RedisConnection(options, requestTimeout, this.endpoints[0]!);
    this.redis = this.connection.redis;
  }

  async ping(): Promise<void> {
    await this.command('ping', () => this.redis.ping());
  }

  async grantLease(ttl: number): Promise<RegistryLease> {
    const p = this.options.keyPrefix;
    const id = String(await this.command('lease grant', () => this.redis.incr(`${p}lease-seq`)));
    const full = ttl * 1000;
    await this.command('lease grant', () => this.redis.set(`${p}lease:${id}`, String(full), 'PX', full));
    this.leases.add(id);
    this.startSweeper();
    const maxlen = String(this.options.historyLength);
    return {
      id,
      ttl,
      put: async (key, value) => {
        await this.command(`put ${key}`, () =>
          this.redis.eval(PUT, 0, p, key, value, id, String(Date.now()), parentOf(key), parentOf(parentOf(key)), maxlen),
        );
      },
      delete: async (key) => {
        await this.command(`delete ${key}`, () => this.redis.eval(DELETE, 0, p, key, parentOf(key), maxlen));
      },
      renew: async () => (await this.command(`renew lease ${id}`, () => this.redis.eval(RENEW, 0, p, id, String(Date.now())))) === 1,
      revoke: async () => {
        this.leases.delete(id);
        await this.command(`revoke lease ${id}`, () => this.redis.eval(REVOKE, 0, p, id, maxlen));
      },
      release: () => {
        this.leases.delete(id);
      },
    };
  }

  async list(prefix: string): Promise<ListResult> {
    if (!prefix.endsWith('/')) throw new Error(`Redis backend: list() takes a prefix ending in "/", got ${JSON.stringify(prefix)}`);
    const reply = (await this.command(`list ${prefix}`, () => this.redis.eval(LIST, 0, this.options.keyPrefix, prefix))) as string[];
    const entries = [];
    for (let i = 1; i + 3 <= reply.length; i += 3) {
      entries.push({ key: reply[i]!, value: reply[i + 1]!, lease: reply[i + 2] || undefined });
    }
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { revision: reply[0]!, entries };
  }

  watch(prefix: string, afterRevision: string, listener: WatchListener): WatchSubscription {
    return this.watches.add(listener, (tracked) => {
      // Queues until connected; never reconnects: a drop ends the watch with a resync.
      const connection = this.redis.duplicate({ enableOfflineQueue: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      this.startSweeper();
      return new RedisWatch(connection, this.log, prefix, afterRevision, tracked);
    });
  }

  async putPermanent(key: string, value: string): Promise<void> {
    await this.scripts.run(`put ${key}`, PUT_PERMANENT, [...this.scripts.putArgs(key, value), '', '', '']);
  }

  async deletePermanent(key: string): Promise<void> {
    await this.scripts.run(`delete ${key}`, FENCED_DELETE, [...this.scripts.deleteArgs(key), '', '', '']);
  }

  candidacy(election: string, ttl: number): Candidacy {
    const scripts = { campaign: CAMPAIGN, resign: RESIGN, put: PUT_PERMANENT, delete: FENCED_DELETE };
    return new RedisCandidacy(this.scripts, election, ttl, scripts);
  }

  /** The scripts of permanent keys and elections, with this backend's prefix, deadline and errors. */
  private get scripts(): RedisScripts {
    const { keyPrefix, historyLength } = this.options;
    return {
      prefix: keyPrefix,
      run: (what, script, args) => this.command(what, () => this.redis.eval(script, 0, ...args)),
      putArgs: (key, value) => [keyPrefix, key, value, parentOf(key), parentOf(parentOf(key)), String(historyLength)],
      deleteArgs: (key) => [keyPrefix, key, parentOf(key), String(historyLength)],
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.watches.cancelAll();
    this.leases.clear();
    this.redis.disconnect();
  }

  /** Runs while this process has a lease or a watch: expired instances become delete events. */
  private startSweeper(): void {
    if (this.sweeper || this.closed) return;
    this.sweeper = setInterval(() => {
      if (this.leases.size === 0 && this.watches.size === 0) return;
      this.redis.eval(SWEEP, 0, this.options.keyPrefix, String(Date.now()), String(this.options.historyLength)).catch(() => undefined); // the next tick tries again; commands report outages
    }, this.options.sweepInterval);
  }

  private command<T>(what: string, run: () => Promise<T>): Promise<T> {
    return withTimeout(this.connection.gate().then(run), this.requestTimeout, `redis ${what} at ${this.endpoints[0]}`).catch(
      (error: unknown) => {
        throw explainRedisError(error, this.endpoints, this.username, this.connection.error);
      },
    );
  }
}
