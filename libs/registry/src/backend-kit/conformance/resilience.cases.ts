import assert from 'node:assert/strict';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryModule } from '../../registry.module.js';
import { ServiceRegistry } from '../../registration/service-registry.js';
import { eventually } from '../../testing/eventually.js';
import { keyOf, prefixOf, recorder, TIMEOUT, value, type ConformanceContext } from './conformance-context.js';

/** Resource kinds that keep a Node process alive, counted. */
function aliveResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Kinds of which there are more now than in `baseline`. */
function leftOver(baseline: Map<string, number>): string[] {
  return [...aliveResources()]
    .filter(([kind, count]) => count > (baseline.get(kind) ?? 0))
    .map(([kind, count]) => `${kind} ×${count - (baseline.get(kind) ?? 0)}`);
}

/** Server restarts, self-heal through the module, and what close() leaves behind. @internal */
export function resilienceCases({ api, harness, open, closeOpened }: ConformanceContext): void {
  api.it(
    'leaves no timer or socket after close(): a process using it exits by itself',
    async () => {
      await closeOpened(); // so only this test's backend differs from the baseline
      await eventually(() => assert.deepEqual(leftOver(aliveResources()), []));
      const baseline = aliveResources();
      const backend = harness.factory().create({ requestTimeout: 2_000 });
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-exit', 1), value('c-exit', 1));
      const listed = await backend.list(prefixOf('c-exit'));
      const watch = backend.watch(prefixOf('c-exit'), listed.revision, recorder());
      assert.equal(await lease.renew(), true);
      await watch.cancel();
      await lease.revoke();
      await backend.close();
      await eventually(() => assert.deepEqual(leftOver(baseline), []), { timeout: 5_000 });
    },
    TIMEOUT,
  );

  api.it(
    'self-heals through RegistryModule: the registration comes back after the server restarts empty',
    async () => {
      @Module({
        imports: [
          ScheduleModule.forRoot(),
          RegistryModule.forRoot({ backend: harness.factory(), host: '127.0.0.1', ttl: Math.max(2, harness.ttl) }),
        ],
      })
      class ConformanceApp {}
      const app = await NestFactory.createApplicationContext(ConformanceApp, { logger: false, abortOnError: false });
      const backend = open();
      const keys = async () => (await backend.list(prefixOf('c-heal'))).entries.map((e) => e.key);
      try {
        await app.init();
        await app.get(ServiceRegistry).register({ serviceName: 'c-heal', servicePort: 7 });
        await eventually(async () => assert.deepEqual(await keys(), [keyOf('c-heal', 7)]));
        await harness.restart({ empty: true });
        await eventually(async () => assert.deepEqual(await keys(), [keyOf('c-heal', 7)]), { timeout: 15_000, interval: 100 });
      } finally {
        await app.close();
      }
    },
    TIMEOUT,
  );

  api.it(
    'signals a resync after the server restarts empty; leases are gone and the watch can start again',
    async () => {
      const backend = open();
      const lease = await backend.grantLease(harness.ttl);
      await lease.put(keyOf('c-restart', 1), value('c-restart', 1));
      const listed = await backend.list(prefixOf('c-restart'));
      const first = recorder();
      const old = backend.watch(prefixOf('c-restart'), listed.revision, first);
      await harness.restart({ empty: true });
      await eventually(() => assert.equal(first.resyncs.length, 1), { timeout: 15_000 });
      await eventually(async () => assert.equal(await lease.renew(), false), { timeout: 15_000 });
      const fresh = await backend.list(prefixOf('c-restart'));
      assert.deepEqual(fresh.entries, []);
      const again = await backend.grantLease(harness.ttl);
      const second = recorder();
      const watch = backend.watch(prefixOf('c-restart'), fresh.revision, second);
      await again.put(keyOf('c-restart', 2), value('c-restart', 2));
      await eventually(() =>
        assert.deepEqual(
          second.events.map((e) => e.key),
          [keyOf('c-restart', 2)],
        ),
      );
      assert.deepEqual(second.resyncs, []);
      await Promise.all([watch.cancel(), old.cancel()]);
      await again.revoke();
    },
    TIMEOUT,
  );
}
