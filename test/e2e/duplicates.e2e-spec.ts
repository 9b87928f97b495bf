import { describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { OrdersFixture, providerModule, RecordingLogger, testOptions, TrackedApps, testContext } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';

// Issue 11, D5: two processes advertising the same host:port must not fight over the key.
const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const KEY = '/rpc/order-service:2.0/127.0.0.1:4200';

async function start(logger: RecordingLogger): Promise<INestApplicationContext> {
  const module = providerModule(testOptions(suite.server.url, { port: 4200 }), [], [OrdersFixture]);
  const app = await apps.track(testContext(module, logger));
  await app.init();
  return app;
}

const registration = (app: INestApplicationContext) => app.get(ServiceRegistry).registrations()[0];

describe('two processes advertising the same address', () => {
  it('write a bounded number of times, one yields with one warning naming both leases, and takes over when the other leaves', async () => {
    const logger = new RecordingLogger();
    const first = await start(logger);
    await first.get(ServiceRegistry).ready();
    let puts = 0;
    const watcher = await suite.client.watch().key(KEY).create();
    watcher.on('put', () => puts++);
    try {
      const second = await start(logger);
      await new Promise((resolve) => setTimeout(resolve, 8_000)); // renewals every ~0.7 s (TTL 2): several rounds for a fight
      expect(puts).toBeLessThanOrEqual(4);

      const held = [first, second].filter((app) => registration(app)?.heldBy !== undefined);
      expect(held).toHaveLength(1);
      const [yielded] = held;
      const holder = yielded === first ? second : first;
      expect(registration(holder)).toMatchObject({ confirmed: true, heldBy: undefined });
      const holderLease = holder.get(ServiceRegistry).status().leaseId!;
      expect(registration(yielded!)).toMatchObject({ confirmed: false, heldBy: holderLease });
      expect(yielded!.get(ServiceRegistry).status().lostRegistrations).toEqual([KEY]);
      const warnings = logger.warnings('two processes advertise the same address');
      expect(warnings).toEqual([
        expect.stringContaining(
          `Another process holds ${KEY} (lease ${holderLease}; ours: ${yielded!.get(ServiceRegistry).status().leaseId}`,
        ),
      ]);

      await holder.close();
      await eventually(async () => {
        expect(registration(yielded!)).toMatchObject({ confirmed: true, heldBy: undefined });
        const stored = await suite.client.get(KEY).exec();
        expect(stored.kvs[0]?.lease).toBe(yielded!.get(ServiceRegistry).status().leaseId);
      });
    } finally {
      await watcher.cancel();
    }
  }, 30_000);
});
