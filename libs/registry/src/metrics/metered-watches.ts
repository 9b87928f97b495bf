import type { RegistryBackend, WatchEvent } from '../backends/registry-backend.js';
import type { RegistryMetrics } from './registry-metrics.js';

/** What a discovery cache entry uses of its backend. @internal */
export type CacheBackend = Pick<RegistryBackend, 'list' | 'watch' | 'endpoints'>;

/** `backend` as the cache sees it, with every watch event and resync counted in `metrics`. @internal */
export function meteredWatches(backend: RegistryBackend, metrics: RegistryMetrics): CacheBackend {
  return {
    endpoints: backend.endpoints,
    list: (prefix) => backend.list(prefix),
    watch: (prefix, afterRevision, listener) =>
      backend.watch(prefix, afterRevision, {
        onEvents: (events: readonly WatchEvent[]) => {
          const deletes = events.filter((event) => event.type === 'delete').length;
          metrics.watched('put', events.length - deletes);
          metrics.watched('delete', deletes);
          listener.onEvents(events);
        },
        onConnectionChange: (connected, error) => listener.onConnectionChange(connected, error),
        onResync: (detail, error, reason) => {
          metrics.resynced(reason);
          listener.onResync(detail, error, reason);
        },
      }),
  };
}
