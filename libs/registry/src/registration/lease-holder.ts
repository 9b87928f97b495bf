import type { RegistryBackend, RegistryLease } from '../backends/registry-backend.js';
import type { LeaseStats } from './registration-state.js';
import type { RegistryMetrics } from '../metrics/registry-metrics.js';

/** What {@link LeaseHolder.renew} found. @internal */
export type RenewOutcome = 'renewed' | 'lost';

/**
 * Holds this process's one lease: grants it when there is none, renews it, replaces it when the
 * backend says it is gone, revokes it at shutdown. Counts grants and renewals for `status()`.
 * @internal
 */
export class LeaseHolder {
  private lease: RegistryLease | undefined;
  private grantCount = 0;
  private renewalCount = 0;
  private renewedAt: Date | undefined;

  constructor(
    private readonly backend: RegistryBackend,
    private readonly ttl: number,
    private readonly metrics?: Pick<RegistryMetrics, 'renewal'>,
  ) {}

  /** The lease held now, if any. */
  get current(): RegistryLease | undefined {
    return this.lease;
  }

  /** Leases granted so far (1 + the number of replacements). */
  get grants(): number {
    return this.grantCount;
  }

  /** The holder's figures for `status()`: lease id, TTL left, last renewal, renewal and grant counts. */
  stats(): LeaseStats {
    return {
      leaseId: this.lease?.id,
      ttlLeftMs: this.ttlLeftMs(),
      lastRenewal: this.renewedAt,
      renewals: this.renewalCount,
      grants: this.grantCount,
    };
  }

  /** Milliseconds before the lease expires if no further renewal succeeds; `undefined` without a lease. */
  ttlLeftMs(now = Date.now()): number | undefined {
    if (!this.lease || !this.renewedAt) return undefined;
    return Math.max(0, this.ttl * 1000 - (now - this.renewedAt.getTime()));
  }

  /** The current lease, or a newly granted one (`fresh: true`) when there is none. */
  async ensure(): Promise<{ lease: RegistryLease; fresh: boolean }> {
    if (this.lease) return { lease: this.lease, fresh: false };
    const lease = await this.backend.grantLease(this.ttl);
    this.lease = lease;
    this.grantCount++;
    this.renewedAt = new Date();
    return { lease, fresh: true };
  }

  /**
   * One keep-alive of the current lease. `lost` when the backend says it is gone: the lease is
   * dropped, and the next {@link ensure} grants a new one. Rejects when the backend cannot be reached.
   */
  async renew(): Promise<RenewOutcome> {
    const lease = this.lease;
    if (!lease) return 'lost';
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const renewed = await lease.renew().catch((error: unknown) => {
      this.metrics?.renewal('failed', seconds());
      throw error;
    });
    this.metrics?.renewal(renewed ? 'renewed' : 'lost', seconds());
    if (!renewed) {
      this.drop(lease);
      return 'lost';
    }
    this.renewalCount++;
    this.renewedAt = new Date();
    return 'renewed';
  }

  /** Forgets `lease` (when it is still the current one) without telling the backend. */
  drop(lease: RegistryLease | undefined = this.lease): void {
    if (!lease || lease !== this.lease) return;
    this.lease = undefined;
    lease.release();
  }

  /** Revokes the lease (every key on it disappears). Returns its id, or `undefined` when none was held. */
  async revoke(): Promise<string | undefined> {
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return undefined;
    try {
      await lease.revoke();
    } finally {
      lease.release();
    }
    return lease.id;
  }
}
