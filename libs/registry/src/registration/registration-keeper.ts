import { Inject, Injectable, Logger } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { errorText, MESSAGES } from '../registry.messages.js';
import { RegistryClosedError } from '../errors/registry.error.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import type { ServiceInstance } from '../model/index.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { RegistryOutage } from '../registry-outage.js';
import { Backoff } from '../util/backoff.js';
import { SerialQueue } from '../util/serial-queue.js';
import { LeaseHolder } from './lease-holder.js';
import { RegistrationTable, type ObservedVerdict, type ObservedWrite } from './registration-table.js';
import { registrationStatus, type LeaseState, type Registration, type RegistrationStatus } from './registration-state.js';
import { RenewalJobs } from './renewal-jobs.js';
import { RegistryMetrics } from '../metrics/registry-metrics.js';

/**
 * Keeps every instance of this process registered under its one lease: what is wanted in a
 * {@link RegistrationTable} (changed only here), the lease in a {@link LeaseHolder}, every write
 * in order through a {@link SerialQueue}; renewed by a job, healed and retried while the app runs. @internal
 */
@Injectable()
export class RegistrationKeeper {
  private readonly logger = new Logger(RegistrationKeeper.name);
  private readonly table = new RegistrationTable();
  private readonly holder: LeaseHolder;
  private readonly queue = new SerialQueue();
  private readonly backoff: Backoff;
  private state: LeaseState = 'idle';
  private lastError: { text: string; at: Date } | undefined;
  private tickQueued = false;

  constructor(
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    private readonly jobs: RenewalJobs,
    private readonly outage: RegistryOutage,
    private readonly metrics: RegistryMetrics,
  ) {
    this.holder = new LeaseHolder(backend, options.ttl, metrics);
    this.backoff = new Backoff(options.retryInitialDelay, options.retryMaxDelay);
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  /** Current lease id, if one is held. */
  get leaseId(): string | undefined {
    return this.holder.current?.id;
  }

  /** Registers (or rewrites) an instance: resolves after the first attempt (failures are retried), unconfirmed if removed meanwhile. */
  async put(key: string, instance: ServiceInstance): Promise<Registration> {
    if (this.closed) throw new RegistryClosedError(MESSAGES.closed(`register ${instance.id}`));
    this.jobs.require();
    this.table.set(key, instance);
    this.jobs.startRenewal(this.options.renewIntervalMs, () => this.renew());
    await this.enqueue(`registration of ${instance.id}`, () => this.writePending());
    return this.table.registration(key, this.leaseId) ?? Object.freeze({ key, instance, confirmed: false, heldBy: undefined });
  }

  /** Grants the lease ahead of the first registration (at bootstrap), so registering once the server listens is one write. */
  prepare(): void {
    if (this.closed || this.holder.current) return;
    this.jobs.startRenewal(this.options.renewIntervalMs, () => this.renew());
    void this.enqueue('lease grant', () => this.holder.ensure().then(() => undefined));
  }

  /** What the own-keys watcher saw at one of our keys: a write (`seen`) or a delete (`undefined`); repairs it if needed. */
  observed(key: string, seen: ObservedWrite | undefined): ObservedVerdict {
    const verdict = this.table.observe(key, seen, this.leaseId);
    if (verdict === 'repair') this.repair(key, seen ? 'overwritten' : 'deleted');
    return verdict;
  }

  /** Removes one instance. Resolves after the first attempt; a failure leaves the key to the lease. */
  async remove(key: string): Promise<void> {
    if (!this.table.remove(key) || this.state === 'closed') return;
    await this.enqueue(`deregistration of ${key}`, async () => {
      await this.holder.current?.delete(key);
    });
  }

  /** Puts `key` back after someone else deleted or overwrote it (also when a put of it is in flight). */
  repair(key: string, why: string): void {
    const lost = this.table.isConfirmed(key, this.leaseId) ? 1 : 0; // not counted twice when its lease was lost too
    if (this.closed || !this.table.invalidate(key)) return;
    this.logger.warn(MESSAGES.keyRepaired(key, why));
    this.metrics.repair(why === 'deleted' ? 'key_deleted' : 'key_overwritten', lost);
    void this.enqueue(`repair of ${key}`, () => this.writePending());
  }

  /** The renewal job's tick: one keep-alive, then whatever is unconfirmed is written. Never rejects. */
  renew(): void {
    if (this.closed || this.tickQueued || (!this.holder.current && this.table.size === 0)) return;
    this.tickQueued = true;
    void this.enqueue(this.holder.current ? 'lease renewal' : 'lease grant', async () => {
      this.tickQueued = false;
      await this.tick();
    });
  }

  /** Revokes the lease and stops the jobs; resolves and logs how many keys the registry held. Bounded by the caller. */
  async close(): Promise<number> {
    if (this.closed) return 0;
    this.state = 'closed';
    this.stopJobs();
    await this.queue.idle();
    // A key never written (the registry down since boot) was not there to remove.
    const count = this.registrations().filter((r) => r.confirmed).length;
    const leaseId = await this.holder.revoke();
    if (count > 0) this.logger.log(MESSAGES.deregistered(count, leaseId));
    return count;
  }

  /** Stops timers without touching the registry (used when close() could not finish). */
  stopJobs(): void {
    this.jobs.stop();
  }

  /** This process's registrations. */
  registrations(): readonly Registration[] {
    return this.table.registrations(this.leaseId);
  }

  /** Snapshot for `ServiceRegistry.status()` and the health indicator. */
  status(): RegistrationStatus {
    const { text: lastError, at: lastErrorAt } = this.lastError ?? {};
    const common = { state: this.state, ttl: this.options.ttl, lastError, lastErrorAt, registrations: this.registrations() };
    return registrationStatus({ ...common, ...this.holder.stats() });
  }

  private async tick(): Promise<void> {
    // After a failure, ask cheaply whether the backend is back before the real work, so retries
    // against a backend that is down cost one quick probe each and one comes right after it returns.
    if (this.state === 'degraded') await this.backend.ping();
    const lease = this.holder.current;
    if (lease) {
      // A renewal that works says nothing: Nest's default logger prints every level, debug included.
      if ((await this.holder.renew()) === 'lost') {
        this.logger.warn(MESSAGES.leaseLost(lease.id, this.table.size));
        this.metrics.repair('lease_lost', this.table.registrations(lease.id).filter((r) => r.confirmed).length);
      }
    }
    await this.writePending();
  }

  /**
   * Writes every key not confirmed on the current lease (granting one when there is none). Each
   * key is tried on its own: one the backend refuses does not keep the others out. Stops early
   * only when the backend itself stopped answering.
   */
  private async writePending(): Promise<void> {
    const { lease, fresh } = await this.holder.ensure();
    let failure: Error | undefined;
    for (const key of this.table.pending(lease.id)) {
      if (this.closed) return;
      const ticket = this.table.ticket(key);
      if (!ticket) continue;
      try {
        await lease.put(key, ticket.value);
      } catch (error) {
        failure ??= new Error(MESSAGES.keyWriteFailed(key, error), { cause: error });
        if (!(await this.outage.reachable())) break;
        continue;
      }
      const first = this.table.confirm(ticket, lease.id);
      if (first) this.logger.log(MESSAGES.registered(first.id, key, lease.id));
    }
    if (failure !== undefined) throw failure;
    if (fresh && this.holder.grants > 1) this.logger.log(MESSAGES.healed(lease.id, this.table.size));
  }

  /**
   * Runs `operation` after every queued one. Success with every key confirmed marks the lease
   * healthy; failure records the error and schedules a retry with backoff. Never rejects.
   */
  private enqueue(what: string, operation: () => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      if (this.closed) return;
      try {
        await operation();
        this.outage.succeeded();
        if (this.table.pending(this.leaseId).length > 0) return;
        if (this.table.size > 0) this.state = 'alive';
        this.lastError = undefined;
        this.backoff.reset();
      } catch (error) {
        if (this.closed) return;
        this.state = 'degraded';
        this.lastError = { text: `${what}: ${errorText(error)}`, at: new Date() };
        if (this.jobs.retryPending()) return;
        const wait = this.backoff.next();
        this.outage.failed(what, error, wait);
        this.jobs.retryIn(wait, () => this.renew());
      }
    });
  }
}
