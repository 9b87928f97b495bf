import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryClient, ServiceRegistry, type RegistryModuleOptions } from 'nest-service-registry';
import { redis, type RedisBackendOptions } from 'nest-service-registry/redis';
import { eventually } from 'nest-service-registry/testing';
import { RedisSentinelDeployment, SENTINEL_MASTER } from '../../scripts/lib/redis-sentinel.mjs';
import { portOf, RecordingLogger, startConsumer, TrackedApps } from '../support/apps.js';
import { expectNoSecrets } from '../support/secrets.js';
import { registryHealth, startProviderWithHealth } from '../support/health-app.js';

// Redis under Sentinel with passwords on both sides: the data nodes (requirepass, masterauth)
// and the sentinels themselves (requirepass in sentinel.conf).
const DATA_PASSWORD = 'redis-data-secret-7d21';
const SENTINEL_PASSWORD = 'redis-sentinel-secret-4b9e';
let deployment: RedisSentinelDeployment;
const apps = new TrackedApps();

const backend = (overrides: Partial<RedisBackendOptions> = {}): RedisBackendOptions => ({
  url: `redis://:${DATA_PASSWORD}@sentinel`,
  sentinels: deployment.sentinelAddresses,
  name: SENTINEL_MASTER,
  sentinelAuth: { password: SENTINEL_PASSWORD },
  ...overrides,
});
const options = (input: RedisBackendOptions): RegistryModuleOptions => ({ backend: redis(input), host: '127.0.0.1', ttl: 2 });

beforeAll(async () => {
  deployment = await RedisSentinelDeployment.start({ password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
}, 60_000);

afterEach(async () => {
  await apps.closeAll();
});

afterAll(async () => {
  await deployment?.stop();
});

describe('Redis under Sentinel with passwords on the data nodes and the sentinels', () => {
  it('registers, is discovered and is healthy; health names the deployment; no password in any output', async () => {
    const logger = new RecordingLogger();
    const provider = await apps.track(startProviderWithHealth(options(backend()), logger));
    const consumer = await apps.track(startConsumer(options(backend()), logger));
    const discovery = consumer.get(DiscoveryClient);
    await eventually(async () =>
      expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]),
    );
    const health = await registryHealth(provider);
    expect(health).toMatchObject({ status: 'up', endpoints: [`sentinel://${deployment.sentinelAddresses.join(',')}/${SENTINEL_MASTER}`] });
    expectNoSecrets([logger.lines, health, provider.get(ServiceRegistry).status(), discovery.status()], [DATA_PASSWORD, SENTINEL_PASSWORD]);
  });

  it('a wrong sentinel password or data password: health down saying which, no password in any output', async () => {
    for (const [wrong, input, says] of [
      [
        'sentinel-wrong-secret-11aa',
        backend({ sentinelAuth: { password: 'sentinel-wrong-secret-11aa' } }),
        /The Redis sentinels of .* refused the credentials/,
      ],
      [
        'data-wrong-secret-22bb',
        backend({ url: 'redis://:data-wrong-secret-22bb@sentinel' }),
        /refused user "default" \(invalid username-password pair\)/,
      ],
    ] as const) {
      const logger = new RecordingLogger();
      const app = await apps.track(startProviderWithHealth(options(input), logger));
      await eventually(
        async () => expect(await registryHealth(app)).toMatchObject({ status: 'down', lastError: expect.stringMatching(says) }),
        {
          timeout: 10_000,
        },
      );
      const health = await registryHealth(app);
      expectNoSecrets([logger.lines, health, app.get(ServiceRegistry).status()], [wrong, DATA_PASSWORD, SENTINEL_PASSWORD]);
      await apps.closeAll();
    }
  }, 60_000);
});
