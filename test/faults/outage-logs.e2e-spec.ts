import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { createProvider, RecordingLogger, testOptions, TrackedApps } from '../support/apps.js';
import { sleep } from './fault-helpers.js';

// An outage is one warning when it starts (what and where) and one line when it ends, whatever
// number of components retry meanwhile, at every log level (Nest's default logger prints debug
// and verbose too): the retry detail is summed up at debug at most once a minute.
let etcd: EtcdServer;
const apps = new TrackedApps();

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterEach(async () => {
  await apps.closeAll(); // Nest's logger is process-wide: an app left running would log into the next test's
});

afterAll(async () => {
  await etcd.stop();
});

describe('logs of an etcd outage, in an app that registers and discovers', () => {
  it('one warning naming the registry when it starts, one line when it ends, nothing else at any level', async () => {
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

    expect(logger.lines.slice(before)).toEqual([
      { level: 'warn', message: expect.stringMatching(`^The etcd registry at ${etcd.url} is not answering \\(.+\\); serving from memory`) },
      {
        level: 'log',
        message: expect.stringMatching(`^The etcd registry at ${etcd.url} answers again after \\d+\\.\\d s \\(\\d+ failed attempt`),
      },
    ]);
  }, 60_000);

  it('an app that boots while etcd is down for 20 s: one warning and one recovery line in all', async () => {
    const logger = new RecordingLogger();
    await etcd.kill();
    const app = await apps.track(createProvider(testOptions(etcd.url, { ttl: 3 }), undefined, [], logger));
    await app.listen(0, '127.0.0.1');
    const after = logger.lines.length; // Nest's own startup lines are before
    await sleep(20_000);
    await etcd.restart();
    await eventually(() => expect(app.get(ServiceRegistry).status()).toMatchObject({ state: 'alive', lostRegistrations: [] }), {
      timeout: 10_000,
    });
    await eventually(() => expect(logger.lines.slice(after).filter((l) => l.level === 'log').length).toBeGreaterThanOrEqual(1), {
      timeout: 10_000,
    });
    await sleep(1_500); // nothing more may follow once it is over
    // Besides the outage's two lines, only the registration itself, once it could be written.
    const lines = logger.lines.slice(after);
    expect(lines.filter((l) => !l.message.startsWith('Registered user-service:1.0@'))).toEqual([
      { level: 'warn', message: expect.stringMatching(`^The etcd registry at ${etcd.url} is not answering`) },
      // The outage is timed from the first failed attempt, which may end up to requestTimeout (2 s)
      // after boot: 20 s down, so at least 18 s (measured 19.3 to 21 s).
      { level: 'log', message: expect.stringMatching(`^The etcd registry at ${etcd.url} answers again after (1[89]|2\\d)\\.\\d s`) },
    ]);
    expect(lines).toHaveLength(3);
  }, 60_000);
});
