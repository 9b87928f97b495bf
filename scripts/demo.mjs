#!/usr/bin/env node
// `npm run demo`: the main job, end to end on a private etcd.
// Builds the project, starts etcd (installing Debian's etcd-server when it is missing and this
// is root on Debian), three hybrid providers (HTTP + TCP + gRPC) and a consumer; calls
// GET /users/:id (load-balanced HTTP client), GET /rpc/users/:id (discovery-backed ClientProxy
// over TCP) and GET /grpc/users/:id (ClientGrpc on a registry:/// target) to show round-robin;
// keeps a steady stream of calls on all three paths while it stops one provider gracefully
// (SIGTERM) and crashes another (SIGKILL); then rolls a deploy of every provider under a steady
// stream of non-idempotent orders; prints what the consumer saw, how long each change took and how
// many calls failed (expected 0) and orders failed / duplicated / lost (expected 0 / 0 / 0). Leaves nothing running, unless started with
// `npm run demo -- --keep`: then everything stays up (the dashboard can be looked at) until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from './lib/binaries.mjs';
import { rollingDeploy } from './lib/demo-deploy.mjs';
import { followEvents, startChild, waitFor } from './lib/demo-kit.mjs';
import { stopAndCrash } from './lib/demo-failures.mjs';
import { permanentInstance } from './lib/demo-permanent.mjs';
import { EtcdServer } from './lib/etcd-server.mjs';
import { freePort } from './lib/ports.mjs';
import { RedisServer } from './lib/redis-server.mjs';
import { ZooKeeperServer } from './lib/zookeeper-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TTL = Number(process.env.REGISTRY_TTL_SECONDS ?? 5);
const children = [];
let registry;
const ordersDir = mkdtempSync(join(tmpdir(), 'demo-orders-')); // each provider's ORDERS_LOG
const BACKEND = process.env.REGISTRY_BACKEND || 'etcd';
const KEEP = process.argv.includes('--keep');
const say = (line = '') => process.stdout.write(`${line}\n`);

const start = (...args) => startChild(children, root, ...args);

async function cleanup() {
  for (const entry of children.reverse()) {
    if (entry.child.exitCode === null && entry.child.signalCode === null) {
      entry.child.kill('SIGTERM');
      const timer = setTimeout(() => entry.child.kill('SIGKILL'), 5_000);
      await entry.exited;
      clearTimeout(timer);
    }
  }
  await registry?.stop();
  rmSync(ordersDir, { recursive: true, force: true });
}

async function main() {
  const needs = { etcd: 'etcd', redis: 'redis', zookeeper: 'zookeeper' }[BACKEND];
  if (!needs) {
    throw new Error(
      `REGISTRY_BACKEND=${BACKEND}: the demo runs several processes, so it needs a shared registry: etcd (default), zookeeper or redis. ` +
        (BACKEND === 'memory' ? 'The memory backend is process-local.' : ''),
    );
  }
  ensureInstalled([needs]);
  say('== Building the library and the demo apps');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });

  say(`\n== Starting a private ${BACKEND}`);
  registry =
    BACKEND === 'redis'
      ? await RedisServer.start()
      : BACKEND === 'zookeeper'
        ? await ZooKeeperServer.start()
        : await EtcdServer.start({ name: 'demo' });
  const consumerPort = await freePort();
  const registryAddress = BACKEND === 'zookeeper' ? registry.hosts : registry.url;
  say(`   ${BACKEND} on ${registryAddress}`);

  const env = {
    REGISTRY_BACKEND: BACKEND,
    ...(BACKEND === 'redis'
      ? { REDIS_URL: registryAddress }
      : BACKEND === 'zookeeper'
        ? { ZOOKEEPER_HOSTS: registryAddress }
        : { ETCD_HOSTS: registryAddress }),
    HOST: '127.0.0.1',
    REGISTRY_TTL_SECONDS: String(TTL),
    PORT: '0',
  };
  say(`== Starting three providers (PORT=0, TTL ${TTL} s) and a consumer on port ${consumerPort}`);
  const startProvider = async (name) => {
    const [grpcPort, log] = [await freePort(), join(ordersDir, `${name}.log`)];
    const provider = await start(
      name,
      process.execPath,
      ['dist/apps/provider/main.js'],
      { ...env, RPC_PORT: '0', GRPC_PORT: String(grpcPort), ORDERS_LOG: log },
      /Provider rpc bound to (\d+)[\s\S]*listening on (\d+)/,
    );
    return { ...provider, rpcPort: Number(provider.match[1]), port: Number(provider.match[2]), grpcPort, log };
  };
  const providers = await Promise.all(['provider-a', 'provider-b', 'provider-c'].map(startProvider));
  const grpcPorts = providers.map((p) => p.grpcPort);
  say(
    `   providers: HTTP on ${providers.map((p) => p.port).join(', ')}; TCP on ${providers.map((p) => p.rpcPort).join(', ')}; ` +
      `gRPC on ${grpcPorts.join(', ')}`,
  );
  // CHECKER=1: the consumer also runs the leader-elected checker of permanent instances.
  await start(
    'consumer',
    process.execPath,
    ['dist/apps/consumer/main.js'],
    { ...env, PORT: String(consumerPort), CHECKER: '1' },
    /listening on (\d+)/,
  );
  const api = `http://127.0.0.1:${consumerPort}`;
  say(`   live dashboard: ${api}/registry/dashboard${KEEP ? '' : '   (run `npm run demo -- --keep` to keep it up after the demo)'}`);

  const { events, stop: stopEvents } = await followEvents(api);

  const seen = await waitFor('the consumer to see three instances', async () => {
    const list = await (await fetch(`${api}/registry/services/user-service`)).json();
    return list.length === 3 ? list : undefined;
  });
  say(`\n== The consumer sees ${seen.length} instances of user-service:1.0:`);
  for (const i of seen) say(`   ${i.id}  status=${i.status} weight=${i.weight}`);

  say('\n== GET /users/:id six times through the consumer (round-robin):');
  for (let id = 1; id <= 6; id++) {
    const body = await (await fetch(`${api}/users/${id}`)).json();
    say(`   /users/${id} -> ${JSON.stringify(body)}`);
  }

  say('\n== GET /rpc/users/:id six times (users.get over TCP through the discovery-backed ClientProxy):');
  for (let id = 1; id <= 6; id++) {
    const body = await (await fetch(`${api}/rpc/users/${id}`)).json();
    say(`   /rpc/users/${id} -> ${JSON.stringify(body)}`);
  }

  say(
    '\n== GET /grpc/users/:id six times (UserService.Get through ClientGrpc on registry:///user-grpc:1.0, gRPC round_robin;\n   its first calls go to whichever instance connected first):',
  );
  for (let id = 1; id <= 6; id++) {
    const body = await (await fetch(`${api}/grpc/users/${id}`)).json();
    say(`   /grpc/users/${id} -> ${JSON.stringify(body)}`);
  }

  await stopAndCrash({ api, providers, events, ttl: TTL, say });

  const sees = (provider, present) =>
    waitFor(`the consumer to ${present ? 'see' : 'drop'} ${provider.name}`, async () => {
      const list = await (await fetch(`${api}/registry/services/user-service`)).json();
      return list.some((i) => i.servicePort === provider.port) === present;
    });
  say('\n== Two more providers, then a rolling deploy of all three under 50 orders/s on POST /orders and POST /rpc/orders');
  say('   (not idempotent: an order is never sent twice; each provider logs what it processed)');
  const more = [await startProvider('provider-d'), await startProvider('provider-e')];
  for (const p of more) await sees(p, true);
  let next = 0;
  const { live } = await rollingDeploy({
    consumerPort,
    old: [providers[2], ...more],
    startProvider: () => startProvider(`provider-${['f', 'g', 'h'][next++]}`),
    seen: sees,
    say,
  });

  say(`\n== GET /users/:id three more times (round-robin over ${live.map((p) => p.name).join(', ')}):`);
  for (let id = 7; id <= 9; id++) {
    const body = await (await fetch(`${api}/users/${id}`)).json();
    say(`   /users/${id} -> ${JSON.stringify(body)}`);
  }
  const registryUrl = BACKEND === 'redis' ? registryAddress : `${BACKEND}://${registryAddress.replace(/^http:\/\//, '')}`;
  await permanentInstance({ api, registryUrl, root, start, say });

  const health = await (await fetch(`${api}/health`)).json();
  say(`\n== Consumer /health: ${health.status} (registry: ${health.details.registry.status})`);

  say('\n== What the consumer streamed on /registry/events:');
  for (const e of events) say(`   ${new Date(e.at).toISOString()} ${e.type.padEnd(7)} ${e.instance.id}`);
  stopEvents();
  if (KEEP) {
    say(`\n== --keep: everything stays up. Dashboard: ${api}/registry/dashboard  (Ctrl-C stops it all)`);
    await new Promise((resolve) => {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
}

let failed = false;
const interrupt = () => {
  failed = true;
  cleanup().finally(() => process.exit(130));
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(`\nDemo failed: ${error instanceof Error ? error.message : error}\n`);
} finally {
  await cleanup();
}
say(failed ? '' : '\n== Done: everything the demo started has been stopped.');
process.exit(failed ? 1 : 0);
