import { errorText } from '../registry.messages.js';
import type { EntryStatus } from './entry-context.js';

/** The freshness part of {@link EntryStatus}. @internal */
export type EntryFreshness = Omit<EntryStatus, 'phase' | 'loaded'>;

/**
 * How fresh one cache entry is: since when it is stale, the last error, whether its watch is
 * connected, the revision of its last full read. Calls `onStale` once when it turns stale.
 * @internal
 */
export class EntryHealth {
  private state: EntryFreshness = Object.freeze({ staleSince: undefined, lastError: undefined, connected: false, revision: undefined });

  constructor(private readonly onStale: (since: Date, error: string, cause: unknown) => void) {}

  get current(): EntryFreshness {
    return this.state;
  }

  /** A full read at `revision` succeeded: fresh again. */
  read(revision: string): void {
    this.set({ staleSince: undefined, lastError: undefined, revision });
  }

  /** The watch stream dropped or came back. */
  connection(connected: boolean, error?: unknown): void {
    this.set({ connected });
    if (!connected && error !== undefined) this.stale(error);
  }

  /** The registry could not be reached for this service. */
  stale(error: unknown): void {
    const lastError = errorText(error);
    if (this.state.staleSince) {
      this.set({ lastError });
      return;
    }
    const since = new Date();
    this.set({ staleSince: since, lastError });
    this.onStale(since, lastError, error);
  }

  private set(change: Partial<EntryFreshness>): void {
    this.state = Object.freeze({ ...this.state, ...change });
  }
}
