import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { startConsumer, startProvider, testOptions, TrackedApps } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { EventLedger } from '../support/event-ledger.js';
import { idOf, plainValue, sleep, storedIds } from './fault-helpers.js';
import { eventuallyWithin } from '../support/bounds.js';

// TTL 3 s: one renewal every second. "Within one renewal" below = 1 s, plus 500 ms of slack
// for a noisy 2-core machine.
const TTL = 3;
const ONE_RENEWAL = 1_000 + 500;

let etcd: EtcdServer;
const apps = new TrackedApps();
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);
const ledgers: EventLedger[] = [];

async function consumerWithLedger(): Promise<{ discovery: DiscoveryClient; ledger: EventLedger }> {
  const discovery = (await track(startConsumer(testOptions(etcd.url)))).get(DiscoveryClient);
  await discovery.getInstances('user-service');
  const ledger = new EventLedger(discovery, 'user-service');
  ledgers.push(ledger);
  return { discovery, ledger };
}

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterEach(async () => {
  ledgers.splice(0).forEach((l) => l.close());
  await apps.closeAll();
  const client = etcd.client();
  await client.delete().all();
  client.close();
});

afterAll(async () => {
  await etcd.stop();
});

describe('etcd SIGKILLed and restarted on the same data dir', () => {
  it.each([3_000, 15_000])(
    'after %i ms: registration intact or restored within one renewal, later changes reach the consumer within 1 s',
    async (outage) => {
      const provider = await track(startProvider(testOptions(etcd.url, { ttl: TTL })));
      const { discovery, ledger } = await consumerWithLedger();
      await eventually(() => ledger.expectConsistent([idOf(provider)]));

      await etcd.kill();
      await sleep(outage);
      expect(discovery.getInstancesSync('user-service').map((i) => i.id)).toEqual([idOf(provider)]); // stale, not empty
      await etcd.restart();
      const back = Date.now();
      const client = etcd.client();
      try {
        await eventually(async () => expect(await storedIds(client)).toEqual([idOf(provider)]), { timeout: ONE_RENEWAL, interval: 20 });
        const keysAfter = Date.now() - back;
        await eventually(() => expect(provider.get(ServiceRegistry).status().state).toBe('alive'), { timeout: ONE_RENEWAL });
        await eventually(() => expect(discovery.status()[0]).toMatchObject({ stale: false, connected: true }), { timeout: ONE_RENEWAL });
        const consumerAfter = Date.now() - back;
        const changedAt = Date.now();
        await client.put('/rpc/user-service:1.0/127.0.0.1:7001').value(plainValue(7001));
        await eventuallyWithin(
          'etcd restarted: a later change seen by the consumer',
          1_000,
          () => expect(discovery.getInstancesSync('user-service')).toHaveLength(2),
          { since: changedAt, interval: 10 },
        );
        ledger.expectConsistent(await storedIds(client));
        console.log(`etcd down ${outage} ms: keys readable ${keysAfter} ms and consumer re-synced ${consumerAfter} ms after etcd returned`);
      } finally {
        client.close();
      }
    },
  );
});

describe('etcd restarted with an empty data dir', () => {
  it('providers are back within one renewal; the consumer sees providers started after and drops the ones that died meanwhile', async () => {
    const survivor = await track(startProvider(testOptions(etcd.url, { ttl: TTL })));
    const casualty = await startProvider(testOptions(etcd.url, { ttl: TTL, shutdownTimeout: 1_000 }));
    const { discovery, ledger } = await consumerWithLedger();
    await eventually(() => ledger.expectConsistent([idOf(survivor), idOf(casualty)]));
    const casualtyId = idOf(casualty);

    await etcd.kill();
    await casualty.close(); // dies during the outage: its deregistration cannot reach etcd
    await etcd.restart({ empty: true });
    const client = etcd.client();
    try {
      await eventually(async () => expect(await storedIds(client)).toEqual([idOf(survivor)]), { timeout: ONE_RENEWAL, interval: 20 });
      expect(survivor.get(ServiceRegistry).status().grants).toBe(2); // the old lease died with the data
      const late = await track<INestApplication>(startProvider(testOptions(etcd.url, { ttl: TTL })));
      const expected = [idOf(survivor), idOf(late)].sort();
      await eventually(
        () =>
          expect(
            discovery
              .getInstancesSync('user-service')
              .map((i) => i.id)
              .sort(),
          ).toEqual(expected),
        { timeout: 5_000 },
      );
      expect(discovery.getInstancesSync('user-service').map((i) => i.id)).not.toContain(casualtyId);
      ledger.expectConsistent(await storedIds(client));
    } finally {
      client.close();
    }
  });
});

describe('outside interference during an etcd restart', () => {
  it('a key deleted and a lease revoked right after etcd comes back are both restored', async () => {
    const revoked = await track(startProvider(testOptions(etcd.url, { ttl: TTL })));
    const deleted = await track(startProvider(testOptions(etcd.url, { ttl: TTL })));
    const { ledger } = await consumerWithLedger();
    await eventually(() => ledger.expectConsistent([idOf(revoked), idOf(deleted)]));
    const lease = revoked.get(ServiceRegistry).status().leaseId!;
    const deletedKey = deleted.get(ServiceRegistry).registrations()[0]!.key;

    await etcd.kill();
    await sleep(1_000);
    await etcd.restart();
    const client = etcd.client();
    try {
      await client.leaseClient.leaseRevoke({ ID: lease });
      await client.delete().key(deletedKey);
      await eventually(async () => expect(await storedIds(client)).toEqual([idOf(revoked), idOf(deleted)].sort()), {
        timeout: ONE_RENEWAL,
        interval: 20,
      });
      await eventually(async () => ledger.expectConsistent(await storedIds(client)), { timeout: 2_000 });
      expect(revoked.get(ServiceRegistry).status().leaseId).not.toBe(lease);
    } finally {
      client.close();
    }
  });
});
