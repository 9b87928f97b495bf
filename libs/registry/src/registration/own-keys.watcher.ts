import { Inject, Injectable, Logger } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { RegistryBackend, type BackendEntry, type WatchEvent, type WatchSubscription } from '../backends/registry-backend.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { RegistryOutage } from '../registry-outage.js';
import { Backoff } from '../util/backoff.js';
import { LeaseKeeper } from './lease-keeper.js';

interface PrefixWatch {
  subscription: WatchSubscription | undefined;
  retry: NodeJS.Timeout | undefined;
  readonly backoff: Backoff;
}

/**
 * Watches the service prefixes this process registers under, one watch per prefix, so a key
 * deleted or overwritten by someone else is put back at once rather than at the next renewal.
 * After any resync signal it re-reads the prefix, repairs what is missing and watches again.
 * A key written on another live lease is another process advertising the same address: it is
 * left to that owner (one warning, no write war) and taken over once it is deleted.
 * @internal
 */
@Injectable()
export class OwnKeysWatcher {
  private readonly logger = new Logger(OwnKeysWatcher.name);
  /** Every lease this process held while watching: writes on them are ours, even late. */
  private readonly ownLeases = new Set<string>();
  private readonly prefixes = new Map<string, PrefixWatch>();
  private closed = false;

  constructor(
    private readonly backend: RegistryBackend,
    private readonly keeper: LeaseKeeper,
    private readonly outage: RegistryOutage,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {}

  /** Starts watching `prefix` unless already watched. */
  watch(prefix: string): void {
    if (this.closed || this.prefixes.has(prefix)) return;
    const state: PrefixWatch = {
      subscription: undefined,
      retry: undefined,
      backoff: new Backoff(this.options.retryInitialDelay, this.options.retryMaxDelay),
    };
    this.prefixes.set(prefix, state);
    void this.start(prefix, state);
  }

  /** Cancels every watch and pending retry. */
  async close(): Promise<void> {
    this.closed = true;
    const states = [...this.prefixes.values()];
    this.prefixes.clear();
    for (const state of states) clearTimeout(state.retry);
    await Promise.all(states.map((state) => state.subscription?.cancel() ?? Promise.resolve()));
  }

  private async start(prefix: string, state: PrefixWatch): Promise<void> {
    try {
      const list = await this.backend.list(prefix);
      if (this.closed) return;
      this.check(prefix, list.entries);
      state.backoff.reset();
      state.subscription = this.backend.watch(prefix, list.revision, {
        onEvents: (events) => this.onEvents(events),
        onConnectionChange: () => undefined,
        onResync: () => {
          state.subscription = undefined;
          this.restart(prefix, state, 0);
        },
      });
    } catch (error) {
      const wait = state.backoff.next();
      this.outage.failed(`watching own keys under ${prefix}`, error, wait);
      this.restart(prefix, state, wait);
    }
  }

  private restart(prefix: string, state: PrefixWatch, wait: number): void {
    if (this.closed) return;
    clearTimeout(state.retry);
    state.retry = setTimeout(() => {
      state.retry = undefined;
      void this.start(prefix, state);
    }, wait);
  }

  /** Compares a full read of the prefix with what this process registered there. */
  private check(prefix: string, entries: readonly BackendEntry[]): void {
    const present = new Map(entries.map((entry) => [entry.key, entry]));
    for (const registration of this.keeper.registrations()) {
      if (!registration.key.startsWith(prefix) || !registration.confirmed) continue;
      const entry = present.get(registration.key);
      if (!entry) this.keeper.repair(registration.key, 'deleted');
      else this.onWritten(entry.key, entry.value, entry.lease);
    }
  }

  private onEvents(events: readonly WatchEvent[]): void {
    for (const event of events) {
      if (this.keeper.table.expectedValue(event.key) === undefined) continue;
      if (event.type === 'delete') this.keeper.repair(event.key, 'deleted');
      else this.onWritten(event.key, event.value, event.lease);
    }
  }

  /** Someone wrote one of our keys: another live owner keeps it (no write war); any other foreign write is repaired. */
  private onWritten(key: string, value: string, lease: string | undefined): void {
    if (this.keeper.leaseId !== undefined) this.ownLeases.add(this.keeper.leaseId);
    if (lease !== undefined && !this.ownLeases.has(lease)) {
      if (this.keeper.table.yieldTo(key, lease)) this.logger.warn(MESSAGES.duplicateOwner(key, lease, this.keeper.leaseId));
    } else if (value !== this.keeper.table.expectedValue(key)) {
      this.keeper.repair(key, 'overwritten');
    } else if (lease !== undefined) {
      this.keeper.table.reclaim(key, lease); // a foreign write seen late was followed by ours: we hold it
    }
  }
}
