import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import zookeeper from 'node-zookeeper-client';
import { DiscoveryClient, ServiceRegistry } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { zookeeper as zookeeperBackend } from 'nest-service-registry/zookeeper';
import { ZooKeeperServer } from '../../scripts/lib/zookeeper-server.mjs';
import { portOf, RecordingLogger, startConsumer, TrackedApps } from '../support/apps.js';
import { expectNoSecrets } from '../support/secrets.js';
import { registryHealth, startProviderWithHealth } from '../support/health-app.js';

// ZooKeeper digest authentication: instance znodes only their owner may change or delete,
// anyone may read (issue 11, item 3). A real ZooKeeper started by the test.
const AUTH = { username: 'nsr-app', password: 'zk-secret-6a2f' };
let server: ZooKeeperServer;
const apps = new TrackedApps();

beforeAll(async () => {
  server = await ZooKeeperServer.start();
});

afterEach(async () => {
  await apps.closeAll();
});

afterAll(async () => {
  await server?.stop();
});

/** A plain node-zookeeper-client session, with `auth` if given. */
async function plainClient(auth?: typeof AUTH): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(server.hosts, { sessionTimeout: 4_000, retries: 0 });
  if (auth) client.addAuthInfo('digest', Buffer.from(`${auth.username}:${auth.password}`));
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

const code = (run: (done: (error: unknown) => void) => void) =>
  new Promise<number | undefined>((resolve) => run((error) => resolve((error as { getCode?: () => number } | null)?.getCode?.())));

describe('ZooKeeper with digest authentication', () => {
  it('instances are readable by anyone, changed or deleted only by their user; the password never shows', async () => {
    const logger = new RecordingLogger();
    const options = { backend: zookeeperBackend({ hosts: server.hosts, auth: AUTH }), host: '127.0.0.1', ttl: 2 };
    const provider = await apps.track(startProviderWithHealth(options, logger));
    const discovery = (await apps.track(startConsumer({ backend: zookeeperBackend({ hosts: server.hosts }), host: '127.0.0.1' }))).get(
      DiscoveryClient,
    );
    await eventually(async () =>
      expect((await discovery.getInstances('user-service')).map((i) => i.servicePort)).toEqual([portOf(provider)]),
    );
    const path = `/rpc/user-service:1.0/127.0.0.1:${portOf(provider)}`;

    const stranger = await plainClient();
    try {
      expect(await code((done) => stranger.remove(path, -1, done))).toBe(zookeeper.Exception.NO_AUTH);
      expect(await code((done) => stranger.setData(path, Buffer.from('{}'), -1, done))).toBe(zookeeper.Exception.NO_AUTH);
      expect(await code((done) => stranger.getData(path, (error) => done(error)))).toBeUndefined(); // reading is open
    } finally {
      stranger.close();
    }
    expect(discovery.getInstancesSync('user-service')).toHaveLength(1);
    expect(provider.get(ServiceRegistry).status().lostRegistrations).toEqual([]);

    const sameUser = await plainClient(AUTH); // the ACL is the user's, not "nobody's"
    try {
      expect(await code((done) => sameUser.setData(path, Buffer.from(JSON.stringify(JSON.parse('{}'))), -1, done))).toBeUndefined();
    } finally {
      sameUser.close();
    }
    expectNoSecrets([logger.lines, await registryHealth(provider), provider.get(ServiceRegistry).status()], [AUTH.password]);

    await provider.close(); // deregistration is confirmed: the znode is gone once close() resolves, not a session timeout later
    const observer = await plainClient();
    try {
      expect(await code((done) => observer.getData(path, (error) => done(error)))).toBe(zookeeper.Exception.NO_NODE);
    } finally {
      observer.close();
    }
  }, 30_000);

  it('refuses an auth option without a user name at bootstrap, without printing the password', () => {
    expect(() => zookeeperBackend({ hosts: server.hosts, auth: { username: '', password: 'x-secret' } }).validate?.()).toThrow(
      'Invalid registry option "backend.auth": got "(hidden)", expected { username: string (not empty, no ":"), password: string }.',
    );
  });
});
