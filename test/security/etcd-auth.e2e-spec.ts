import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { DiscoveryClient, ServiceRegistry, type RegistryModuleOptions } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { APP, enableAuth, ROOT } from '../support/etcd-auth.js';
import { portOf, RecordingLogger, startConsumer, startProvider, TrackedApps } from '../support/apps.js';
import { registryHealth, startProviderWithHealth } from '../support/health-app.js';
import { expectNoSecrets } from '../support/secrets.js';
import { sleep } from '../faults/fault-helpers.js';

// etcd with authentication on, the app's user limited to readwrite on /rpc/ (least privilege),
// auth tokens that expire after 3 s: registration, renewal, own-keys watch, discovery and health
// keep working across token expiry and an etcd restart (issue 11, D1).
let server: EtcdServer;
const apps = new TrackedApps();
const track = <T extends INestApplicationContext>(app: Promise<T>): Promise<T> => apps.track(app);
const options = (overrides: RegistryModuleOptions = {}): RegistryModuleOptions => ({
  backend: etcd({ hosts: server.url, auth: APP }),
  host: '127.0.0.1',
  ttl: 3,
  ...overrides,
});

/** Eventually `discovery` sees exactly the `user-service` instances of `providers`. */
const seesExactly = (discovery: DiscoveryClient, providers: INestApplication[], timeout: number) =>
  eventually(
    () =>
      expect(
        discovery
          .getInstancesSync('user-service')
          .map((i) => i.servicePort)
          .sort(),
      ).toEqual(providers.map(portOf).sort()),
    {
      timeout,
    },
  );

/** Deletes `provider`'s key as root, and waits until its own-keys watch has put it back. */
async function expectRepaired(provider: INestApplication): Promise<void> {
  const root = server.client(ROOT);
  try {
    const key = `/rpc/user-service:1.0/127.0.0.1:${portOf(provider)}`;
    await root.delete().key(key);
    await eventually(async () => expect(await root.get(key).string()).not.toBeNull(), { timeout: 5_000 });
  } finally {
    root.close();
  }
}

beforeAll(async () => {
  server = await EtcdServer.start({ extraArgs: ['--auth-token-ttl', '3'] });
  await enableAuth(server);
});

afterEach(async () => {
  await apps.closeAll();
  const root = server.client(ROOT);
  await root.delete().prefix('/rpc/');
  root.close();
});

afterAll(async () => {
  await server.stop();
});

describe('etcd with auth and a role limited to the namespace prefix', () => {
  it('registers, renews and is discovered under the limited role', async () => {
    const provider = await track(startProvider(options()));
    const discovery = (await track(startConsumer(options()))).get(DiscoveryClient);
    await eventually(async () =>
      expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]),
    );
    await eventually(() => expect(provider.get(ServiceRegistry).status().renewals).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
  });

  it('keeps watching after the auth token expired: new providers are seen, an outside delete is repaired', async () => {
    const first = await track(startProvider(options()));
    const discovery = (await track(startConsumer(options()))).get(DiscoveryClient);
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    await sleep(6_000); // twice the token TTL with nothing but keep-alives and open watches
    const second = await track(startProvider(options()));
    await seesExactly(discovery, [first, second], 5_000);
    await sleep(6_000);
    await expectRepaired(first);
  }, 40_000);

  it('keeps working across an etcd restart (tokens are lost with it)', async () => {
    const first = await track(startProvider(options()));
    const discovery = (await track(startConsumer(options()))).get(DiscoveryClient);
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    await server.kill();
    await server.restart();
    const second = await track(startProvider(options()));
    await seesExactly(discovery, [first, second], 10_000);
    await expectRepaired(first);
  }, 40_000);

  it('a service first looked up after the token expired is watched too', async () => {
    const discovery = (await track(startConsumer(options({ ttl: 10 })))).get(DiscoveryClient);
    const first = await track(startProvider(options({ ttl: 10 })));
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    await sleep(12_000);
    expect(await discovery.getInstances('order-service')).toEqual([]);
    const root = server.client(ROOT);
    try {
      await root
        .put('/rpc/order-service:1.0/127.0.0.1:9')
        .value(JSON.stringify({ serviceName: 'order-service', serviceVersion: '1.0', serviceHost: '127.0.0.1', servicePort: 9 }));
      await eventually(() => expect(discovery.getInstancesSync('order-service')).toHaveLength(1), { timeout: 5_000 });
    } finally {
      root.close();
    }
    await expectRepaired(first);
  }, 60_000);

  it('a wrong password: keeps running, health down naming endpoint and user, registered once the password is right; no password in any output', async () => {
    const wrong = 'wrong-secret-71d2';
    const logger = new RecordingLogger();
    const app = await track(
      startProviderWithHealth(options({ backend: etcd({ hosts: server.url, auth: { username: APP.username, password: wrong } }) }), logger),
    );
    await eventually(async () => {
      const health = await registryHealth(app);
      expect(health.status).toBe('down');
      expect(health.lastError).toBe(
        `The etcd registry at ${server.url} refused user "nsr-app" (authentication failed). This is an authentication problem: check the backend's auth (username and password).`,
      );
    });
    const root = server.client(ROOT);
    try {
      await root.user(APP.username).setPassword(wrong);
      await eventually(async () => expect(await registryHealth(app)).toMatchObject({ status: 'up', registrations: 1 }), {
        timeout: 10_000,
      });
    } finally {
      await root.user(APP.username).setPassword(APP.password);
      root.close();
    }
    expect(logger.warnings('refused user "nsr-app"')).toHaveLength(1);
    const outputs = [logger.lines, await registryHealth(app), app.get(ServiceRegistry).status(), app.get(DiscoveryClient).status()];
    expectNoSecrets(outputs, [wrong, APP.password, ROOT.password]);
  }, 40_000);
});
