import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NoInstancesError, RegistryHttpClient, RegistryModule, type ServiceInstance } from 'nest-service-registry';
import { createServiceInstance, decodeInstance, encodeInstance, type RegistryBackend } from 'nest-service-registry/backend-kit';
import { etcd } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { requireInstalled } from '../../scripts/lib/binaries.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';
import { testContext, testOptions } from '../support/apps.js';

const TTL = 2; // seconds: the checkers' claim
const INTERVAL = 200; // ms between probes
const THRESHOLD = 2; // failures that make an instance DOWN
const DOWN_BOUND = INTERVAL * THRESHOLD + 1_000; // the bound: interval × threshold + 1 s
const TAKEOVER_BOUND = TTL * 1_000 + (TTL * 1_000) / 3 + 1_500; // TTL + one campaign period, + etcd's expiry granularity (as the conformance suite)
const root = join(import.meta.dirname, '../..');
const fixture = join(root, 'test/fixtures/checked-service.mjs');

let etcdServer: EtcdServer;
let backend: RegistryBackend;
let webRoot: string;
const ports = { http: 0, tcp: 0, grpc: 0 };
const services = {
  http: new ServerProcess('python3 http.server'),
  tcp: new ServerProcess('tcp listener'),
  grpc: new ServerProcess('grpc health'),
};
const checkers = [new ServerProcess('checker A'), new ServerProcess('checker B')];
const checkerPorts: number[] = [];

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const registry = `etcd://${etcdServer.url.replace('http://', '')}`;
  const run = spawnSync(process.execPath, [join(root, 'dist/libs/registry/cli.js'), '--registry', registry, ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function start(kind: keyof typeof services): Promise<void> {
  const port = ports[kind];
  const [command, args] =
    kind === 'http'
      ? ['python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', webRoot]]
      : [process.execPath, [fixture, kind, String(port)]];
  await services[kind].start(command, args, () => listening(port), 15_000);
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(Boolean(socket.destroy())));
    socket.once('error', () => resolve(false));
  });

async function statuses(): Promise<Record<string, ServiceInstance>> {
  const { entries } = await backend.list('/rpc/');
  const out: Record<string, ServiceInstance> = {};
  for (const entry of entries) {
    const decoded = decodeInstance(entry.value);
    if (decoded.ok) out[decoded.instance.serviceName] = decoded.instance;
  }
  return out;
}

async function leaders(): Promise<boolean[]> {
  return Promise.all(
    checkerPorts.map(async (port, i) => {
      if (!checkers[i]!.running) return false;
      // A frozen (SIGSTOPped) checker answers nothing: it does not lead as far as anyone can tell.
      const answer = await fetch(`http://127.0.0.1:${port}/registry/checker`, { signal: AbortSignal.timeout(500) }).catch(() => undefined);
      return answer ? ((await answer.json()) as { leader: boolean }).leader : false;
    }),
  );
}

beforeAll(async () => {
  requireInstalled('python3');
  etcdServer = await EtcdServer.start();
  backend = etcd({ hosts: etcdServer.url }).create({ requestTimeout: 2_000 });
  webRoot = mkdtempSync(join(tmpdir(), 'nsr-web-'));
  mkdirSync(join(webRoot, 'users'));
  writeFileSync(join(webRoot, 'users', '7'), JSON.stringify({ id: '7', name: 'from the legacy server' }));
  for (const kind of ['http', 'tcp', 'grpc'] as const) {
    ports[kind] = await freePort();
    await start(kind);
  }
  const check = ['--interval', String(INTERVAL), '--timeout', '150', '--failure-threshold', String(THRESHOLD)];
  expect(
    cli('register', '--permanent', 'legacy-http', '1.0', '127.0.0.1', String(ports.http), '--check', 'http:/users/7', ...check),
  ).toMatchObject({ status: 0 });
  expect(
    cli('register', '--permanent', 'legacy-tcp', '1.0', '127.0.0.1', String(ports.tcp), '--check', 'tcp', '--protocol', 'tcp', ...check),
  ).toMatchObject({ status: 0 });
  expect(
    cli(
      'register',
      '--permanent',
      'legacy-grpc',
      '1.0',
      '127.0.0.1',
      String(ports.grpc),
      '--check',
      'grpc:users',
      '--protocol',
      'grpc',
      ...check,
    ),
  ).toMatchObject({
    status: 0,
  });
  for (const checker of checkers) checkerPorts.push(await startDemoConsumer(checker, etcdServer.url, TTL, { CHECKER: '1' }));
}, 90_000);

afterAll(async () => {
  await Promise.all([...checkers, ...Object.values(services)].map((p) => p.stop()));
  await backend?.close();
  await etcdServer?.stop();
  rmSync(webRoot, { recursive: true, force: true });
});

describe('the permanent-instance checker (three real services registered through the CLI, two checker apps)', () => {
  it('turns every instance UP; exactly one checker leads; a consumer calls the HTTP one through RegistryHttpClient', async () => {
    await eventually(
      async () =>
        expect(
          Object.values(await statuses())
            .map((i) => `${i.serviceName} ${i.status}`)
            .sort(),
        ).toEqual(['legacy-grpc UP', 'legacy-http UP', 'legacy-tcp UP']),
      {
        timeout: 10_000,
      },
    );
    expect((await leaders()).filter(Boolean)).toHaveLength(1);
    @Module({ imports: [RegistryModule.forRoot(testOptions(etcdServer.url))] })
    class Consumer {}
    const consumer: INestApplicationContext = await testContext(Consumer);
    try {
      const http = consumer.get(RegistryHttpClient);
      expect(await (await http.fetch('legacy-http', '/users/7')).json()).toEqual({ id: '7', name: 'from the legacy server' });
      services.http.signal('SIGKILL');
      await services.http.exited;
      const killedAt = Date.now();
      await eventually(async () => expect((await statuses())['legacy-http']?.status).toBe('DOWN'), { timeout: DOWN_BOUND, interval: 20 });
      const tookMs = Date.now() - killedAt;
      expect((await statuses())['legacy-http']?.check).toMatchObject({ last: { ok: false } });
      await eventually(() => expect(http.fetch('legacy-http', '/users/7')).rejects.toBeInstanceOf(NoInstancesError)); // never routed to it
      console.log(`legacy-http DOWN ${tookMs} ms after SIGKILL (bound ${DOWN_BOUND} ms)`);
      await start('http');
      await eventually(async () => expect((await statuses())['legacy-http']?.status).toBe('UP'), { timeout: DOWN_BOUND });
      await eventually(async () => expect((await http.fetch('legacy-http', '/users/7')).status).toBe(200));
    } finally {
      await consumer.close();
    }
  }, 60_000);

  it.each(['tcp', 'grpc'] as const)(
    'turns the %s instance DOWN within interval × threshold + 1 s of its death, and UP when it is back',
    async (kind) => {
      services[kind].signal('SIGKILL');
      await services[kind].exited;
      const killedAt = Date.now();
      await eventually(async () => expect((await statuses())[`legacy-${kind}`]?.status).toBe('DOWN'), {
        timeout: DOWN_BOUND,
        interval: 20,
      });
      console.log(`legacy-${kind} DOWN ${Date.now() - killedAt} ms after SIGKILL (bound ${DOWN_BOUND} ms)`);
      await start(kind);
      await eventually(async () => expect((await statuses())[`legacy-${kind}`]?.status).toBe('UP'), { timeout: DOWN_BOUND });
    },
    30_000,
  );

  it('hands over within TTL + one campaign period when the leader is killed, with no status flap', async () => {
    const before = await statuses();
    const leader = (await leaders()).indexOf(true);
    const flaps: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const instance of Object.values(await statuses()))
          if (instance.status !== 'UP') flaps.push(`${instance.serviceName} ${instance.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    checkers[leader]!.signal('SIGKILL');
    await checkers[leader]!.exited;
    const killedAt = Date.now();
    await eventually(async () => expect((await leaders())[1 - leader]).toBe(true), { timeout: TAKEOVER_BOUND, interval: 50 });
    console.log(`checker takeover ${Date.now() - killedAt} ms after SIGKILL (bound ${TAKEOVER_BOUND} ms)`);
    await new Promise((r) => setTimeout(r, INTERVAL * THRESHOLD * 3)); // the new leader has probed everything several times
    watching = false;
    await watcher;
    expect(flaps).toEqual([]);
    expect(Object.keys(await statuses()).sort()).toEqual(Object.keys(before).sort());
    checkerPorts[leader] = await startDemoConsumer(checkers[leader]!, etcdServer.url, TTL, { CHECKER: '1' });
  }, 60_000);

  it('a frozen leader (SIGSTOP) is replaced, and after SIGCONT its late view never overwrites the new leader', async () => {
    await eventually(async () => expect((await leaders()).filter(Boolean)).toHaveLength(1), { timeout: 10_000 });
    const frozen = (await leaders()).indexOf(true);
    checkers[frozen]!.signal('SIGSTOP');
    try {
      const other = checkerPorts[1 - frozen]!;
      await eventually(
        async () =>
          expect(((await (await fetch(`http://127.0.0.1:${other}/registry/checker`)).json()) as { leader: boolean }).leader).toBe(true),
        {
          timeout: TAKEOVER_BOUND,
          interval: 50,
        },
      );
      // While the old leader sleeps, its view of legacy-tcp (UP) goes stale: the new one marks it DOWN.
      services.tcp.signal('SIGKILL');
      await services.tcp.exited;
      await eventually(async () => expect((await statuses())['legacy-tcp']?.status).toBe('DOWN'), { timeout: DOWN_BOUND });
      const written = JSON.stringify((await statuses())['legacy-tcp']);
      checkers[frozen]!.signal('SIGCONT');
      await new Promise((r) => setTimeout(r, TTL * 1_000 + INTERVAL * THRESHOLD * 3)); // it wakes, probes, and would write DOWN again (with its own time)
      expect(JSON.stringify((await statuses())['legacy-tcp'])).toBe(written); // only the new leader's write stands
      expect(await leaders()).toEqual(frozen === 0 ? [false, true] : [true, false]);
    } finally {
      checkers[frozen]!.signal('SIGCONT');
      await start('tcp');
    }
  }, 60_000);

  it('deregisters an instance DOWN for deregisterAfter; the CLI refuses to drain an ephemeral instance', async () => {
    const dead = await freePort(); // nothing listens there
    const registered = cli(
      'register',
      '--permanent',
      'legacy-gone',
      '1.0',
      '127.0.0.1',
      String(dead),
      '--check',
      'tcp',
      '--interval',
      String(INTERVAL),
      '--timeout',
      '150',
      '--failure-threshold',
      '1',
      '--deregister-after',
      '1000',
    );
    expect(registered.status).toBe(0);
    await eventually(async () => expect((await statuses())['legacy-gone']?.status).toBe('DOWN'), { timeout: 5_000 });
    await eventually(async () => expect((await statuses())['legacy-gone']).toBeUndefined(), { timeout: 1_000 + DOWN_BOUND * 3 });
    // A process's own (leased) instance is not the tool's to change: exit code 1, and it stays as it was.
    const lease = await backend.grantLease(TTL);
    const value = encodeInstance(createServiceInstance({ serviceName: 'app-owned', serviceHost: '127.0.0.1', servicePort: 1 }));
    await lease.put('/rpc/app-owned:1.0/127.0.0.1:1', value);
    const refused = cli('drain', '127.0.0.1:1');
    expect(refused).toMatchObject({ status: 1, stderr: expect.stringContaining('ephemeral') });
    expect((await statuses())['app-owned']?.status).toBe('UP');
    await lease.revoke();
    expect(cli('bogus')).toMatchObject({ status: 2 });
  }, 30_000);
});
