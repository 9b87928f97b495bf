import { Inject, Injectable, Logger } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { RegistryBackend, type BackendEntry, type WatchEvent } from '../backends/registry-backend.js';
import { PrefixSync } from '../backends/prefix-sync.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { RegistryOutage } from '../registry-outage.js';
import { RegistrationKeeper } from './registration-keeper.js';

/**
 * Watches the service prefixes this process registers under, one {@link PrefixSync} per prefix,
 * so a key deleted or overwritten by someone else is put back at once rather than at the next
 * renewal. Every full read (the first, and each after a resync) is compared with what this
 * process registered there; every event is handed to the keeper, which decides: repair, leave it
 * to another live owner (one warning, no write war), or nothing.
 * @internal
 */
@Injectable()
export class OwnKeysWatcher {
  private readonly logger = new Logger(OwnKeysWatcher.name);
  private readonly prefixes = new Map<string, PrefixSync>();
  private closed = false;

  constructor(
    private readonly backend: RegistryBackend,
    private readonly keeper: RegistrationKeeper,
    private readonly outage: RegistryOutage,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {}

  /** Starts watching `prefix` unless already watched. */
  watch(prefix: string): void {
    if (this.closed || this.prefixes.has(prefix)) return;
    const sync = new PrefixSync(this.backend, prefix, this.options, {
      onList: (entries) => this.check(prefix, entries),
      onListFailed: (error, wait) => this.outage.failed(`watching own keys under ${prefix}`, error, wait),
      onEvents: (events) => this.onEvents(events),
      onConnectionChange: () => undefined,
      onResync: () => undefined,
    });
    this.prefixes.set(prefix, sync);
    sync.relist({ reason: 'first_read', detail: `first read of ${prefix}` });
  }

  /** Cancels every watch and pending read. */
  async close(): Promise<void> {
    this.closed = true;
    const syncs = [...this.prefixes.values()];
    this.prefixes.clear();
    await Promise.all(syncs.map((sync) => sync.close()));
  }

  /** Compares a full read of the prefix with what this process registered there. */
  private check(prefix: string, entries: readonly BackendEntry[]): void {
    const present = new Map(entries.map((entry) => [entry.key, entry]));
    for (const registration of this.keeper.registrations()) {
      if (!registration.key.startsWith(prefix) || !registration.confirmed) continue;
      this.observe(registration.key, present.get(registration.key));
    }
  }

  private onEvents(events: readonly WatchEvent[]): void {
    for (const event of events) this.observe(event.key, event.type === 'put' ? event : undefined);
  }

  private observe(key: string, seen: { value: string; lease?: string } | undefined): void {
    if (this.keeper.observed(key, seen) === 'yielded') this.logger.warn(MESSAGES.duplicateOwner(key, seen!.lease!, this.keeper.leaseId));
  }
}
