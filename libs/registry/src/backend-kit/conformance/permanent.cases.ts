import assert from 'node:assert/strict';
import { eventually } from '../../testing/eventually.js';
import { electionKey } from '../../model/index.js';
import { keyOf, pairs, prefixOf, recorder, TIMEOUT, value, type ConformanceContext } from './conformance-context.js';

/** Permanent keys (no lease) and leader elections with fenced writes. @internal */
export function permanentCases({ api, harness, open }: ConformanceContext): void {
  const ttlMs = harness.ttl * 1000;

  api.it(
    'keeps a permanent key with no owner beyond every lease; a watch sees its put and its delete',
    async () => {
      const backend = open();
      const listed = await backend.list(prefixOf('c-perm'));
      const seen = recorder();
      const watch = backend.watch(prefixOf('c-perm'), listed.revision, seen);
      await backend.putPermanent(keyOf('c-perm', 1), value('c-perm', 1));
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-perm', 2), value('c-perm', 2));
      lease.release(); // the leased key goes within its TTL; the permanent one stays
      await eventually(
        async () => assert.deepEqual(pairs((await backend.list(prefixOf('c-perm'))).entries), [[keyOf('c-perm', 1), value('c-perm', 1)]]),
        {
          timeout: ttlMs + 1_500,
        },
      );
      assert.equal((await backend.list(prefixOf('c-perm'))).entries[0]!.lease, undefined);
      await backend.deletePermanent(keyOf('c-perm', 1));
      await backend.deletePermanent(keyOf('c-perm', 9)); // absent: a no-op
      assert.deepEqual((await backend.list(prefixOf('c-perm'))).entries, []);
      const mine = (type: string) => seen.events.filter((e) => e.key === keyOf('c-perm', 1) && e.type === type).length;
      await eventually(() => assert.deepEqual([mine('put'), mine('delete')], [1, 1]));
      await watch.cancel();
    },
    TIMEOUT,
  );

  api.it(
    "replaces a leased key with a permanent one, which the old lease's end does not remove",
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-perm-over', 1), value('c-perm-over', 1));
      await backend.putPermanent(keyOf('c-perm-over', 1), value('c-perm-over', 2));
      await lease.revoke();
      assert.deepEqual(pairs((await backend.list(prefixOf('c-perm-over'))).entries), [[keyOf('c-perm-over', 1), value('c-perm-over', 2)]]);
      await backend.deletePermanent(keyOf('c-perm-over', 1));
    },
    TIMEOUT,
  );

  api.it(
    'keeps permanent keys across a server restart that keeps its data',
    async () => {
      await open().putPermanent(keyOf('c-perm-restart', 1), value('c-perm-restart', 1));
      await harness.restart({ empty: false });
      const after = open();
      await eventually(
        async () =>
          assert.deepEqual(pairs((await after.list(prefixOf('c-perm-restart'))).entries), [
            [keyOf('c-perm-restart', 1), value('c-perm-restart', 1)],
          ]),
        { timeout: 15_000, interval: 200 },
      );
      await after.deletePermanent(keyOf('c-perm-restart', 1));
    },
    TIMEOUT,
  );

  api.it(
    'elects one leader; only its writes land (compare-and-set when asked); when it stops, another leads within TTL + 1.5 s and the old one can write no more',
    async () => {
      const election = electionKey('rpc', 'c-election');
      const [a, b] = [open().candidacy(election, harness.ttl), open().candidacy(election, harness.ttl)];
      const first = await a.campaign();
      assert.deepEqual([first, await b.campaign()], [true, false]);
      assert.ok(a.token !== undefined && b.token === undefined);
      assert.equal(await a.put(keyOf('c-fenced', 1), value('c-fenced', 1)), 'written');
      assert.equal(await b.put(keyOf('c-fenced', 1), value('c-fenced', 2)), 'fenced');
      assert.deepEqual(pairs((await open().list(prefixOf('c-fenced'))).entries), [[keyOf('c-fenced', 1), value('c-fenced', 1)]]);
      assert.equal(await a.campaign(), true); // renewing keeps the claim and its token
      const oldToken = a.token;
      // a stops campaigning (frozen): b takes over once the claim expired
      const started = Date.now();
      await eventually(async () => assert.equal(await b.campaign(), true), { timeout: ttlMs + 1_500 + 2_000, interval: 100 });
      assert.ok(Date.now() - started <= ttlMs + 1_500 + 2_000);
      assert.notEqual(b.token, oldToken);
      assert.equal(await a.put(keyOf('c-fenced', 1), value('c-fenced', 3)).catch(() => 'fenced'), 'fenced'); // the late write of the deposed leader
      assert.equal(await a.delete(keyOf('c-fenced', 1)).catch(() => 'fenced'), 'fenced');
      assert.equal(await b.put(keyOf('c-fenced', 1), value('c-fenced', 4)), 'written');
      assert.deepEqual(pairs((await open().list(prefixOf('c-fenced'))).entries), [[keyOf('c-fenced', 1), value('c-fenced', 4)]]);
      // compare-and-set: a value changed since it was read is never overwritten or deleted
      assert.equal(await b.put(keyOf('c-fenced', 1), value('c-fenced', 5), value('c-fenced', 1)), 'changed');
      assert.equal(await b.delete(keyOf('c-fenced', 1), value('c-fenced', 1)), 'changed');
      assert.equal(await b.put(keyOf('c-fenced', 2), value('c-fenced', 5), value('c-fenced', 1)), 'changed'); // absent
      assert.equal(await b.put(keyOf('c-fenced', 1), value('c-fenced', 5), value('c-fenced', 4)), 'written');
      assert.deepEqual(pairs((await open().list(prefixOf('c-fenced'))).entries), [[keyOf('c-fenced', 1), value('c-fenced', 5)]]);
      assert.equal(await b.delete(keyOf('c-fenced', 1), value('c-fenced', 5)), 'written');
      assert.deepEqual((await open().list(prefixOf('c-fenced'))).entries, []);
      await b.resign();
      await eventually(async () => assert.equal(await a.campaign(), true), { timeout: 5_000, interval: 100 }); // resigning frees the claim at once
      await a.resign();
    },
    TIMEOUT,
  );
}
