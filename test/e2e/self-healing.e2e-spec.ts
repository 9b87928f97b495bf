import { describe, expect, it } from '@jest/globals';
import { type INestApplicationContext } from '@nestjs/common';
import { ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { startProvider, testOptions, TrackedApps } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { expectWithin } from '../support/bounds.js';

const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);

// Split from registration.e2e-spec.ts: keys put back after a lost lease, a delete or an overwrite.
describe('registration heals itself on etcd', () => {
  it('re-registers within one renewal when the lease is revoked from outside', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 3 })));
    const [before] = await eventually(async () => {
      const entries = await suite.kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    await suite.client.leaseClient.leaseRevoke({ ID: before!.lease });
    const revokedAt = Date.now();
    const [after] = await eventually(
      async () => {
        const entries = await suite.kvs();
        expect(entries).toHaveLength(1);
        expect(entries[0]!.lease).not.toBe(before!.lease);
        return entries;
      },
      { timeout: 1_000 + 1_000 },
    );
    expectWithin(
      'registration: lease revoked from outside -> keys back on a new lease (one renewal, TTL 3 s)',
      Date.now() - revokedAt,
      2_000,
    );
    expect(after!.value).toBe(before!.value);
    expect(app.get(ServiceRegistry).status().grants).toBe(2);
  });

  it('puts a key deleted from outside back within 1 s', async () => {
    await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const [before] = await eventually(async () => {
      const entries = await suite.kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    await suite.client.delete().key(before!.key);
    const deletedAt = Date.now();
    await eventually(async () => expect(await suite.kvs()).toEqual([before]), { timeout: 1_000 });
    expectWithin('registration: key deleted from outside -> put back', Date.now() - deletedAt, 1_000);
  });

  it('puts back a key deleted from outside in a tight loop for 5 s within 1 s of the loop ending', async () => {
    const app = await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const [before] = await eventually(async () => {
      const entries = await suite.kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    const until = Date.now() + 5_000;
    let deletes = 0;
    while (Date.now() < until) {
      await suite.client.delete().key(before!.key);
      deletes++;
    }
    const endedAt = Date.now();
    await eventually(async () => expect(await suite.kvs()).toEqual([before]), { timeout: 1_000, interval: 20 });
    expectWithin('registration: 5 s delete loop ended -> key back', Date.now() - endedAt, 1_000);
    expect(deletes).toBeGreaterThan(100); // the loop really raced the provider's puts
    await eventually(() => expect(app.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', lostRegistrations: [] }));
  });

  it('puts back a key overwritten by someone else', async () => {
    await track(startProvider(testOptions(suite.server.url, { ttl: 10 })));
    const [before] = await eventually(async () => {
      const entries = await suite.kvs();
      expect(entries).toHaveLength(1);
      return entries;
    });
    await suite.client.put(before!.key).value('{"hijacked":true}');
    await eventually(async () => expect(await suite.kvs()).toEqual([before]), { timeout: 1_000 });
  });
});
