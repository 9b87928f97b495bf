import assert from 'node:assert/strict';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryModule } from '../registry.module.js';
import { ServiceRegistry } from '../registration/service-registry.js';
import type { RegistryBackend, RegistryBackendFactory, WatchEvent } from '../backends/registry-backend.js';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { createServiceInstance, encodeInstance, instanceKey } from '../model/service-instance.js';
import { resolveRegistryOptions } from '../options/resolve-options.js';
import { eventually } from './eventually.js';

/** The hooks of your test framework (Jest, Vitest and node:test all have these). */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>, timeout?: number): void;
}

/** What the suite needs to know about, and do to, the backend under test and its server. */
export interface ConformanceHarness {
  /** Name used in test titles, e.g. `etcd`. */
  readonly name: string;
  /** Session TTL the suite uses, whole seconds (the backend's minimum is fine; 2 for etcd). */
  readonly ttl: number;
  /** Starts the server (once, before every test). */
  start(): Promise<void>;
  /** A backend factory connected to the running server (called for every backend the suite opens). */
  factory(): RegistryBackendFactory;
  /** Restarts the server; with `empty`, with no data (sessions and keys gone). */
  restart(options: { empty: boolean }): Promise<void>;
  /** Stops the server (once, after every test). */
  stop(): Promise<void>;
}

const TIMEOUT = 30_000;

function value(service: string, port: number): string {
  return encodeInstance(
    createServiceInstance({ serviceName: service, serviceHost: '127.0.0.1', servicePort: port, registeredAt: 'conformance' }),
  );
}

function keyOf(service: string, port: number): string {
  return instanceKey('rpc', { serviceName: service, serviceVersion: '1.0', serviceHost: '127.0.0.1', servicePort: port });
}

const prefixOf = (service: string) => `/rpc/${service}:1.0/`;

/**
 * The conformance suite every `RegistryBackend` passes, against a real server: register and
 * deregister, prefix isolation, one session for many instances, renewal, loss, watch
 * snapshot-then-changes without a gap, resync after the server restarts, self-heal through
 * the module, malformed data skipped.
 *
 * ```ts
 * import { describe, it, beforeAll, afterAll } from '@jest/globals';
 * backendConformanceSuite({ describe, it, beforeAll, afterAll }, myHarness);
 * ```
 */
export function backendConformanceSuite(api: ConformanceTestApi, harness: ConformanceHarness): void {
  const opened: RegistryBackend[] = [];
  const open = (): RegistryBackend => {
    const backend = harness.factory().create({ requestTimeout: 2_000 });
    opened.push(backend);
    return backend;
  };

  api.describe(`RegistryBackend conformance: ${harness.name}`, () => {
    api.beforeAll(() => harness.start(), TIMEOUT);
    api.afterAll(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await harness.stop();
    }, TIMEOUT);

    api.it(
      'registers and deregisters under a session; list shows the owner',
      async () => {
        const backend = open();
        const session = await backend.openSession(harness.ttl);
        await session.put(keyOf('c-basic', 1), value('c-basic', 1));
        const listed = await backend.list(prefixOf('c-basic'));
        assert.deepEqual(
          listed.entries.map((e) => [e.key, e.value]),
          [[keyOf('c-basic', 1), value('c-basic', 1)]],
        );
        if (listed.entries[0]!.session !== undefined) assert.equal(listed.entries[0]!.session, session.id);
        await session.delete(keyOf('c-basic', 1));
        assert.deepEqual((await backend.list(prefixOf('c-basic'))).entries, []);
        await session.revoke();
      },
      TIMEOUT,
    );

    api.it(
      'keeps prefixes apart: "user" never sees "user-service"',
      async () => {
        const backend = open();
        const session = await backend.openSession(harness.ttl);
        await session.put(keyOf('c-user', 1), value('c-user', 1));
        await session.put(keyOf('c-user-service', 2), value('c-user-service', 2));
        assert.deepEqual(
          (await backend.list(prefixOf('c-user'))).entries.map((e) => e.key),
          [keyOf('c-user', 1)],
        );
        const listed = await backend.list(prefixOf('c-user'));
        const events: WatchEvent[] = [];
        const watch = backend.watch(prefixOf('c-user'), listed.revision, {
          onEvents: (e) => events.push(...e),
          onResync: () => undefined,
          onConnectionChange: () => undefined,
        });
        await session.put(keyOf('c-user-service', 3), value('c-user-service', 3));
        await session.put(keyOf('c-user', 4), value('c-user', 4));
        await eventually(() =>
          assert.deepEqual(
            events.map((e) => e.key),
            [keyOf('c-user', 4)],
          ),
        );
        await watch.cancel();
        await session.revoke();
      },
      TIMEOUT,
    );

    api.it(
      'holds many instances on one session; revoking it removes them all',
      async () => {
        const backend = open();
        const session = await backend.openSession(harness.ttl);
        for (let port = 1; port <= 5; port++) await session.put(keyOf('c-many', port), value('c-many', port));
        const listed = await backend.list(prefixOf('c-many'));
        assert.equal(listed.entries.length, 5);
        const deleted: string[] = [];
        const watch = backend.watch(prefixOf('c-many'), listed.revision, {
          onEvents: (events) => events.forEach((e) => e.type === 'delete' && deleted.push(e.key)),
          onResync: () => undefined,
          onConnectionChange: () => undefined,
        });
        await session.revoke();
        await eventually(() => assert.equal(deleted.length, 5));
        assert.deepEqual((await backend.list(prefixOf('c-many'))).entries, []);
        await watch.cancel();
      },
      TIMEOUT,
    );

    api.it(
      'keeps a renewed session beyond its TTL, and loses an abandoned one within TTL + 1.5 s',
      async () => {
        const backend = open();
        const kept = await backend.openSession(harness.ttl);
        const abandoned = await backend.openSession(harness.ttl);
        await kept.put(keyOf('c-ttl', 1), value('c-ttl', 1));
        await abandoned.put(keyOf('c-ttl', 2), value('c-ttl', 2));
        abandoned.release(); // what a crash does: nobody keeps this session alive any more
        const started = Date.now();
        const until = started + (harness.ttl * 1000 * 3) / 2;
        while (Date.now() < until) {
          assert.equal(await kept.renew(), true);
          await new Promise((r) => setTimeout(r, (harness.ttl * 1000) / 3));
        }
        await eventually(
          async () =>
            assert.deepEqual(
              (await backend.list(prefixOf('c-ttl'))).entries.map((e) => e.key),
              [keyOf('c-ttl', 1)],
            ),
          {
            timeout: harness.ttl * 1000 + 1_500,
          },
        );
        assert.equal(await abandoned.renew(), false);
        await kept.revoke();
      },
      TIMEOUT,
    );

    api.it(
      'watches from a read revision without a gap: changes made between the read and the watch arrive',
      async () => {
        const backend = open();
        const session = await backend.openSession(harness.ttl);
        await session.put(keyOf('c-gap', 1), value('c-gap', 1));
        const listed = await backend.list(prefixOf('c-gap'));
        await session.put(keyOf('c-gap', 2), value('c-gap', 2)); // after the read, before the watch
        await session.delete(keyOf('c-gap', 1));
        const events: WatchEvent[] = [];
        const watch = backend.watch(prefixOf('c-gap'), listed.revision, {
          onEvents: (e) => events.push(...e),
          onResync: () => undefined,
          onConnectionChange: () => undefined,
        });
        await session.put(keyOf('c-gap', 3), value('c-gap', 3));
        await eventually(() =>
          assert.deepEqual(
            events.map((e) => `${e.type} ${e.key}`),
            [`put ${keyOf('c-gap', 2)}`, `delete ${keyOf('c-gap', 1)}`, `put ${keyOf('c-gap', 3)}`],
          ),
        );
        await watch.cancel();
        await session.revoke();
      },
      TIMEOUT,
    );

    api.it(
      'skips malformed values with a warning and serves the others (through DiscoveryClient)',
      async () => {
        const backend = open();
        const session = await backend.openSession(harness.ttl);
        await session.put(keyOf('c-bad', 1), value('c-bad', 1));
        await session.put(keyOf('c-bad', 2), 'not json');
        const options = resolveRegistryOptions({ host: '127.0.0.1' });
        const discovery = new DiscoveryClient(backend, options);
        try {
          assert.deepEqual(
            (await discovery.getInstances('c-bad')).map((i) => i.servicePort),
            [1],
          );
          await session.put(keyOf('c-bad', 3), '{"serviceName":"c-bad"}');
          await session.put(keyOf('c-bad', 4), value('c-bad', 4));
          await eventually(() =>
            assert.deepEqual(
              discovery.getInstancesSync('c-bad').map((i) => i.servicePort),
              [1, 4],
            ),
          );
        } finally {
          await discovery.close();
          await session.revoke();
        }
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
        try {
          await app.init();
          await app.get(ServiceRegistry).register({ serviceName: 'c-heal', servicePort: 7 });
          await eventually(async () =>
            assert.deepEqual(
              (await backend.list(prefixOf('c-heal'))).entries.map((e) => e.key),
              [keyOf('c-heal', 7)],
            ),
          );
          await harness.restart({ empty: true });
          await eventually(
            async () =>
              assert.deepEqual(
                (await backend.list(prefixOf('c-heal'))).entries.map((e) => e.key),
                [keyOf('c-heal', 7)],
              ),
            {
              timeout: 15_000,
              interval: 100,
            },
          );
        } finally {
          await app.close();
        }
      },
      TIMEOUT,
    );

    api.it(
      'signals a resync after the server restarts empty; sessions are gone and the watch can start again',
      async () => {
        const backend = open();
        const session = await backend.openSession(harness.ttl);
        await session.put(keyOf('c-restart', 1), value('c-restart', 1));
        const listed = await backend.list(prefixOf('c-restart'));
        let resyncs = 0;
        backend.watch(prefixOf('c-restart'), listed.revision, {
          onEvents: () => undefined,
          onResync: () => resyncs++,
          onConnectionChange: () => undefined,
        });
        await harness.restart({ empty: true });
        await eventually(() => assert.equal(resyncs, 1), { timeout: 15_000 });
        await eventually(async () => assert.equal(await session.renew(), false), { timeout: 15_000 });
        const fresh = await backend.list(prefixOf('c-restart'));
        assert.deepEqual(fresh.entries, []);
        const again = await backend.openSession(harness.ttl);
        const events: WatchEvent[] = [];
        const watch = backend.watch(prefixOf('c-restart'), fresh.revision, {
          onEvents: (e) => events.push(...e),
          onResync: () => undefined,
          onConnectionChange: () => undefined,
        });
        await again.put(keyOf('c-restart', 2), value('c-restart', 2));
        await eventually(() =>
          assert.deepEqual(
            events.map((e) => e.key),
            [keyOf('c-restart', 2)],
          ),
        );
        await watch.cancel();
        await again.revoke();
      },
      TIMEOUT,
    );
  });
}
