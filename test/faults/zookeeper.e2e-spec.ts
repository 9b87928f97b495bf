import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { zookeeper } from 'nest-service-registry/zookeeper';
import { firstValueFrom, filter } from 'rxjs';
import { startConsumer, startProvider } from '../support/apps.js';
import { EventLedger } from '../support/event-ledger.js';
import { ZooKeeperServer } from '../support/zookeeper-server.js';
import { idOf } from './fault-helpers.js';

let server: ZooKeeperServer;

beforeAll(async () => {
  server = await ZooKeeperServer.start();
});

afterAll(async () => {
  await server.stop();
});

// TTL 2 s = ZooKeeper session timeout 2 s (the server's tickTime is 500 ms).
const options = () => ({ backend: zookeeper({ hosts: server.hosts }), host: '127.0.0.1', ttl: 2 });

describe('ZooKeeper faults', () => {
  it('a SIGKILLed owner disappears from a consumer within the session timeout (+ 1.5 s)', async () => {
    if (!existsSync('node_modules/nest-service-registry/index.js')) throw new Error('Run `npm run build` first (npm test does it in pretest).');
    const consumer = await startConsumer(options());
    const discovery = consumer.get(DiscoveryClient);
    await discovery.getInstances('user-service');
    const child = spawn(process.execPath, ['dist/apps/provider/main.js'], {
      env: { ...process.env, REGISTRY_BACKEND: 'zookeeper', ZOOKEEPER_HOSTS: server.hosts, HOST: '127.0.0.1', PORT: '0', REGISTRY_TTL_SECONDS: '2' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await eventually(() => expect(discovery.getInstancesSync('user-service')).toHaveLength(1), { timeout: 15_000 });
      const removed = firstValueFrom(discovery.events$.pipe(filter((e) => e.type === 'removed')));
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await removed;
      const took = Date.now() - killedAt;
      console.log(`zookeeper: SIGKILLed owner gone after ${took} ms (session timeout 2 s)`);
      expect(took).toBeLessThanOrEqual(2_000 + 1_500);
    } finally {
      child.kill('SIGKILL');
      await exited;
      await consumer.close();
    }
  });

  it.each([false, true])('restarted (empty data dir: %s): registrations intact or re-created, the consumer re-lists', async (empty) => {
    const provider = await startProvider(options());
    const consumer = await startConsumer(options());
    const discovery = consumer.get(DiscoveryClient);
    try {
      await eventually(async () => expect((await discovery.getInstances('user-service')).map((i) => i.id)).toEqual([idOf(provider)]));
      const ledger = new EventLedger(discovery, 'user-service');
      await server.restart({ empty });
      const back = Date.now();
      // Same data dir: the session survives (its timer restarts). Empty: the session is gone and
      // is noticed after one session timeout of silence, then re-created.
      await eventually(() => expect(provider.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', grants: empty ? 2 : 1 }), { timeout: 8_000 });
      const late = await startProvider(options());
      try {
        await eventually(() => ledger.expectConsistent([idOf(provider), idOf(late)]), { timeout: 8_000 });
      } finally {
        await late.close();
      }
      console.log(`zookeeper restarted (empty: ${empty}): provider alive and consumer consistent ${Date.now() - back} ms after the restart`);
      ledger.close();
    } finally {
      await consumer.close();
      await provider.close();
    }
  });
});
