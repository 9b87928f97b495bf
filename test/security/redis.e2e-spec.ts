import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryClient, ServiceRegistry, type RegistryModuleOptions } from 'nest-service-registry';
import { redis, type RedisBackendOptions } from 'nest-service-registry/redis';
import { eventually } from 'nest-service-registry/testing';
import { TestCertificates } from '../../scripts/lib/certificates.mjs';
import { RedisServer } from '../../scripts/lib/redis-server.mjs';
import { portOf, RecordingLogger, startConsumer, TrackedApps } from '../support/apps.js';
import { expectNoSecrets } from '../support/secrets.js';
import { registryHealth, startProviderWithHealth } from '../support/health-app.js';

// A real redis-server with a password on the default user, an ACL user limited to the registry's
// keys, and TLS on a second port with certificates made by openssl (issue 11, items 2 and 4).
const ROOT_PASSWORD = 'redis-root-secret-5e1a';
const APP_PASSWORD = 'redis-app-secret-93c0';
let pki: TestCertificates;
let server: RedisServer;
let dir: string;
const apps = new TrackedApps();

const options = (backend: RedisBackendOptions): RegistryModuleOptions => ({ backend: redis(backend), host: '127.0.0.1', ttl: 2 });
const appUrl = (password = APP_PASSWORD) => `redis://nsr-app:${password}@127.0.0.1:${server.port}`;
const admin = () => new Redis({ port: server.port, host: '127.0.0.1', password: ROOT_PASSWORD, lazyConnect: true });

beforeAll(async () => {
  pki = TestCertificates.create();
  dir = mkdtempSync(join(tmpdir(), 'nsr-redis-acl-'));
  const acl = join(dir, 'users.acl');
  writeFileSync(
    acl,
    `user default on >${ROOT_PASSWORD} ~* &* +@all\nuser nsr-app on >${APP_PASSWORD} ~/rpc/* ~__nsr:* &* +@all -@dangerous\n`,
  );
  server = await RedisServer.start({ extraArgs: ['--aclfile', acl], tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert } });
});

afterEach(async () => {
  await apps.closeAll();
});

afterAll(async () => {
  await server?.stop();
  pki?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Redis with passwords, an ACL user limited to the registry keys, and TLS', () => {
  it('an ACL user, and the default user by password only: registers, is discovered, health up; the passwords never show', async () => {
    const logger = new RecordingLogger();
    const provider = await apps.track(startProviderWithHealth(options({ url: appUrl() }), logger));
    const snapshotFile = join(dir, 'snapshot.json');
    const defaultUser = `redis://:${ROOT_PASSWORD}@127.0.0.1:${server.port}`;
    const consumer = await apps.track(startConsumer({ ...options({ url: defaultUser }), snapshotFile }, logger));
    const discovery = consumer.get(DiscoveryClient);
    const events: unknown[] = [];
    const subscription = discovery.events$.subscribe((event) => events.push(event));
    try {
      await eventually(async () =>
        expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]),
      );
      await eventually(() => expect(readFileSync(snapshotFile, 'utf8')).toContain('user-service'));
    } finally {
      subscription.unsubscribe();
    }
    const health = await registryHealth(provider);
    expect(health).toMatchObject({ status: 'up', endpoints: [`redis://nsr-app:***@127.0.0.1:${server.port}`] });
    const snapshot = readFileSync(snapshotFile, 'utf8');
    expectNoSecrets(
      [logger.lines, health, provider.get(ServiceRegistry).status(), discovery.status(), events, snapshot],
      [APP_PASSWORD, ROOT_PASSWORD],
    );
  });

  it('a wrong password: keeps running, health down naming endpoint and user, registered once Redis accepts it; no password in any output', async () => {
    const wrong = 'redis-wrong-secret-0c44';
    const logger = new RecordingLogger();
    const app = await apps.track(startProviderWithHealth(options({ url: appUrl(wrong) }), logger));
    const refused = `The redis registry at redis://nsr-app:***@127.0.0.1:${server.port} refused user "nsr-app" (invalid username-password pair). This is an authentication problem`;
    await eventually(async () => expect((await registryHealth(app)).lastError).toContain(refused));
    expect((await registryHealth(app)).status).toBe('down');
    const root = admin();
    try {
      await root.acl('SETUSER', 'nsr-app', `>${wrong}`);
      await eventually(async () => expect(await registryHealth(app)).toMatchObject({ status: 'up', registrations: 1 }), {
        timeout: 10_000,
      });
    } finally {
      await root.acl('SETUSER', 'nsr-app', `<${wrong}`);
      root.disconnect();
    }
    const outputs = [logger.lines, await registryHealth(app), app.get(ServiceRegistry).status(), app.get(DiscoveryClient).status()];
    expectNoSecrets(outputs, [wrong, APP_PASSWORD, ROOT_PASSWORD]);
  }, 30_000);

  it('TLS (rediss://) with the CA as a file path: registers and is discovered; an untrusted CA is a TLS problem in health', async () => {
    const tlsUrl = server.tlsUrl.replace('rediss://', `rediss://nsr-app:${APP_PASSWORD}@`);
    const provider = await apps.track(startProviderWithHealth(options({ url: tlsUrl, tls: { ca: pki.ca.cert } })));
    const discovery = (await apps.track(startConsumer(options({ url: tlsUrl, tls: { ca: pki.read(pki.ca.cert) } })))).get(DiscoveryClient);
    await eventually(async () =>
      expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]),
    );
    expect(await registryHealth(provider)).toMatchObject({ status: 'up' });

    const untrusted = await apps.track(startProviderWithHealth(options({ url: tlsUrl, tls: { ca: pki.rogueCa.cert } })));
    await eventually(async () =>
      expect((await registryHealth(untrusted)).lastError).toMatch(
        /^TLS with the redis registry at rediss:\/\/nsr-app:\*\*\*@.+ failed \(.+\)\. This is a TLS problem/,
      ),
    );
  }, 30_000);

  it('refuses TLS material with a redis:// URL at bootstrap, without printing the password', () => {
    expect(() => redis({ url: appUrl(), tls: { ca: pki.ca.cert } }).validate?.()).toThrow(
      'Invalid registry option "backend.tls": got "(TLS material)", expected a rediss:// url',
    );
  });
});
