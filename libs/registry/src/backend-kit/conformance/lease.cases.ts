import assert from 'node:assert/strict';
import { eventually } from '../../testing/eventually.js';
import { keyOf, pairs, prefixOf, recorder, TIMEOUT, value, type ConformanceContext } from './conformance-context.js';

/** Leases and the keys they own: put, delete, many keys per lease, renewal, expiry, another owner. @internal */
export function leaseCases({ api, harness, open }: ConformanceContext): void {
  api.it(
    'answers ping while the server runs',
    async () => {
      await open().ping(); // a backend's ping rejects once its own request timeout has passed
    },
    TIMEOUT,
  );

  api.it(
    'registers and deregisters under a lease; list shows the owner',
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-basic', 1), value('c-basic', 1));
      const listed = await backend.list(prefixOf('c-basic'));
      assert.deepEqual(pairs(listed.entries), [[keyOf('c-basic', 1), value('c-basic', 1)]]);
      if (listed.entries[0]!.lease !== undefined) assert.equal(listed.entries[0]!.lease, lease.id);
      await lease.delete(keyOf('c-basic', 1));
      assert.deepEqual((await backend.list(prefixOf('c-basic'))).entries, []);
      await lease.revoke();
    },
    TIMEOUT,
  );

  api.it(
    'holds many instances on one lease; revoking it removes them all',
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      for (let port = 1; port <= 5; port++) await lease.put(keyOf('c-many', port), value('c-many', port));
      const listed = await backend.list(prefixOf('c-many'));
      assert.equal(listed.entries.length, 5);
      const seen = recorder();
      const watch = backend.watch(prefixOf('c-many'), listed.revision, seen);
      await lease.revoke();
      await eventually(() => assert.equal(seen.events.filter((e) => e.type === 'delete').length, 5));
      assert.deepEqual((await backend.list(prefixOf('c-many'))).entries, []);
      await watch.cancel();
    },
    TIMEOUT,
  );

  api.it(
    'keeps a renewed lease beyond its TTL; an abandoned one expires within TTL + 1.5 s, with a delete event',
    async () => {
      const backend = open();
      const kept = await backend.grantLease(harness.ttl);
      const abandoned = await backend.grantLease(harness.ttl);
      await kept.put(keyOf('c-ttl', 1), value('c-ttl', 1));
      await abandoned.put(keyOf('c-ttl', 2), value('c-ttl', 2));
      const listed = await backend.list(prefixOf('c-ttl'));
      const seen = recorder();
      const watch = backend.watch(prefixOf('c-ttl'), listed.revision, seen);
      abandoned.release(); // what a crash does: nobody keeps this lease alive any more
      const until = Date.now() + (harness.ttl * 1000 * 3) / 2;
      while (Date.now() < until) {
        assert.equal(await kept.renew(), true);
        await new Promise((r) => setTimeout(r, (harness.ttl * 1000) / 3));
      }
      const deadline = { timeout: harness.ttl * 1000 + 1_500 };
      await eventually(
        () =>
          assert.deepEqual(
            seen.events.map((e) => `${e.type} ${e.key}`),
            [`delete ${keyOf('c-ttl', 2)}`],
          ),
        deadline,
      );
      assert.deepEqual(
        (await backend.list(prefixOf('c-ttl'))).entries.map((e) => e.key),
        [keyOf('c-ttl', 1)],
      );
      assert.equal(await abandoned.renew(), false);
      await watch.cancel();
      await kept.revoke();
    },
    TIMEOUT,
  );

  api.it(
    "replaces a key owned by another lease: the new owner's value stays when the old lease ends",
    async () => {
      const backend = open();
      const first = await backend.grantLease(harness.ttl);
      const second = await backend.grantLease(harness.ttl);
      await first.put(keyOf('c-owner', 1), value('c-owner', 1));
      await second.put(keyOf('c-owner', 1), value('c-owner', 2));
      const listed = await backend.list(prefixOf('c-owner'));
      assert.deepEqual(pairs(listed.entries), [[keyOf('c-owner', 1), value('c-owner', 2)]]);
      if (listed.entries[0]!.lease !== undefined) assert.equal(listed.entries[0]!.lease, second.id);
      await first.revoke();
      assert.deepEqual(pairs((await backend.list(prefixOf('c-owner'))).entries), [[keyOf('c-owner', 1), value('c-owner', 2)]]);
      await second.revoke();
      await eventually(async () => assert.deepEqual((await backend.list(prefixOf('c-owner'))).entries, []));
    },
    TIMEOUT,
  );
}
