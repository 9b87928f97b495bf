import type { Etcd3 } from 'etcd3';
import {
  RegistryBackend,
  type Candidacy,
  type ListResult,
  type RegistryLease,
  type WatchListener,
  type WatchSubscription,
} from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';
import { ConcurrencyLimit } from '../../util/concurrency-limit.js';
import { RegistryTimeoutError } from '../../errors/registry.error.js';
import { MESSAGES } from '../../registry.messages.js';
import { WatchSet } from '../watch-set.js';
import { createEtcdClient } from './etcd-client.factory.js';
import type { ResolvedEtcdOptions } from './etcd.options.js';
import { EtcdLease } from './etcd-lease.js';
import { EtcdKeepAlives } from './etcd-keep-alives.js';
import { etcd3 } from './etcd3.peer.js';
import { EtcdWatch } from './etcd-watch.js';
import { explainEtcdError } from './etcd-errors.js';
import { readPrefix } from './etcd-prefix-read.js';
import { rangeFetch, type RangeFetch } from './etcd-range-call.js';
import { EtcdCandidacy } from './etcd-election.js';

/** Prefix reads one backend has in flight at once (the others wait their turn). */
const READS_AT_ONCE = 16;

/** etcd v3 implementation of {@link RegistryBackend}, on the `etcd3` client. @publicApi */
export class EtcdBackend extends RegistryBackend {
  readonly kind = 'etcd';
  readonly endpoints: readonly string[];
  private readonly client: Etcd3;
  /** Page requests of prefix reads, on the main client. */
  private readonly fetchRange: RangeFetch;
  /** Same settings, one attempt per call: `ping()` answers "reachable now?" without retrying. */
  private readonly probe: Etcd3;
  private readonly leases = new Set<EtcdLease>();
  /**
   * Prefix reads in flight at once. A consumer that loads 1 000 services at once would otherwise
   * queue them all in etcd, past each call's deadline (docs/scale.md). A waiting read fails once no
   * read has succeeded for `requestTimeout`: an unreachable etcd still fails every read within it.
   */
  private readonly reads = new ConcurrencyLimit(READS_AT_ONCE);
  /** The one keep-alive stream every lease of this backend renews on. */
  private readonly keepAlives: EtcdKeepAlives;
  private readonly watches = new WatchSet<EtcdWatch>();
  /** Last `cluster_id` seen in a response header; lets watches notice a replaced cluster. */
  private clusterId: string | undefined;
  private mainOpened = false;
  /** A TLS, auth or permission failure as an `ACCESS_DENIED` error that says so; others unchanged. */
  private readonly explain: (error: unknown) => unknown;

  constructor(
    options: ResolvedEtcdOptions,
    private readonly requestTimeout: number,
  ) {
    super();
    this.endpoints = options.hosts;
    this.explain = (error) => explainEtcdError(error, options.hosts, options.auth?.username);
    this.client = createEtcdClient(options, requestTimeout);
    this.fetchRange = rangeFetch(this.client);
    this.probe = createEtcdClient(options, requestTimeout, 1);
    this.keepAlives = new EtcdKeepAlives(
      () => this.client.leaseClient.leaseKeepAlive(),
      (error) => etcd3.castGrpcError(error),
    );
  }

  async ping(): Promise<void> {
    if (!this.mainOpened) {
      // The contract's ping also opens the connection ahead of the first real request; the probe
      // has its own channel, so open the main client's too (the first lease grant after listen()
      // would otherwise pay for it). Its failure is the probe's to report.
      this.mainOpened = true;
      this.client.maintenance.status().catch(() => undefined);
    }
    const status = this.probe.maintenance.status();
    const response = await withTimeout(status, this.requestTimeout, `etcd status at ${this.endpoints.join(', ')}`).catch(this.rethrow);
    this.clusterId = response.header.cluster_id;
  }

  async grantLease(ttl: number): Promise<RegistryLease> {
    const lease = this.client.lease(ttl, { autoKeepAlive: false });
    // A lease that fails to be granted reports `lost`; it is handled by the rejection below.
    lease.on('lost', () => undefined);
    try {
      const id = await withTimeout(lease.grant(), this.requestTimeout, `etcd lease grant (TTL ${ttl} s)`);
      // Tracked until revoked or released, so a long run of lease replacements does not pile up.
      const granted = new EtcdLease(this.client, lease, id, ttl, this.keepAlives, this.requestTimeout, this.explain, (ended) =>
        this.leases.delete(ended),
      );
      this.leases.add(granted);
      return granted;
    } catch (error) {
      lease.release();
      throw this.explain(error);
    }
  }

  async list(prefix: string): Promise<ListResult> {
    const read = () => readPrefix(this.client, this.fetchRange, prefix, (what, request) => withTimeout(request, this.requestTimeout, what));
    const queuedTooLong = () =>
      new RegistryTimeoutError(
        MESSAGES.timeout(
          `etcd range ${prefix}, queued behind ${READS_AT_ONCE} reads in flight none of which succeeded,`,
          this.requestTimeout,
        ),
      );
    const { revision, entries, clusterId } = await this.reads.run(read, this.requestTimeout, queuedTooLong).catch(this.rethrow);
    this.clusterId = clusterId ?? this.clusterId;
    return { revision, entries };
  }

  private readonly rethrow = (error: unknown): never => {
    throw this.explain(error);
  };

  watch(prefix: string, afterRevision: string, listener: WatchListener): WatchSubscription {
    const cluster = { clusterId: this.clusterId };
    return this.watches.add(listener, (tracked) => new EtcdWatch(this.client, prefix, afterRevision, cluster, tracked));
  }

  async putPermanent(key: string, value: string): Promise<void> {
    await withTimeout(this.client.put(key).value(value).exec(), this.requestTimeout, `etcd put ${key}`).catch(this.rethrow);
  }

  async deletePermanent(key: string): Promise<void> {
    await withTimeout(this.client.delete().key(key).exec(), this.requestTimeout, `etcd delete ${key}`).catch(this.rethrow);
  }

  candidacy(election: string, ttl: number): Candidacy {
    return new EtcdCandidacy(this.client, election, ttl, (t) => this.grantLease(t), this.requestTimeout, this.explain);
  }

  /**
   * Cancels watches and releases leases before closing the client: `client.close()` alone
   * leaves their retry loops running and the process alive.
   */
  async close(): Promise<void> {
    await this.watches.cancelAll();
    for (const lease of [...this.leases]) lease.release();
    this.keepAlives.close();
    this.client.close();
    this.probe.close();
  }
}
