import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendUnavailableError, DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { createProvider, RecordingLogger, startConsumer, startProvider, testOptions } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { idOf, plainValue, storedIds } from './fault-helpers.js';
import { expectWithin } from '../support/bounds.js';

let etcd: EtcdServer;
let dir: string;

beforeAll(async () => {
  etcd = await EtcdServer.start();
  dir = mkdtempSync(join(tmpdir(), 'nsr-snapshot-'));
});

afterEach(async () => {
  const client = etcd.client();
  await client.delete().all();
  client.close();
});

afterAll(async () => {
  await etcd.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('shutdown and boot while etcd is down', () => {
  it('a provider process gets SIGTERM while etcd is down and exits within 5 s', async () => {
    if (!existsSync('node_modules/nest-service-registry/index.js'))
      throw new Error('Run `npm run build` first (npm test does it in pretest).');
    const child = spawnTracked(process.execPath, ['dist/apps/provider/main.js'], {
      env: { ...process.env, ETCD_HOSTS: etcd.url, HOST: '127.0.0.1', PORT: '0', REGISTRY_TTL_SECONDS: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await eventually(() => expect(output).toContain('Registered user-service:1.0@127.0.0.1'), { timeout: 15_000 });
      await etcd.kill();
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      await exited;
      const took = Date.now() - signalledAt;
      console.log(`SIGTERM with etcd down: exited after ${took} ms`);
      // The drain's wait (the default drainDelay, 1 s) is deliberate: what comes beyond it is bounded.
      expectWithin('SIGTERM while etcd is down -> the provider exits, beyond drainDelay 1 s', took - 1_000, 4_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
      await etcd.restart();
    }
  });

  it('boots while etcd is down (health down), and registers within one renewal once etcd starts', async () => {
    await etcd.kill();
    const startedAt = Date.now();
    const provider = await createProvider(testOptions(etcd.url, { ttl: 3 }));
    try {
      await provider.listen(0, '127.0.0.1');
      expectWithin('boot while etcd is down -> listening', Date.now() - startedAt, 3_000);
      const registry = provider.get(ServiceRegistry);
      await eventually(
        () =>
          expect(registry.status()).toMatchObject({ state: 'degraded', lostRegistrations: [], pendingRegistrations: [expect.any(String)] }),
        {
          timeout: 5_000,
        },
      );
      await etcd.restart();
      const back = Date.now();
      const client = etcd.client();
      try {
        await eventually(async () => expect(await storedIds(client)).toEqual([idOf(provider)]), { timeout: 1_000 + 500, interval: 20 });
        console.log(`boot with etcd down: registered ${Date.now() - back} ms after etcd started`);
      } finally {
        client.close();
      }
    } finally {
      await provider.close();
    }
  });

  it('failFast fails bootstrap after connectTimeout, naming the endpoints', async () => {
    await etcd.kill();
    try {
      const startedAt = Date.now();
      await expect(startProvider(testOptions(etcd.url, { failFast: true, connectTimeout: 1_000 }))).rejects.toThrow(
        new RegExp(`The registry at ${etcd.url.replace(/[.]/g, '\\.')} did not answer within connectTimeout \\(1000 ms\\)`),
      );
      expectWithin('failFast with etcd down -> bootstrap fails, beyond connectTimeout 1 s', Date.now() - startedAt - 1_000, 3_000);
    } finally {
      await etcd.restart();
    }
    const provider = await startProvider(testOptions(etcd.url, { failFast: true, connectTimeout: 1_000 }));
    await provider.close();
  });
});

describe('consumer snapshot file', () => {
  it('serves the last known instances, marked stale, when the consumer starts while etcd is unreachable', async () => {
    const file = join(dir, 'registry-snapshot.json');
    const client = etcd.client();
    try {
      await client.delete().all();
      for (const port of [6001, 6002]) await client.put(`/rpc/user-service:1.0/127.0.0.1:${port}`).value(plainValue(port));
      const first = await startConsumer(testOptions(etcd.url, { snapshotFile: file }));
      try {
        expect(await first.get(DiscoveryClient).getInstances('user-service')).toHaveLength(2);
      } finally {
        await first.close();
      }
      expect(JSON.parse(readFileSync(file, 'utf8')).services['user-service:1.0']).toHaveLength(2);

      await etcd.kill();
      const logger = new RecordingLogger();
      const second = await startConsumer(testOptions(etcd.url, { snapshotFile: file }), logger);
      try {
        const discovery = second.get(DiscoveryClient);
        expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([6001, 6002]);
        expect(discovery.status()[0]).toMatchObject({ stale: true });
        expect(logger.warnings('from the snapshot')).toHaveLength(1);

        await etcd.restart();
        const fresh = etcd.client();
        await fresh.delete().key('/rpc/user-service:1.0/127.0.0.1:6001');
        fresh.close();
        await eventually(() => expect(discovery.getInstancesSync('user-service').map((i) => i.servicePort)).toEqual([6002]), {
          timeout: 5_000,
        });
        expect(discovery.status()[0]).toMatchObject({ stale: false });
        await eventually(() => expect(JSON.parse(readFileSync(file, 'utf8')).services['user-service:1.0']).toHaveLength(1));
      } finally {
        await second.close();
      }
    } finally {
      client.close();
    }
  });

  it('without a snapshot, a first read while etcd is unreachable fails naming the service and the endpoints', async () => {
    await etcd.kill();
    const consumer = await startConsumer(testOptions(etcd.url));
    try {
      const error = await consumer
        .get(DiscoveryClient)
        .getInstances('user-service')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toContain(`Cannot read user-service:1.0 from ${etcd.url}`);
    } finally {
      await consumer.close();
      await etcd.restart();
    }
  });
});
