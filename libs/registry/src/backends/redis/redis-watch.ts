import type { Redis } from 'ioredis';
import type { ResyncReason, WatchEvent, WatchListener, WatchSubscription } from '../registry-backend.js';
import { compareStreamIds } from './redis-stream-id.js';

/** Entries after the watch's id were trimmed from the change log. */
class TrimmedError extends Error {}

function toEvent(id: string, fields: string[]): WatchEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const key = map.get('k');
  if (key === undefined) return undefined;
  if (map.get('t') === 'put') return { type: 'put', key, value: map.get('v') ?? '', lease: map.get('s') || undefined, revision: id };
  return { type: 'delete', key, revision: id };
}

/**
 * One watch on the change-log stream, on its own blocking connection (XREAD BLOCK), from a
 * stream id. Ends with `onResync` when the entries after its id were trimmed away, or when its
 * connection drops (the server may have restarted empty: a restart loses deletes, so resuming
 * would not be enough).
 * @internal
 */
export class RedisWatch implements WatchSubscription {
  private active = true;
  private after: string;

  constructor(
    private readonly connection: Redis,
    private readonly log: string,
    private readonly prefix: string,
    afterRevision: string,
    private readonly listener: WatchListener,
  ) {
    this.after = afterRevision;
    connection.on('error', () => undefined);
    connection.once('close', () => this.finish('the connection to Redis dropped; events may have been missed', undefined, 'reconnected'));
    void this.run();
  }

  async cancel(): Promise<void> {
    this.active = false;
    this.connection.disconnect();
  }

  private async run(): Promise<void> {
    try {
      await this.checkHistory();
      if (this.active) this.listener.onConnectionChange(true);
      while (this.active) {
        const reply = await this.connection.xread('COUNT', 500, 'BLOCK', 1_000, 'STREAMS', this.log, this.after);
        if (!this.active || !reply) continue;
        const events: WatchEvent[] = [];
        for (const [id, fields] of reply[0]![1]) {
          this.after = id;
          const event = toEvent(id, fields);
          if (event && event.key.startsWith(this.prefix)) events.push(event);
        }
        if (events.length > 0) this.listener.onEvents(events);
      }
    } catch (error) {
      this.finish(
        error instanceof TrimmedError ? error.message : 'the watch failed',
        error,
        error instanceof TrimmedError ? 'compacted' : 'failed',
      );
    }
  }

  /** Resync when entries after our id were trimmed from the stream (Redis ≥ 7: max-deleted-entry-id). */
  private async checkHistory(): Promise<void> {
    const info = (await this.connection.call('XINFO', 'STREAM', this.log).catch(() => null)) as unknown[] | null;
    if (!info) return; // no stream yet: nothing was ever trimmed
    const index = info.indexOf('max-deleted-entry-id');
    const maxDeleted = index >= 0 ? String(info[index + 1]) : '0-0';
    if (compareStreamIds(maxDeleted, this.after) > 0) {
      throw new TrimmedError(`history after ${this.after} was trimmed (compacted) up to ${maxDeleted}`);
    }
  }

  private finish(detail: string, error: unknown, reason: ResyncReason): void {
    if (!this.active) return;
    this.active = false;
    this.connection.disconnect();
    this.listener.onConnectionChange(false, error ?? detail);
    this.listener.onResync(detail, error, reason);
  }
}
