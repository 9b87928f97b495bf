import { Inject, Injectable, Logger } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { errorText, MESSAGES } from '../registry.messages.js';
import { RegistryClosedError } from '../errors/registry.error.js';
import { RegistryBackend, type RegistrySession } from '../backends/registry-backend.js';
import { encodeInstance, type ServiceInstance } from '../model/service-instance.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { Backoff } from '../util/backoff.js';
import type { LeaseState, Registration, RegistrationStatus } from './registration-state.js';
import { RenewalJobs } from './renewal-jobs.js';

interface Entry {
  instance: ServiceInstance;
  value: string;
  /** Session the key was last confirmed on, if any. */
  confirmedOn: string | undefined;
  /** Whether "Registered" was logged for this value. */
  announced: boolean;
}

/**
 * Keeps every instance of this process registered under one lease.
 *
 * - One lease (session) per process; a job in the app's `SchedulerRegistry` renews it every
 *   renewal interval with one keep-alive.
 * - A lease reported gone is replaced and every key put again; a failed operation is retried
 *   with capped, jittered backoff for as long as the app runs.
 * - All mutations run one at a time on a queue, so a tick never overlaps a repair or itself.
 */
@Injectable()
export class LeaseKeeper {
  private readonly logger = new Logger(LeaseKeeper.name);
  private readonly entries = new Map<string, Entry>();
  private readonly backoff: Backoff;
  private session: RegistrySession | undefined;
  private queue: Promise<void> = Promise.resolve();
  private renewQueued = false;
  private closed = false;
  private state: LeaseState = 'idle';
  private lastRenewal: Date | undefined;
  private renewals = 0;
  private grants = 0;
  private lastError: { text: string; at: Date } | undefined;
  /** Called after a new lease replaced a lost one; the own-keys watcher re-checks then. */
  onSessionChanged: (sessionId: string) => void = () => undefined;

  constructor(
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    private readonly jobs: RenewalJobs,
  ) {
    this.backoff = new Backoff(options.retryInitialDelay, options.retryMaxDelay);
  }

  /** Current lease id, if one is held. */
  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** The value this process wants at `key`, or `undefined` if the key is not one of ours. */
  expectedValue(key: string): string | undefined {
    return this.entries.get(key)?.value;
  }

  /** Registers (or rewrites) an instance. Resolves after the first attempt; failures are retried. */
  async put(key: string, instance: ServiceInstance): Promise<Registration> {
    if (this.closed) throw new RegistryClosedError(MESSAGES.closed(`register ${instance.id}`));
    this.jobs.require();
    const announced = this.entries.get(key)?.announced ?? false;
    this.entries.set(key, { instance, value: encodeInstance(instance), confirmedOn: undefined, announced });
    this.jobs.startRenewal(this.options.renewIntervalMs, () => this.renew());
    await this.enqueue(`register ${instance.id}`, async () => {
      const session = await this.ensureSession();
      await this.write(session, key);
    });
    return this.registration(key)!;
  }

  /** Removes one instance. Resolves after the first attempt; a failure leaves the key to the lease. */
  async remove(key: string): Promise<void> {
    if (!this.entries.delete(key) || this.closed) return;
    await this.enqueue(`deregister ${key}`, async () => {
      if (this.session) await this.session.delete(key);
    });
  }

  /** Puts `key` back after someone else deleted or overwrote it. */
  repair(key: string, why: string): void {
    const entry = this.entries.get(key);
    if (this.closed || !entry) return;
    entry.confirmedOn = undefined;
    void this.enqueue(`repair ${key}`, async () => {
      const session = await this.ensureSession();
      const current = this.entries.get(key);
      if (!current || current.confirmedOn === session.id) return;
      this.logger.warn(MESSAGES.keyRepaired(key, why));
      await this.write(session, key);
    });
  }

  /** The renewal job's tick: one keep-alive, or a repair when something is missing. Never rejects. */
  renew(): void {
    if (this.closed || this.renewQueued || (!this.session && this.entries.size === 0)) return;
    this.renewQueued = true;
    void this.enqueue('lease renewal', async () => {
      this.renewQueued = false;
      await this.renewNow();
    });
  }

  /** Revokes the lease (removing every key) and stops all jobs. Bounded by `shutdownTimeout` by the caller. */
  async close(): Promise<number> {
    if (this.closed) return 0;
    this.closed = true;
    this.state = 'closed';
    this.stopJobs();
    const count = this.entries.size;
    await this.queue.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    if (session) {
      try {
        await session.revoke();
      } finally {
        session.release();
      }
    }
    this.logger.log(MESSAGES.deregistered(count, session?.id));
    return count;
  }

  /** Stops timers without touching the registry (used when close() could not finish). */
  stopJobs(): void {
    this.jobs.stop();
  }

  /** This process's registrations. */
  registrations(): readonly Registration[] {
    return Object.freeze([...this.entries.keys()].map((key) => this.registration(key)!));
  }

  /** Snapshot for `ServiceRegistry.status()` and the health indicator. */
  status(): RegistrationStatus {
    const registrations = this.registrations();
    const ttlLeftMs =
      this.lastRenewal && this.session ? Math.max(0, this.options.ttl * 1000 - (Date.now() - this.lastRenewal.getTime())) : undefined;
    return Object.freeze({
      state: this.state,
      sessionId: this.session?.id,
      ttl: this.options.ttl,
      ttlLeftMs,
      lastRenewal: this.lastRenewal,
      renewals: this.renewals,
      grants: this.grants,
      lostRegistrations: Object.freeze(registrations.filter((r) => !r.confirmed).map((r) => r.key)),
      lastError: this.lastError?.text,
      lastErrorAt: this.lastError?.at,
      registrations,
    });
  }

  private registration(key: string): Registration | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const confirmed = entry.confirmedOn !== undefined && entry.confirmedOn === this.session?.id;
    return Object.freeze({ key, instance: entry.instance, confirmed });
  }

  private async renewNow(): Promise<void> {
    // After a failure, ask cheaply whether the backend is back before the real work, so retries
    // against a backend that is down cost one quick probe each and one comes right after it returns.
    if (this.state === 'degraded') await this.backend.ping();
    if (!this.session) {
      await this.ensureSession();
    } else if (!(await this.renewSession(this.session))) {
      this.logger.warn(MESSAGES.sessionLost(this.session.id, this.entries.size));
      this.session.release();
      this.session = undefined;
      await this.ensureSession();
    } else {
      this.markRenewed();
      this.renewals++;
      this.logger.verbose(MESSAGES.renewed(this.session.id, this.entries.size));
    }
    const session = this.session!;
    for (const [key, entry] of this.entries) {
      if (entry.confirmedOn !== session.id) await this.write(session, key);
    }
  }

  /**
   * One keep-alive, tried a second time at once if the first could not reach the backend: with
   * several endpoints the second goes to another member, so one dead member does not turn a
   * healthy lease into a failed renewal.
   */
  private async renewSession(session: RegistrySession): Promise<boolean> {
    try {
      return await session.renew();
    } catch {
      return session.renew();
    }
  }

  /** Returns the current session, granting a new one (and re-putting every key) when there is none. */
  private async ensureSession(): Promise<RegistrySession> {
    if (this.session) return this.session;
    const hadOne = this.grants > 0;
    const session = await this.backend.openSession(this.options.ttl);
    if (this.closed) {
      session.release();
      throw new RegistryClosedError(MESSAGES.closed('lease grant'));
    }
    this.session = session;
    this.grants++;
    this.markRenewed();
    for (const key of this.entries.keys()) await this.write(session, key);
    if (hadOne) {
      this.logger.log(MESSAGES.healed(session.id, this.entries.size));
      this.onSessionChanged(session.id);
    }
    return session;
  }

  private async write(session: RegistrySession, key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    await session.put(key, entry.value);
    // The entry may have been replaced (setStatus) or removed while the put was in flight.
    if (this.entries.get(key) !== entry) return;
    entry.confirmedOn = session.id;
    if (!entry.announced) {
      entry.announced = true;
      this.logger.log(MESSAGES.registered(entry.instance.id, key, session.id));
    }
  }

  private markRenewed(): void {
    this.lastRenewal = new Date();
  }

  /**
   * Runs `operation` after every queued one. Success marks the lease healthy; failure records
   * the error and schedules a retry with backoff. Never rejects.
   */
  private enqueue(what: string, operation: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.closed) return;
      try {
        await operation();
        if ([...this.entries.values()].every((e) => e.confirmedOn === this.session?.id)) {
          this.state = this.entries.size > 0 ? 'alive' : this.state;
          this.lastError = undefined;
          this.backoff.reset();
        }
      } catch (error) {
        if (this.closed) return;
        this.state = 'degraded';
        this.lastError = { text: `${what}: ${errorText(error)}`, at: new Date() };
        this.scheduleRetry(what, error);
      }
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  private scheduleRetry(what: string, error: unknown): void {
    if (this.closed || this.jobs.retryPending()) return;
    const wait = this.backoff.next();
    this.logger.warn(MESSAGES.operationFailed(what, this.backend.endpoints, error, wait));
    this.jobs.retryIn(wait, () => this.renew());
  }
}
