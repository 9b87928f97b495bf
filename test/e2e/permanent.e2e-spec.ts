import { describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { Module, type INestApplicationContext } from '@nestjs/common';
import {
  DiscoveryClient,
  InvalidServiceError,
  memory,
  MemoryRegistryStore,
  RegistryModule,
  RegistryOptionsError,
  ServiceRegistry,
} from 'nest-service-registry';
import { RegistryChecker, RegistryCheckerModule } from 'nest-service-registry/checker';
import { eventually } from 'nest-service-registry/testing';
import { testContext } from '../support/apps.js';

const TTL = 1;

/** An app context on `store`, with the checker when `checker` is set. */
async function app(store: MemoryRegistryStore, checker = false): Promise<INestApplicationContext> {
  const registry = RegistryModule.forRoot({ backend: memory({ store }), ttl: TTL, host: '127.0.0.1', drainDelay: 0 });
  @Module({ imports: checker ? [registry, RegistryCheckerModule.forRoot({ refreshInterval: 100 })] : [registry] })
  class PermanentTestModule {}
  return testContext(PermanentTestModule);
}

const listening = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

describe('permanent instances through ServiceRegistry, checked by RegistryCheckerModule (memory backend)', () => {
  it('outlive the app that registered them until deregistered; consumers see them', async () => {
    const store = new MemoryRegistryStore();
    const writer = await app(store);
    const instance = await writer
      .get(ServiceRegistry)
      .registerPermanent({ serviceName: 'billing', serviceHost: '10.0.4.17', servicePort: 8080 });
    expect(instance).toMatchObject({ ephemeral: false, status: 'UP', check: null });
    await writer.close();
    const reader = await app(store);
    try {
      expect((await reader.get(DiscoveryClient).getInstances('billing')).map((i) => i.id)).toEqual(['billing:1.0@10.0.4.17:8080']);
      await reader
        .get(ServiceRegistry)
        .deregisterPermanent({ serviceName: 'billing', serviceVersion: '1.0', serviceHost: '10.0.4.17', servicePort: 8080 });
      await eventually(async () => expect(await reader.get(DiscoveryClient).getInstances('billing')).toEqual([]));
    } finally {
      await reader.close();
    }
  });

  it('refuses an invalid check, naming the setting and its rule', async () => {
    const context = await app(new MemoryRegistryStore());
    try {
      const registry = context.get(ServiceRegistry);
      const init = { serviceName: 'billing', serviceHost: '10.0.4.17', servicePort: 8080 };
      await expect(registry.registerPermanent(init, { check: { type: 'http', interval: 10 } })).rejects.toThrow(InvalidServiceError);
      await expect(registry.registerPermanent(init, { check: { type: 'http', interval: 10 } })).rejects.toThrow(
        /check\.interval.*100\.\.3600000/,
      );
    } finally {
      await context.close();
    }
  });

  it('fails bootstrap on an unknown checker option', () => {
    expect(() => RegistryCheckerModule.forRoot({ refreshIntervall: 100 } as never)).toThrow(RegistryOptionsError);
  });

  it('one checker of two leads; it marks a live TCP service UP and a dead one DOWN; closing it hands over', async () => {
    const store = new MemoryRegistryStore();
    const service = createServer((socket) => socket.end());
    const port = await listening(service);
    const [a, b] = [await app(store, true), await app(store, true)];
    try {
      const registry = a.get(ServiceRegistry);
      const check = { type: 'tcp', interval: 100, timeout: 100, failureThreshold: 2 } as const;
      expect(
        (await registry.registerPermanent({ serviceName: 'ledger', serviceHost: '127.0.0.1', servicePort: port }, { check })).status,
      ).toBe('STARTING');
      const statusOf = async () => (await a.get(DiscoveryClient).getInstances('ledger', { includeUnavailable: true }))[0]?.status;
      await eventually(async () => expect(await statusOf()).toBe('UP'));
      expect([a, b].map((c) => c.get(RegistryChecker).isLeader).filter(Boolean)).toHaveLength(1);
      await new Promise((resolve) => service.close(resolve));
      await eventually(async () => expect(await statusOf()).toBe('DOWN'));
      const leader = a.get(RegistryChecker).isLeader ? a : b;
      const other = leader === a ? b : a;
      await leader.close(); // resigns: the other leads at its next campaign
      await eventually(() => expect(other.get(RegistryChecker).isLeader).toBe(true), { timeout: TTL * 1_000 + 1_500 });
    } finally {
      service.close();
      await Promise.allSettled([a.close(), b.close()]);
    }
  });
});
