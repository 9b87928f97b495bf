import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import zk from 'node-zookeeper-client';
import { DiscoveryClient, RegistryHttpClient, RegistryModule } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { zookeeper } from 'nest-service-registry/zookeeper';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { fourLetters, ZooKeeperEnsemble } from '../../scripts/lib/zookeeper-ensemble.mjs';
import { testContext } from '../support/apps.js';
import { expectWithin } from '../support/bounds.js';
import { steadyStream } from '../support/steady-stream.js';

// Issue 29, item 3: a 3-member ZooKeeper ensemble (real JVMs, zoo.cfg with server.N, myid, 4lw),
// demo providers (session timeout 4 s) and an in-process consumer calling them through the HTTP
// client: the leader SIGKILLed under load, the killed member rejoining empty, and the follower
// holding a provider's session SIGKILLed under load.
const TTL = 4;
let ensemble: ZooKeeperEnsemble;
let consumer: INestApplicationContext;
let inspector: zk.Client;
const providers: DemoProvider[] = [];

const provider = async (): Promise<DemoProvider> => {
  const started = await DemoProvider.start('http://unused', TTL, {
    env: { REGISTRY_BACKEND: 'zookeeper', ZOOKEEPER_HOSTS: ensemble.hosts },
  });
  providers.push(started);
  return started;
};

beforeAll(async () => {
  ensemble = await ZooKeeperEnsemble.start();
  for (let i = 0; i < 2; i++) await provider();
  @Module({ imports: [RegistryModule.forRoot({ backend: zookeeper({ hosts: ensemble.hosts }), host: '127.0.0.1', ttl: TTL })] })
  class EnsembleConsumer {}
  consumer = await testContext(EnsembleConsumer);
  inspector = zk.createClient(ensemble.hosts, { sessionTimeout: 10_000 });
  const connected = new Promise<void>((resolve) => inspector.once('connected', () => resolve()));
  inspector.connect();
  await connected;
}, 120_000);

afterAll(async () => {
  inspector?.close();
  await consumer?.close();
  for (const p of providers) await p.stop('SIGKILL');
  await ensemble?.stop();
});

const live = () => providers.map((p) => p.httpAddress).sort();
const seen = async () =>
  (await consumer.get(DiscoveryClient).getInstances('user-service')).map((i) => `${i.serviceHost}:${i.servicePort}`).sort();

/** The session that owns a provider's ephemeral znode (`ephemeralOwner`). */
function ownerOf(p: DemoProvider): Promise<bigint> {
  return new Promise((resolve, reject) =>
    inspector.exists(`/rpc/user-service:1.0/${p.httpAddress}`, (error, stat) => {
      if (error || !stat) return reject(new Error(`no znode for ${p.httpAddress}: ${String(error ?? 'absent')}`));
      resolve(BigInt(`0x${stat.ephemeralOwner.toString('hex')}`));
    }),
  );
}

/** Steady calls through the HTTP client while `during` runs; resolves the failures. */
async function underLoad(during: () => Promise<void>): Promise<unknown[]> {
  const http = consumer.get(RegistryHttpClient);
  const { failed } = await steadyStream(
    300,
    100,
    async (i) => {
      const response = await http.fetch('user-service', `/users/${i}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
    during,
  );
  return failed;
}

describe('a ZooKeeper ensemble of 3', () => {
  let killed: ZooKeeperEnsemble['members'][number];

  it('the leader SIGKILLed under load: 0 failed calls, and the same sessions still own their ephemerals', async () => {
    await eventually(async () => expect(await seen()).toEqual(live()), { timeout: 15_000 });
    const owners = await Promise.all(providers.map(ownerOf));
    killed = await ensemble.leader();
    const failed = await underLoad(async () => {
      await ensemble.kill(killed);
      await ensemble.leader(); // a new one is elected
    });
    expect(failed).toEqual([]);
    await eventually(async () => expect(await Promise.all(providers.map(ownerOf))).toEqual(owners), { timeout: 10_000 });
    await eventually(async () => expect(await seen()).toEqual(live()), { timeout: 10_000 });
  }, 60_000);

  it('the killed member rejoins with an empty data dir and serves the registry again', async () => {
    const started = Date.now();
    await ensemble.restart(killed, { empty: true });
    const rejoined = Date.now() - started;
    console.log(`zookeeper ensemble: an empty member rejoined in ${rejoined} ms (JVM start included)`);
    expect(await ensemble.mode(killed)).toBe('follower');
    // It synced the data from the leader: a client connected to it alone reads the instances.
    const alone = zookeeper({ hosts: `127.0.0.1:${killed.clientPort}` }).create({ requestTimeout: 2_000 });
    try {
      const keys = (await alone.list('/rpc/user-service:1.0/')).entries.map((e) => e.key.slice(e.key.lastIndexOf('/') + 1)).sort();
      expect(keys).toEqual(live());
    } finally {
      await alone.close();
    }
  }, 60_000);

  it("the follower holding a provider's session SIGKILLed under load: 0 failed calls, the session moves and keeps its ephemeral", async () => {
    // A provider whose session sits on a follower (a new one when every session sits on the leader).
    let target: { provider: DemoProvider; owner: bigint; holder: ZooKeeperEnsemble['members'][number] } | undefined;
    for (let attempt = 0; attempt < 6 && !target; attempt++) {
      for (const p of providers) {
        const owner = await ownerOf(p);
        const holder = await ensemble.holderOf(owner);
        const mode = holder ? await ensemble.mode(holder) : 'none';
        console.log(`zookeeper ensemble: ${p.httpAddress}'s session 0x${owner.toString(16)} is on member ${holder?.id ?? '?'} (${mode})`);
        if (holder && mode === 'follower') target = { provider: p, owner, holder };
      }
      if (!target) {
        const another = await provider();
        await eventually(async () => expect(await seen()).toContain(another.httpAddress), { timeout: 10_000 });
      }
    }
    if (!target) throw new Error('no provider session landed on a follower in 6 tries');
    const { provider: moved, owner, holder } = target;
    let movedIn = 0;
    const failed = await underLoad(async () => {
      const killedAt = Date.now();
      await ensemble.kill(holder);
      await eventually(async () => expect(await ensemble.holderOf(owner)).toBeDefined(), { timeout: 10_000, interval: 20 });
      movedIn = Date.now() - killedAt;
    });
    expect(failed).toEqual([]);
    console.log(`zookeeper ensemble: the session moved to another member within ${movedIn} ms of the kill`);
    expectWithin('zookeeper ensemble: a session moved off a killed follower (session timeout 4 s)', movedIn, TTL * 1_000);
    expect(await ownerOf(moved)).toBe(owner);
    expect(await seen()).toEqual(live());
    expect(await fourLetters(holder.clientPort, 'ruok')).toBe('');
  }, 90_000);
});
