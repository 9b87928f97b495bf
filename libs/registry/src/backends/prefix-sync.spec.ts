import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { ListResult, WatchListener } from './registry-backend.js';
import { PrefixSync, type PrefixSyncHandler } from './prefix-sync.js';

/** A backend whose reads the test answers and whose watches it drives. */
function fakeBackend() {
  const reads: Array<{ resolve: (list: ListResult) => void; reject: (error: Error) => void }> = [];
  const watches: Array<{ revision: string; listener: WatchListener; cancelled: boolean }> = [];
  return {
    reads,
    watches,
    backend: {
      list: () => new Promise<ListResult>((resolve, reject) => reads.push({ resolve, reject })),
      watch: (_prefix: string, revision: string, listener: WatchListener) => {
        const watch = { revision, listener, cancelled: false };
        watches.push(watch);
        return { cancel: async () => void (watch.cancelled = true) };
      },
    },
  };
}

function recorder(): PrefixSyncHandler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    onList: (entries, revision, cause) => calls.push(`list ${entries.length}@${revision} (${cause.reason})`),
    onListFailed: (error, wait) => calls.push(`failed: ${(error as Error).message}, next in ${wait > 0 ? '>0' : '0'}`),
    onEvents: (events) => calls.push(`events ${events.length}`),
    onConnectionChange: (connected) => calls.push(`connected=${connected}`),
    onResync: (cause) => calls.push(`resync ${cause.reason}: ${cause.detail}`),
  };
}

describe('PrefixSync (the list → watch → resync loop)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads, watches from the read, and after a resync reads and watches again', async () => {
    const { backend, reads, watches } = fakeBackend();
    const handler = recorder();
    const sync = new PrefixSync(backend, '/rpc/s:1.0/', { retryInitialDelay: 100, retryMaxDelay: 1_000 }, handler);
    sync.relist({ reason: 'first_read', detail: 'first' });
    expect(sync.phase).toBe('waiting');
    await jest.advanceTimersByTimeAsync(0);
    expect(sync.phase).toBe('relisting');
    reads[0]!.resolve({ revision: '7', entries: [] });
    await jest.advanceTimersByTimeAsync(0);
    expect(sync.phase).toBe('watching');
    expect(watches.map((w) => w.revision)).toEqual(['7']);
    watches[0]!.listener.onEvents([{ type: 'delete', key: '/rpc/s:1.0/h:1', revision: '8' }]);
    watches[0]!.listener.onResync('the revision was compacted', undefined, 'compacted');
    await jest.advanceTimersByTimeAsync(0);
    reads[1]!.resolve({ revision: '12', entries: [{ key: '/rpc/s:1.0/h:1', value: '{}' }] });
    await jest.advanceTimersByTimeAsync(0);
    expect(watches.map((w) => w.revision)).toEqual(['7', '12']);
    expect(handler.calls).toEqual([
      'list 0@7 (first_read)',
      'events 1',
      'resync compacted: the revision was compacted',
      'list 1@12 (compacted)',
    ]);
    await sync.close();
    expect(watches[1]!.cancelled).toBe(true);
  });

  it('retries a failed read with growing backoff, keeping the first cause, until one succeeds', async () => {
    const { backend, reads, watches } = fakeBackend();
    const handler = recorder();
    const sync = new PrefixSync(backend, '/p/', { retryInitialDelay: 100, retryMaxDelay: 1_000 }, handler);
    sync.relist({ reason: 'requested', detail: 'asked' });
    await jest.advanceTimersByTimeAsync(0);
    reads[0]!.reject(new Error('down'));
    await jest.advanceTimersByTimeAsync(0);
    expect(sync.phase).toBe('waiting');
    await jest.advanceTimersByTimeAsync(49);
    expect(reads).toHaveLength(1); // the first wait is at least half the initial delay
    await jest.advanceTimersByTimeAsync(51);
    expect(reads).toHaveLength(2);
    reads[1]!.resolve({ revision: '3', entries: [] });
    await jest.advanceTimersByTimeAsync(0);
    expect(handler.calls).toEqual(['failed: down, next in >0', 'list 0@3 (requested)']);
    expect(watches).toHaveLength(1);
    await sync.close();
  });

  it('watches from a read made elsewhere on the next turn, and nothing runs after close()', async () => {
    const { backend, reads, watches } = fakeBackend();
    const sync = new PrefixSync(backend, '/p/', { retryInitialDelay: 100, retryMaxDelay: 1_000 }, recorder());
    sync.watchFrom('4');
    expect(watches).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(0);
    expect(watches.map((w) => w.revision)).toEqual(['4']);
    sync.relist({ reason: 'requested', detail: 'asked' });
    await sync.close();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(reads).toHaveLength(0);
    expect(sync.phase).toBe('closed');
  });
});
