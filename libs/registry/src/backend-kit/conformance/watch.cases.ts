import assert from 'node:assert/strict';
import { createDiscoveryClient } from '../../discovery/create-discovery-client.js';
import { eventually } from '../../testing/eventually.js';
import { keyOf, prefixOf, recorder, TIMEOUT, value, type ConformanceContext } from './conformance-context.js';

/** Watches: prefix isolation, no gap after the read, failures only through onResync, malformed values. @internal */
export function watchCases({ api, harness, open }: ConformanceContext): void {
  api.it(
    'keeps prefixes apart: "user" never sees "user-service"',
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-user', 1), value('c-user', 1));
      await lease.put(keyOf('c-user-service', 2), value('c-user-service', 2));
      const listed = await backend.list(prefixOf('c-user'));
      assert.deepEqual(
        listed.entries.map((e) => e.key),
        [keyOf('c-user', 1)],
      );
      const seen = recorder();
      const watch = backend.watch(prefixOf('c-user'), listed.revision, seen);
      await lease.put(keyOf('c-user-service', 3), value('c-user-service', 3));
      await lease.put(keyOf('c-user', 4), value('c-user', 4));
      await eventually(() =>
        assert.deepEqual(
          seen.events.map((e) => e.key),
          [keyOf('c-user', 4)],
        ),
      );
      await watch.cancel();
      await lease.revoke();
    },
    TIMEOUT,
  );

  api.it(
    'watches from a read revision without a gap: changes made between the read and the watch arrive',
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-gap', 1), value('c-gap', 1));
      const listed = await backend.list(prefixOf('c-gap'));
      await lease.put(keyOf('c-gap', 2), value('c-gap', 2)); // after the read, before the watch
      await lease.delete(keyOf('c-gap', 1));
      const seen = recorder();
      const watch = backend.watch(prefixOf('c-gap'), listed.revision, seen);
      await lease.put(keyOf('c-gap', 3), value('c-gap', 3));
      const expected = [`put ${keyOf('c-gap', 2)}`, `delete ${keyOf('c-gap', 1)}`, `put ${keyOf('c-gap', 3)}`];
      await eventually(() =>
        assert.deepEqual(
          seen.events.map((e) => `${e.type} ${e.key}`),
          expected,
        ),
      );
      await watch.cancel();
      await lease.revoke();
    },
    TIMEOUT,
  );

  api.it(
    'never throws from watch(): on a closed backend the failure arrives through onResync',
    async () => {
      const backend = harness.factory().create({ requestTimeout: 2_000 });
      const listed = await backend.list(prefixOf('c-closed'));
      await backend.close();
      const seen = recorder();
      const watch = backend.watch(prefixOf('c-closed'), listed.revision, seen);
      await eventually(() => assert.equal(seen.resyncs.length, 1));
      await watch.cancel();
    },
    TIMEOUT,
  );

  api.it(
    'skips malformed values with a warning and serves the others (through DiscoveryClient)',
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-bad', 1), value('c-bad', 1));
      await lease.put(keyOf('c-bad', 2), 'not json');
      const discovery = await createDiscoveryClient({ backend: harness.factory(), host: '127.0.0.1' });
      try {
        assert.deepEqual(
          (await discovery.getInstances('c-bad')).map((i) => i.servicePort),
          [1],
        );
        await lease.put(keyOf('c-bad', 3), '{"serviceName":"c-bad"}');
        await lease.put(keyOf('c-bad', 4), value('c-bad', 4));
        await eventually(() =>
          assert.deepEqual(
            discovery.getInstancesSync('c-bad').map((i) => i.servicePort),
            [1, 4],
          ),
        );
      } finally {
        await discovery.close();
        await lease.revoke();
      }
    },
    TIMEOUT,
  );
}
