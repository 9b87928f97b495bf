import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryClient, RegistryOptionsError, ServiceRegistry } from 'nest-service-registry';
import { redis } from 'nest-service-registry/redis';
import { eventually } from 'nest-service-registry/testing';
import { startConsumer, startProvider } from '../support/apps.js';
import { crashToGone } from '../support/provider-process.js';
import { EventLedger } from '../support/event-ledger.js';
import { RedisServer } from '../../scripts/lib/redis-server.mjs';
import { idOf } from './fault-helpers.js';
import { expectWithin } from '../support/bounds.js';

let server: RedisServer;

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  await server.stop();
});

const options = () => ({ backend: redis({ url: server.url }), host: '127.0.0.1', ttl: 3 });

describe('Redis faults', () => {
  it('Redis restarted empty: registrations re-created within one renewal; the consumer re-lists', async () => {
    const provider = await startProvider(options());
    const consumer = await startConsumer(options());
    const discovery = consumer.get(DiscoveryClient);
    try {
      await eventually(async () => expect((await discovery.getInstances('user-service')).map((i) => i.id)).toEqual([idOf(provider)]));
      const ledger = new EventLedger(discovery, 'user-service');
      await server.restart();
      const back = Date.now();
      // Nothing survives a restart without persistence: the provider must put its key back.
      await eventually(() => expect(provider.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', grants: 2 }), {
        timeout: 1_000 + 1_000,
      });
      console.log(`redis restarted empty: re-registered ${Date.now() - back} ms after it came back`);
      const late = await startProvider(options());
      try {
        await eventually(() => ledger.expectConsistent([idOf(provider), idOf(late)]), { timeout: 5_000 });
      } finally {
        await late.close();
      }
      ledger.close();
    } finally {
      await consumer.close();
      await provider.close();
    }
  });

  it('a SIGKILLed provider disappears from a consumer within TTL + sweep interval + 1 s', async () => {
    const consumer = await startConsumer(options());
    try {
      const took = await crashToGone(consumer.get(DiscoveryClient), {
        REGISTRY_BACKEND: 'redis',
        REDIS_URL: server.url,
        REGISTRY_TTL_SECONDS: '2',
      });
      console.log(`redis: SIGKILLed provider gone after ${took} ms (TTL 2 s)`);
      expectWithin('redis: SIGKILLed provider gone, beyond its TTL of 2 s + the 250 ms sweep', took - 2_250, 1_000);
    } finally {
      await consumer.close();
    }
  });
});

describe('Redis Cluster', () => {
  it('is refused with a clear error naming the option, and failFast fails bootstrap with it', async () => {
    const node = await RedisServer.start({ extraArgs: ['--cluster-enabled', 'yes'] });
    try {
      const backend = redis({ url: node.url }).create({ requestTimeout: 2_000 });
      const error = await backend.ping().catch((e: unknown) => e);
      await backend.close();
      expect(error).toBeInstanceOf(RegistryOptionsError);
      expect(error).toMatchObject({ option: 'backend.url' });
      expect((error as Error).message).toMatch(/is a Redis Cluster node, which the Redis backend does not support/);
      const booted = await startConsumer({
        backend: redis({ url: node.url }),
        host: '127.0.0.1',
        failFast: true,
        connectTimeout: 3_000,
      }).catch((e: unknown) => e);
      expect((booted as Error).message).toMatch(/Redis Cluster/);
    } finally {
      await node.stop();
    }
  });
});
