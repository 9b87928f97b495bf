import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, RegistryHttpClient, RegistryModule } from 'nest-service-registry';
import { redis } from 'nest-service-registry/redis';
import { eventually } from 'nest-service-registry/testing';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { RedisSentinelDeployment, SENTINEL_MASTER } from '../../scripts/lib/redis-sentinel.mjs';
import { testContext } from '../support/apps.js';
import { eventuallyWithin } from '../support/bounds.js';
import { steadyStream } from '../support/steady-stream.js';

// Issue 29, item 1: Redis under Sentinel (1 master, 2 replicas, 3 sentinels, real processes). Two
// demo providers (REDIS_SENTINELS) and an in-process consumer calling them through the HTTP
// client; the master is SIGKILLed and Sentinel promotes a replica.
const TTL = 2;
const CLI = join(import.meta.dirname, '../../dist/libs/registry/cli.js');
let deployment: RedisSentinelDeployment;
let consumer: INestApplicationContext;
const providers: DemoProvider[] = [];

const provider = async (): Promise<DemoProvider> => {
  const env = { REGISTRY_BACKEND: 'redis', REDIS_SENTINELS: deployment.sentinelAddresses.join(','), REDIS_SENTINEL_NAME: SENTINEL_MASTER };
  const started = await DemoProvider.start('http://unused', TTL, { env });
  providers.push(started);
  return started;
};

beforeAll(async () => {
  deployment = await RedisSentinelDeployment.start();
  for (let i = 0; i < 2; i++) await provider();
  @Module({
    imports: [
      RegistryModule.forRoot({
        backend: redis({ sentinels: deployment.sentinelAddresses, name: SENTINEL_MASTER }),
        host: '127.0.0.1',
        ttl: TTL,
      }),
    ],
  })
  class SentinelConsumer {}
  consumer = await testContext(SentinelConsumer);
}, 60_000);

afterAll(async () => {
  await consumer?.close();
  for (const p of providers) await p.stop('SIGKILL');
  await deployment?.stop();
});

const addresses = async (): Promise<string[]> =>
  (await consumer.get(DiscoveryClient).getInstances('user-service')).map((i) => `${i.serviceHost}:${i.servicePort}`).sort();
const live = () => providers.map((p) => p.httpAddress).sort();

/** The registry keys of user-service on one Redis node, read with a backend pointed at it alone. */
async function keysOn(port: number): Promise<string[]> {
  const backend = redis({ url: `redis://127.0.0.1:${port}` }).create({ requestTimeout: 2_000 });
  try {
    return (await backend.list('/rpc/user-service:1.0/')).entries.map((e) => e.key.slice(e.key.lastIndexOf('/') + 1)).sort();
  } finally {
    await backend.close();
  }
}

describe('Redis under Sentinel', () => {
  it('the master SIGKILLed: 0 failed calls, registrations on the promoted master, the consumer converges, a new provider is seen within 2 s', async () => {
    await eventually(async () => expect(await addresses()).toEqual(live()), { timeout: 10_000 });
    const http = consumer.get(RegistryHttpClient);
    let promotedAt = 0;
    let promoted = 0;
    const outcome = await steadyStream(
      400,
      100,
      async (i) => {
        const response = await http.fetch('user-service', `/users/${i}`);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.status;
      },
      async () => {
        const master = await deployment.master();
        await master.kill();
        promoted = await deployment.promoted(master.port);
        promotedAt = Date.now();
      },
    );
    expect(outcome.failed).toEqual([]);

    // Every provider's key is on the new master within one renewal of the promotion (replicated, or put again).
    await eventuallyWithin(
      'sentinel: registrations on the promoted master',
      2_000,
      async () => expect(await keysOn(promoted)).toEqual(live()),
      {
        since: promotedAt,
      },
    );
    await eventuallyWithin(
      'sentinel: consumer converged after the promotion',
      2_000,
      async () => expect(await addresses()).toEqual(live()),
      {
        since: promotedAt,
      },
    );
    const late = await provider();
    await eventuallyWithin('sentinel: a provider started after the failover is seen', 2_000, async () =>
      expect(await addresses()).toEqual(live()),
    );
    expect(await keysOn(promoted)).toContain(late.httpAddress);

    // The command-line tool finds the new master through the sentinels too.
    const url = `redis-sentinel://${deployment.sentinelAddresses.join(',')}/${SENTINEL_MASTER}`;
    const ls = spawnSync(process.execPath, [CLI, '--registry', url, '--json', 'ls', 'user-service'], { encoding: 'utf8', timeout: 30_000 });
    expect(ls.status).toBe(0);
    const listed = (JSON.parse(ls.stdout) as Array<{ instance: { serviceHost: string; servicePort: number } }>).map(
      ({ instance }) => `${instance.serviceHost}:${instance.servicePort}`,
    );
    expect(listed.sort()).toEqual(live());
  }, 90_000);
});
