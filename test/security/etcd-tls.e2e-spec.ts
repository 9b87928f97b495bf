import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiscoveryClient, ServiceRegistry, type RegistryModuleOptions } from 'nest-service-registry';
import { etcd, type EtcdCredentials } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { TestCertificates } from '../../scripts/lib/certificates.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { portOf, startConsumer, TrackedApps } from '../support/apps.js';
import { registryHealth, startProviderWithHealth } from '../support/health-app.js';

// etcd serving clients over TLS only and requiring a client certificate signed by its CA (mutual
// TLS), with certificates made by openssl for this run (issue 11, item 1).
let pki: TestCertificates;
let server: EtcdServer;
const apps = new TrackedApps();

// Clients dial the name on the server certificate (localhost): Node 26 refuses an IP as TLS server name.
const options = (credentials: EtcdCredentials, hosts = server.clientUrl): RegistryModuleOptions => ({
  backend: etcd({ hosts, credentials }),
  host: '127.0.0.1',
  ttl: 3,
});

beforeAll(async () => {
  pki = TestCertificates.create();
  server = await EtcdServer.start({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert, clientCertAuth: true } });
});

afterEach(async () => {
  await apps.closeAll();
});

afterAll(async () => {
  await server?.stop();
  pki?.remove();
});

describe('etcd over mutual TLS', () => {
  it('registers, renews, is discovered and healthy, with certificates as file paths or as buffers', async () => {
    const paths = { rootCertificate: pki.ca.cert, privateKey: pki.client.key, certChain: pki.client.cert };
    const provider = await apps.track(startProviderWithHealth(options(paths)));
    const buffers = { rootCertificate: pki.read(pki.ca.cert), privateKey: pki.read(pki.client.key), certChain: pki.read(pki.client.cert) };
    const discovery = (await apps.track(startConsumer(options(buffers)))).get(DiscoveryClient);
    await eventually(async () =>
      expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]),
    );
    await eventually(() => expect(provider.get(ServiceRegistry).status().renewals).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    expect(await registryHealth(provider)).toMatchObject({ status: 'up', lastError: null });
  });

  it('an https endpoint addressed by IP: fails bootstrap naming backend.hosts on Node 26 and later, connects before', async () => {
    const paths = { rootCertificate: pki.ca.cert, privateKey: pki.client.key, certChain: pki.client.cert };
    const start = () => apps.track(startProviderWithHealth(options(paths, server.url)));
    if (Number(process.versions.node.split('.')[0]) >= 26) {
      await expect(start()).rejects.toThrow(
        `Invalid registry option "backend.hosts": got "${server.url}", expected a host name, not an IP address, for an https:// endpoint`,
      );
    } else {
      const provider = await start();
      await eventually(async () => expect(await registryHealth(provider)).toMatchObject({ status: 'up', registrations: 1 }));
    }
  });

  it('an untrusted server certificate: keeps running, health down saying it is a TLS problem at that endpoint', async () => {
    const app = await apps.track(
      startProviderWithHealth(options({ rootCertificate: pki.rogueCa.cert, privateKey: pki.client.key, certChain: pki.client.cert })),
    );
    await eventually(async () => {
      const health = await registryHealth(app);
      expect(health.status).toBe('down');
      expect(health.lastError).toContain(
        `TLS with the etcd registry at ${server.clientUrl} failed (unable to verify the first certificate). This is a TLS problem`,
      );
    });
  });

  it('a client certificate the server does not trust: health down (TLS problem), registered once the server trusts its CA', async () => {
    const app = await apps.track(
      startProviderWithHealth(options({ rootCertificate: pki.ca.cert, privateKey: pki.rogueClient.key, certChain: pki.rogueClient.cert })),
    );
    await eventually(async () => {
      const health = await registryHealth(app);
      expect(health.status).toBe('down');
      expect(health.lastError).toMatch(
        /^TLS with the etcd registry at .+ failed \(alert (bad certificate|unknown ca|certificate required)\)\. This is a TLS problem/,
      );
    });
    const bundle = join(pki.dir, 'both-cas.crt');
    writeFileSync(bundle, Buffer.concat([pki.read(pki.ca.cert), pki.read(pki.rogueCa.cert)]));
    server.tls = { ...server.tls!, ca: bundle };
    await server.restart();
    try {
      await eventually(async () => expect(await registryHealth(app)).toMatchObject({ status: 'up', registrations: 1 }), {
        timeout: 10_000,
      });
    } finally {
      server.tls = { ...server.tls, ca: pki.ca.cert };
      await server.restart();
    }
  }, 40_000);
});
