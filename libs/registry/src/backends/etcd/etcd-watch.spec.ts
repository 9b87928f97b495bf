import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { Etcd3 } from 'etcd3';
import type { WatchListener } from '../registry-backend.js';
import { CONNECT_TIMEOUT, EtcdWatch } from './etcd-watch.js';

/** A client whose one watcher is an EventEmitter the test drives. */
function fakeClient(): { client: Etcd3; watcher: EventEmitter & { cancel: () => Promise<void> } } {
  const watcher = Object.assign(new EventEmitter(), { cancel: async () => undefined });
  const builder = { prefix: () => builder, startRevision: () => builder, watcher: () => watcher };
  return { client: { watch: () => builder } as unknown as Etcd3, watcher };
}

function recorder(): { listener: WatchListener; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    listener: {
      onEvents: () => calls.push('events'),
      onConnectionChange: (connected, error) => calls.push(`connected=${connected}${error ? `: ${(error as Error).message}` : ''}`),
      onResync: (reason) => calls.push(`resync: ${reason}`),
    },
  };
}

describe('EtcdWatch connect deadline', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('a watch etcd never confirms reports a lost connection (stale) and resyncs', () => {
    const { client } = fakeClient();
    const { listener, calls } = recorder();
    new EtcdWatch(client, '/rpc/s:1.0/', '5', { clusterId: undefined }, listener);
    jest.advanceTimersByTime(CONNECT_TIMEOUT - 1);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1);
    const why = `the watch of /rpc/s:1.0/ was not confirmed by etcd within ${CONNECT_TIMEOUT} ms`;
    expect(calls).toEqual([`connected=false: ${why}`, `resync: ${why}`]);
  });

  it('a confirmed or cancelled watch has no deadline', () => {
    const confirmed = fakeClient();
    const first = recorder();
    new EtcdWatch(confirmed.client, '/rpc/s:1.0/', '5', { clusterId: undefined }, first.listener);
    confirmed.watcher.emit('connected', { header: { revision: '6' } });
    const cancelled = fakeClient();
    const second = recorder();
    void new EtcdWatch(cancelled.client, '/rpc/s:1.0/', '5', { clusterId: undefined }, second.listener).cancel();
    jest.advanceTimersByTime(CONNECT_TIMEOUT * 2);
    expect(first.calls).toEqual(['connected=true']);
    expect(second.calls).toEqual([]);
  });
});

describe('EtcdWatch resync reasons', () => {
  it('tells a compacted start revision (a cancel without reason) from any other failure', () => {
    const seen: string[] = [];
    const watch = (): EventEmitter => {
      const { client, watcher } = fakeClient();
      new EtcdWatch(
        client,
        '/rpc/s:1.0/',
        '5',
        { clusterId: undefined },
        {
          onEvents: () => undefined,
          onConnectionChange: () => undefined,
          onResync: (detail, _error, reason) => seen.push(`${reason}: ${detail}`),
        },
      );
      return watcher;
    };
    watch().emit('error', new Error('Watcher canceled: '));
    watch().emit('error', new Error('Watcher canceled: etcdserver: mvcc: required revision has been compacted'));
    watch().emit('error', new Error('Watcher canceled: etcdserver: mvcc: required revision is a future revision'));
    watch().emit('end');
    watch().emit('connected', { header: { revision: '6', cluster_id: '2' } });
    expect(seen).toEqual([
      'compacted: the revision to resume from was compacted',
      'compacted: the revision to resume from was compacted',
      'failed: the watch failed',
      'ended: the watch ended',
    ]);
  });
});
