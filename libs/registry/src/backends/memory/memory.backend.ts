import {
  RegistryBackend,
  type Candidacy,
  type ListResult,
  type RegistryLease,
  type WatchListener,
  type WatchSubscription,
} from '../registry-backend.js';
import type { MemoryRegistryStore } from './memory-registry.store.js';

/**
 * In-process {@link RegistryBackend} over a {@link MemoryRegistryStore}: real TTL expiry,
 * revisions and gap-free watches, no network. For unit tests and single-process development;
 * separate processes do not share it. @publicApi
 */
export class MemoryBackend extends RegistryBackend {
  readonly kind = 'memory';
  readonly endpoints: readonly string[] = ['memory'];
  private readonly stops = new Set<() => void>();
  private closed = false;

  constructor(readonly store: MemoryRegistryStore) {
    super();
  }

  async ping(): Promise<void> {
    this.guard();
  }

  async grantLease(ttl: number): Promise<RegistryLease> {
    this.guard();
    const store = this.store;
    const id = store.grant(ttl);
    return {
      id,
      ttl,
      put: async (key, value) => store.put(key, value, id),
      delete: async (key) => store.delete(key),
      renew: async () => store.keepAlive(id),
      revoke: async () => store.revoke(id),
      release: () => undefined,
    };
  }

  async list(prefix: string): Promise<ListResult> {
    this.guard();
    return this.store.list(prefix);
  }

  watch(prefix: string, afterRevision: string, listener: WatchListener): WatchSubscription {
    try {
      this.guard();
    } catch (error) {
      // The contract: watch() never throws; a watch that cannot start ends at once with a resync.
      queueMicrotask(() => listener.onResync('the memory registry is closed or unavailable', error, 'closed'));
      return { cancel: async () => undefined };
    }
    const stop = this.store.watch(prefix, afterRevision, listener);
    this.stops.add(stop);
    return {
      cancel: async () => {
        this.stops.delete(stop);
        stop();
      },
    };
  }

  async putPermanent(key: string, value: string): Promise<void> {
    this.guard();
    this.store.put(key, value);
  }

  async deletePermanent(key: string): Promise<void> {
    this.guard();
    this.store.delete(key);
  }

  candidacy(election: string, ttl: number): Candidacy {
    return this.store.elections.candidacy(election, ttl, () => this.guard());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stops) stop();
    this.stops.clear();
  }

  private guard(): void {
    if (this.closed) throw new Error('memory backend is closed');
    this.store.check();
  }
}
