import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient } from 'nest-service-registry';
import { RegistryHealthIndicator, RegistryHealthModule } from 'nest-service-registry/health';
import { eventually } from 'nest-service-registry/testing';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RegistryModule } from 'nest-service-registry';
import { startProvider, testOptions, testContext } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { EventLedger } from '../support/event-ledger.js';
import { idOf, sleep, storedIds } from './fault-helpers.js';

let etcd: EtcdServer;

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterAll(async () => {
  await etcd.stop();
});

describe('etcd frozen with SIGSTOP for 12 s', () => {
  it('the consumer serves its instances marked stale, catches up within 1 s of SIGCONT; the registration survives or is restored', async () => {
    const provider = await startProvider(testOptions(etcd.url, { ttl: 10 }));
    @Module({ imports: [RegistryModule.forRoot(testOptions(etcd.url)), TerminusModule, RegistryHealthModule] })
    class ConsumerWithHealth {}
    const consumer: INestApplicationContext = await testContext(ConsumerWithHealth);
    const discovery = consumer.get(DiscoveryClient);
    const health = consumer.get(RegistryHealthIndicator);
    await discovery.getInstances('user-service');
    const ledger = new EventLedger(discovery, 'user-service');
    try {
      await eventually(() => ledger.expectConsistent([idOf(provider)]));
      const frozenAt = Date.now();
      etcd.signal('SIGSTOP');
      await eventually(() => expect(discovery.status()[0]).toMatchObject({ stale: true, connected: false }), {
        timeout: 11_000,
        interval: 100,
      });
      const staleAfter = Date.now() - frozenAt;
      expect(discovery.getInstancesSync('user-service').map((i) => i.id)).toEqual([idOf(provider)]);
      const during = await health.isHealthy('registry');
      expect(during.registry).toMatchObject({
        status: 'down',
        staleServices: [expect.objectContaining({ service: 'user-service:1.0', since: expect.any(String) })],
      });
      await sleep(12_000 - (Date.now() - frozenAt));
      etcd.signal('SIGCONT');
      const resumedAt = Date.now();
      await eventually(() => expect(discovery.status()[0]).toMatchObject({ stale: false, connected: true }), {
        timeout: 1_000,
        interval: 10,
      });
      const freshAfter = Date.now() - resumedAt;
      const client = etcd.client();
      try {
        // The lease may have run out while etcd was frozen: then the provider re-registers.
        await eventually(async () => expect(await storedIds(client)).toEqual([idOf(provider)]), { timeout: 5_000 });
        await eventually(async () => ledger.expectConsistent(await storedIds(client)), { timeout: 2_000 });
      } finally {
        client.close();
      }
      console.log(`freeze: consumer marked stale ${staleAfter} ms after SIGSTOP, fresh again ${freshAfter} ms after SIGCONT`);
    } finally {
      etcd.signal('SIGCONT');
      ledger.close();
      await consumer.close();
      await provider.close();
    }
  });
});
