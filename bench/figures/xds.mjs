// xDS figure: how long a registry change takes to reach a gRPC client's calls, for an xDS client
// (@grpc/grpc-js-xds in another process, through this library's ADS server) beside the
// registry:/// resolver (grpc-js in this process), in the same run. Both call the demo provider's
// UserService.Get in 4 loops 1 ms apart; the change registers a second provider's gRPC address.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DiscoveryClient, RegistryModule, ServiceRegistry } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryGrpcModule, registryChannelOptions, registryTarget } from 'nest-service-registry/grpc';
import { RegistryXdsModule, writeXdsBootstrap, XdsServer } from 'nest-service-registry/xds';
import { USERS_PROTO } from '@app/demo-config';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { log, record, root, sleep, smoke, until } from '../lib/harness.mjs';
import { latencySummary } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const SERVICE = 'bench-xds';
/**
 * How long after a registration the clients keep calling: the first call to the new endpoint comes
 * within it (p99 ≈ 20 ms); then how long a deregistration has to reach both. Longer in the smoke
 * run, which checks the harness on a machine busy with the test suite, not the numbers.
 */
const CHANGE_WINDOW_MS = smoke ? 1_000 : 150;
const SETTLE_MS = smoke ? 500 : 150;
/** Changes per side after the warm-up (the p50 of 15 moved 1.5–2.2× between runs). */
const CHANGES = smoke ? 2 : 30;

/** The resolver side: a grpc-js client on registry:///bench-xds:1.0 in this process, with the same call loops as the fixture. */
function resolverClient() {
  const { users } = grpc.loadPackageDefinition(protoLoader.loadSync(USERS_PROTO, { keepCase: true }));
  const client = new users.UserService(registryTarget(SERVICE, '1.0'), grpc.credentials.createInsecure(), registryChannelOptions());
  const call = () => {
    const started = performance.timeOrigin + performance.now();
    return new Promise((resolve) =>
      client.Get({ id: '1' }, { deadline: Date.now() + 3_000 }, (error, user) =>
        resolve(error ? { started, error: error.message } : { started, by: user.servedBy }),
      ),
    );
  };
  let stop;
  return {
    steady() {
      const answers = [];
      let running = true;
      const loops = Array.from({ length: 4 }, async () => {
        while (running) {
          answers.push(await call());
          await sleep(1);
        }
      });
      stop = async () => ((running = false), await Promise.all(loops), answers);
    },
    stop: () => stop(),
    close: () => client.close(),
  };
}

/** The xDS side: test/fixtures/xds-client.mjs (grpc-js-xds) on xds:///bench-xds in a child process. */
function xdsClient(bootstrap) {
  const child = spawnTracked(process.execPath, [join(root, 'test/fixtures/xds-client.mjs')], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap, XDS_TARGET: SERVICE, USERS_PROTO },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line).answers));
  const ask = (command) => new Promise((resolve) => (waiting.push(resolve), child.stdin.write(`${JSON.stringify(command)}\n`)));
  return {
    calls: (n) => ask({ op: 'call', n }),
    steady: () => child.stdin.write(`${JSON.stringify({ op: 'steady', pause: 1 })}\n`),
    stop: () => ask({ op: 'stop' }),
    close: async () => (child.stdin.end(`${JSON.stringify({ op: 'exit' })}\n`), await exited),
  };
}

/** Registers `port` as bench-xds and returns ms from the registration to the first call `client` started that `provider` answered. */
async function oneChange(registry, client, provider) {
  client.steady();
  await sleep(50);
  const changedAt = performance.timeOrigin + performance.now();
  const registration = await registry.register({ serviceName: SERVICE, servicePort: provider.grpcPort, protocol: 'grpc' });
  await sleep(CHANGE_WINDOW_MS);
  const answers = await client.stop();
  await registry.deregister(registration.key);
  await sleep(SETTLE_MS); // gone from both clients before the next sample
  const first = answers.find((a) => a.by === provider.grpcAddress && a.started >= changedAt);
  if (!first) throw new Error(`no call reached ${provider.grpcAddress} within ${CHANGE_WINDOW_MS} ms of its registration`);
  return first.started - changedAt;
}

// 18. Registry change -> an xDS client's next call, beside the resolver ---------------------------
export async function xdsPropagation(server) {
  log(
    '\n[18] registry change → the next call goes to the new endpoint: an xDS client (grpc-js-xds, another process) vs the registry:/// resolver',
  );
  const [home, added] = await Promise.all([0, 1].map(async () => DemoProvider.start(server.url, 3, { grpcPort: await freePort() })));
  class XdsBenchModule {}
  Module({
    imports: [
      ScheduleModule.forRoot(), // the bench-xds registrations renew a lease
      RegistryModule.forRoot({ backend: etcd({ hosts: server.url }), host: '127.0.0.1', ttl: 10, drainDelay: 0 }),
      RegistryGrpcModule.forRoot(),
      RegistryXdsModule.forRoot({ port: 0 }),
    ],
  })(XdsBenchModule);
  const app = await NestFactory.createApplicationContext(XdsBenchModule, { logger: ['error'] });
  await app.init();
  const dir = mkdtempSync(join(tmpdir(), 'bench-xds-'));
  const registry = app.get(ServiceRegistry);
  const resolver = resolverClient();
  const xds = xdsClient(writeXdsBootstrap(join(dir, 'bootstrap.json'), { server: app.get(XdsServer).address }));
  try {
    await registry.register({ serviceName: SERVICE, servicePort: home.grpcPort, protocol: 'grpc' });
    await until(async () => (await app.get(DiscoveryClient).getInstances(SERVICE)).length === 1);
    await until(async () => (await xds.calls(1))[0]?.by === home.grpcAddress);
    const ours = [];
    const reference = [];
    for (let i = 0; i < CHANGES + 2; i++) {
      const [first, second] = i % 2 === 0 ? [xds, resolver] : [resolver, xds];
      const a = await oneChange(registry, first, added);
      const b = await oneChange(registry, second, added);
      if (i < 2) continue; // warm-up
      (first === xds ? ours : reference).push(a);
      (second === xds ? ours : reference).push(b);
    }
    const o = latencySummary(ours);
    const r = latencySummary(reference);
    record('registry change → xDS client calls the new endpoint, ms', o, r, 'p50 ≤ 2× the registry:/// resolver', o.p50 <= 2 * r.p50, 'ms');
  } finally {
    resolver.close();
    await xds.close();
    await app.close();
    await Promise.all([home.stop(), added.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
