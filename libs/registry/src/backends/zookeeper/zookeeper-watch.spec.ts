import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { eventually } from '../../testing/eventually.js';
import type { WatchEvent } from '../registry-backend.js';
import type { ZkClient } from './zk-client.js';
import { NATIVE_LAYOUT } from './zk-layout.js';
import { ZooKeeperWatch } from './zookeeper-watch.js';

/**
 * The service znode is created between the watch's getChildren (no node yet) and its exists
 * call: exists then arms only a data watch, so the watch must read the children again itself.
 */
describe('ZooKeeperWatch', () => {
  it('reads again when the service znode appears between getChildren and exists', async () => {
    let created = false;
    const stub = {
      raw: new EventEmitter(),
      getChildren: async () => (created ? ['127.0.0.1:2'] : undefined),
      exists: async () => {
        created = true; // created by another client right now; no children watch is armed
        return {};
      },
      getData: async () => ({ data: 'v2', stat: { mzxid: Buffer.from([1]) } }),
    };
    const events: WatchEvent[] = [];
    const watch = new ZooKeeperWatch(
      stub as unknown as ZkClient,
      '/rpc/svc:1.0/',
      new Map(),
      {
        onEvents: (e) => events.push(...e),
        onResync: () => undefined,
        onConnectionChange: () => undefined,
      },
      NATIVE_LAYOUT,
    );
    await eventually(() => expect(events.map((e) => e.type === 'put' && e.key)).toEqual(['/rpc/svc:1.0/127.0.0.1:2']), { timeout: 1_000 });
    await watch.cancel();
  });
});
