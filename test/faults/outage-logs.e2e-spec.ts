import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { createProvider, RecordingLogger, testOptions, TrackedApps } from '../support/apps.js';
import { sleep } from './fault-helpers.js';

// Issue 10, item 5: an outage is one warning when it starts (what and where) and one line when
// it ends, whatever number of components retry meanwhile; the retry detail is at debug.
let etcd: EtcdServer;
const apps = new TrackedApps();

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterAll(async () => {
  await apps.closeAll();
  await etcd.stop();
});

describe('logs of an etcd outage, in an app that registers and discovers', () => {
  it('one warning naming the registry when it starts, one line when it ends, retries at debug only', async () => {
    const logger = new RecordingLogger();
    const app = await apps.track(createProvider(testOptions(etcd.url, { ttl: 3 }), undefined, [], logger));
    await app.listen(0, '127.0.0.1');
    const discovery = app.get(DiscoveryClient);
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    const before = logger.lines.length;

    await etcd.kill();
    await sleep(4_000); // renewals every second, the own-keys watch and the consumer's watch all retry
    await etcd.restart();
    await eventually(() => expect(app.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', lostRegistrations: [] }), {
      timeout: 10_000,
    });
    await eventually(() => expect(logger.lines.slice(before).filter((l) => l.level === 'log')).toHaveLength(1), { timeout: 10_000 });
    await sleep(1_500); // nothing more may follow once it is over

    const during = logger.lines.slice(before);
    const shown = during.filter((l) => l.level !== 'debug' && l.level !== 'verbose');
    expect(shown).toEqual([
      { level: 'warn', message: expect.stringMatching(`^The etcd registry at ${etcd.url} is not answering \\(.+\\); serving from memory`) },
      {
        level: 'log',
        message: expect.stringMatching(`^The etcd registry at ${etcd.url} answers again after \\d+\\.\\d s \\(\\d+ failed attempt`),
      },
    ]);
    expect(during.filter((l) => l.level === 'debug').length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
