import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NoInstancesError, RegistryHttpClient, RegistryModule } from 'nest-service-registry';
import { RegistryClientsModule, type RegistryClientProxy } from 'nest-service-registry/microservices';
import { firstValueFrom } from 'rxjs';
import { createServiceInstance, encodeInstance } from 'nest-service-registry/backend-kit';
import { eventually } from 'nest-service-registry/testing';
import { freePort } from '../../scripts/lib/ports.mjs';
import { testContext } from '../support/apps.js';
import { expectWithin } from '../support/bounds.js';
import { CheckerWorld, DOWN_BOUND, INTERVAL, TAKEOVER_BOUND, THRESHOLD, TTL, type CheckerBackend } from './checker-world.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['etcd', 'zookeeper', 'redis'] as CheckerBackend[])(
  'the permanent-instance checker on %s (three real services, two checker apps)',
  (kind) => {
    let world: CheckerWorld;
    const status = async (name: string) => (await world.statuses())[name]?.status;
    /**
     * Waits for `check` until `base + slack` and records how far beyond `base` it came true (0 when
     * before it) in the runner's timing report: the bound is the behaviour under test.
     */
    const beyond = async (label: string, base: number, slack: number, check: () => Promise<void>) => {
      await eventually(check, { timeout: Math.max(0, base + slack - Date.now()), interval: 20 });
      expectWithin(label, Math.max(0, Date.now() - base), slack);
    };
    /** DOWN within interval × threshold + 1 s of the kill (the bound): 1 s beyond interval × threshold. */
    const downWithin = (name: string, killedAt: number) =>
      beyond(
        `${kind}: checked service SIGKILLed -> DOWN, beyond interval × threshold (${INTERVAL} ms × ${THRESHOLD})`,
        killedAt + INTERVAL * THRESHOLD,
        DOWN_BOUND - INTERVAL * THRESHOLD,
        async () => expect(await status(name)).toBe('DOWN'),
      );

    beforeAll(async () => {
      world = await CheckerWorld.start(kind);
    }, 90_000);

    afterAll(async () => {
      await world?.stop();
    });

    it('turns every instance UP; exactly one checker leads; a consumer calls the HTTP one through RegistryHttpClient and the TCP one through the pool, never once DOWN', async () => {
      const all = async () =>
        Object.values(await world.statuses())
          .map((i) => `${i.serviceName} ${i.status}`)
          .sort();
      await eventually(async () => expect(await all()).toEqual(['legacy-grpc UP', 'legacy-http UP', 'legacy-tcp UP']), { timeout: 10_000 });
      expect((await world.leaders()).filter(Boolean)).toHaveLength(1);
      @Module({
        imports: [
          RegistryModule.forRoot(world.registryOptions()),
          RegistryClientsModule.register([{ name: 'LEGACY_TCP', service: 'legacy-tcp' }]),
        ],
      })
      class Consumer {}
      const consumer: INestApplicationContext = await testContext(Consumer);
      try {
        const http = consumer.get(RegistryHttpClient);
        expect(await (await http.fetch('legacy-http', '/users/7')).json()).toEqual({ id: '7', name: 'from the legacy server' });
        world.services.http.signal('SIGKILL');
        await world.services.http.exited;
        const killedAt = Date.now();
        await downWithin('legacy-http', killedAt);
        expect((await world.statuses())['legacy-http']?.check).toMatchObject({ last: { ok: false, detail: 'ECONNREFUSED' } });
        await eventually(() => expect(http.fetch('legacy-http', '/users/7')).rejects.toBeInstanceOf(NoInstancesError)); // never routed to it
        await world.startService('http');
        await eventually(async () => expect(await status('legacy-http')).toBe('UP'), { timeout: DOWN_BOUND });
        await eventually(async () => expect((await http.fetch('legacy-http', '/users/7')).status).toBe(200));
        // The TCP one through the discovery-backed ClientProxy (the pool): answered while UP, never chosen once DOWN.
        const pool = consumer.get<RegistryClientProxy>('LEGACY_TCP');
        expect(await firstValueFrom(pool.send('ping', {}))).toEqual({ pong: true, pattern: 'ping' });
        world.services.tcp.signal('SIGKILL');
        await world.services.tcp.exited;
        await eventually(async () => expect(await status('legacy-tcp')).toBe('DOWN'), { timeout: DOWN_BOUND, interval: 20 });
        await eventually(() => expect(firstValueFrom(pool.send('ping', {}))).rejects.toBeInstanceOf(NoInstancesError));
        await world.startService('tcp');
        await eventually(async () => expect(await firstValueFrom(pool.send('ping', {}))).toEqual({ pong: true, pattern: 'ping' }), {
          timeout: DOWN_BOUND * 2,
        });
      } finally {
        await consumer.close();
      }
    }, 60_000);

    it.each(['tcp', 'grpc'] as const)(
      'turns the %s instance DOWN within interval × threshold + 1 s of its death, and UP when it is back',
      async (service) => {
        world.services[service].signal('SIGKILL');
        await world.services[service].exited;
        const killedAt = Date.now();
        await downWithin(`legacy-${service}`, killedAt);
        await world.startService(service);
        await eventually(async () => expect(await status(`legacy-${service}`)).toBe('UP'), { timeout: DOWN_BOUND });
      },
      30_000,
    );

    it('hands over within TTL + one campaign period when the leader is killed, with no status flap', async () => {
      const before = Object.keys(await world.statuses()).sort();
      const leader = (await world.leaders()).indexOf(true);
      const flaps: string[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          for (const instance of Object.values(await world.statuses()))
            if (instance.status !== 'UP') flaps.push(`${instance.serviceName} ${instance.status}`);
          await pause(50);
        }
      })();
      world.checkers[leader]!.signal('SIGKILL');
      await world.checkers[leader]!.exited;
      const killedAt = Date.now();
      const takeover = `${kind}: checker leader SIGKILLed -> another leads, beyond the claim's TTL of ${TTL} s`;
      await beyond(takeover, killedAt + TTL * 1_000, TAKEOVER_BOUND - TTL * 1_000, async () =>
        expect((await world.leaders())[1 - leader]).toBe(true),
      );
      await pause(INTERVAL * THRESHOLD * 3); // the new leader has probed everything several times
      watching = false;
      await watcher;
      expect(flaps).toEqual([]);
      expect(Object.keys(await world.statuses()).sort()).toEqual(before);
      world.checkerPorts[leader] = await world.startChecker(world.checkers[leader]!);
    }, 60_000);

    it('replaces a frozen leader (SIGSTOP); after SIGCONT its stale view never overwrites the new leader', async () => {
      await eventually(async () => expect((await world.leaders()).filter(Boolean)).toHaveLength(1), { timeout: 10_000 });
      const frozen = (await world.leaders()).indexOf(true);
      world.checkers[frozen]!.signal('SIGSTOP');
      try {
        await eventually(async () => expect((await world.leaders())[1 - frozen]).toBe(true), { timeout: TAKEOVER_BOUND, interval: 50 });
        // While the old leader sleeps, its view of legacy-tcp (UP) goes stale: the new one marks it DOWN.
        world.services.tcp.signal('SIGKILL');
        await world.services.tcp.exited;
        await eventually(async () => expect(await status('legacy-tcp')).toBe('DOWN'), { timeout: DOWN_BOUND });
        const written = JSON.stringify((await world.statuses())['legacy-tcp']);
        world.checkers[frozen]!.signal('SIGCONT');
        await pause(TTL * 1_000 + INTERVAL * THRESHOLD * 3); // it wakes, probes, and would write DOWN again (with its own time)
        expect(JSON.stringify((await world.statuses())['legacy-tcp'])).toBe(written); // only the new leader's write stands
        expect(await world.leaders()).toEqual(frozen === 0 ? [false, true] : [true, false]);
      } finally {
        world.checkers[frozen]!.signal('SIGCONT');
        await world.startService('tcp');
      }
    }, 60_000);

    it('deregisters an instance DOWN for deregisterAfter; the CLI refuses to drain a process-owned (ephemeral) instance', async () => {
      const dead = await freePort(); // nothing listens there
      const check = [
        '--check',
        'tcp',
        '--interval',
        String(INTERVAL),
        '--timeout',
        '150',
        '--failure-threshold',
        '1',
        '--deregister-after',
        '1000',
      ];
      expect(world.cli('register', '--permanent', 'legacy-gone', '1.0', '127.0.0.1', String(dead), ...check).status).toBe(0);
      await eventually(async () => expect(await status('legacy-gone')).toBe('DOWN'), { timeout: 5_000 });
      await eventually(async () => expect(await status('legacy-gone')).toBeUndefined(), { timeout: 1_000 + DOWN_BOUND * 3 });
      const lease = await world.backend.grantLease(TTL);
      await lease.put(
        '/rpc/app-owned:1.0/127.0.0.1:1',
        encodeInstance(createServiceInstance({ serviceName: 'app-owned', serviceHost: '127.0.0.1', servicePort: 1 })),
      );
      expect(world.cli('drain', '127.0.0.1:1')).toMatchObject({ status: 1, stderr: expect.stringContaining('ephemeral') });
      expect(await status('app-owned')).toBe('UP');
      await lease.revoke();
    }, 30_000);
  },
);
