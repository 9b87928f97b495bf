// Figure 14: orders per rolling deploy. Three demo providers are replaced one by one (start a new
// one, wait until the consumer sees it, SIGTERM an old one, start the next while it drains) under
// 60 non-idempotent orders/s on each path; the providers' ORDERS_LOG files tell what was
// processed. Ours: the library's HTTP client and ClientProxy. Reference: plain fetch and plain
// ClientTCPs that read the registry on every call (round-robin over what etcd holds), as an app
// without this library would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientTCP } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { DiscoveryClient, RegistryHttpClient, RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryClientsModule } from 'nest-service-registry/microservices';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { auditOrders, orderStream } from '../../scripts/lib/orders.mjs';
import { log, record, sleep, smoke, until } from '../lib/harness.mjs';

const PER_SECOND = 60;
const post = (id) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
const answered = (ok, servedBy) => ({ status: ok ? 200 : 502, servedBy });
const failed = (error) => ({ status: 502, code: error?.code ?? String(error?.message ?? error) });

/** Ours: a consumer app with the library's HTTP client and a ClientProxy (orders.create not idempotent). */
async function oursConsumer(etcdUrl) {
  class DeployBenchModule {}
  Module({
    imports: [
      RegistryModule.forRoot({ backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1', ttl: 3 }),
      RegistryClientsModule.register([{ name: 'ORDERS_RPC', service: 'user-rpc' }]),
    ],
  })(DeployBenchModule);
  const app = await NestFactory.createApplicationContext(DeployBenchModule, { logger: ['error'] });
  await app.init();
  const http = app.get(RegistryHttpClient);
  const rpc = app.get('ORDERS_RPC');
  const discovery = app.get(DiscoveryClient);
  const place = (path, id) =>
    path === '/orders'
      ? http
          .fetch('user-service', '/orders', post(id), { timeout: 10_000 })
          .then(async (r) => answered(r.ok, (await r.json()).servedBy), failed)
      : firstValueFrom(rpc.send('orders.create', { id }).pipe(timeout(10_000))).then((o) => answered(true, o.servedBy), failed);
  const sees = (provider) =>
    until(
      () =>
        discovery.getInstancesSync('user-service').some((i) => i.servicePort === provider.httpPort) &&
        discovery.getInstancesSync('user-rpc').some((i) => i.servicePort === provider.rpcPort),
    );
  await Promise.all([discovery.getInstances('user-service'), discovery.getInstances('user-rpc')]);
  return { place, sees, close: () => app.close() };
}

/**
 * The reference: one registry read per call (UP instances), round-robin, plain fetch, or one plain
 * ClientTCP per address kept until a call on it fails. No retry: these are not idempotent.
 */
function referenceConsumer(client) {
  const connections = new Map();
  let next = 0;
  const read = async (service) =>
    Object.values(await client.getAll().prefix(`/rpc/${service}:1.0/`).strings())
      .map((v) => JSON.parse(v))
      .filter((i) => i.status === undefined || i.status === 'UP');
  const place = async (path, id) => {
    try {
      const instances = await read(path === '/orders' ? 'user-service' : 'user-rpc');
      const { serviceHost: host, servicePort: port } = instances[next++ % instances.length];
      if (path === '/orders') {
        const response = await fetch(`http://${host}:${port}/orders`, { ...post(id), signal: AbortSignal.timeout(10_000) });
        return answered(response.ok, (await response.json()).servedBy);
      }
      // One connection per address, kept until it fails (then the next call opens a new one).
      const address = `${host}:${port}`;
      if (!connections.has(address)) connections.set(address, new ClientTCP({ host, port }));
      const tcp = connections.get(address);
      const order = await firstValueFrom(tcp.send('orders.create', { id }).pipe(timeout(10_000))).catch((error) => {
        if (connections.get(address) === tcp) (tcp.close(), connections.delete(address));
        throw error;
      });
      return answered(true, order.servedBy);
    } catch (error) {
      return failed(error);
    }
  };
  const close = async () => {
    for (const tcp of connections.values()) tcp.close();
  };
  return { place, sees: () => Promise.resolve(), close };
}

/** One rolling deploy of 3 providers under the order stream; the audit and the last old provider's exit time. */
async function rollingDeploy(server, consumer, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-deploy-'));
  const logs = [];
  const started = [];
  const start = async () => {
    const log_ = join(dir, `orders-${logs.length}.log`);
    logs.push(log_);
    const provider = await DemoProvider.start(server.url, 3, { env: { ORDERS_LOG: log_, ...env } });
    started.push(provider);
    await consumer.sees(provider);
    return provider;
  };
  try {
    const old = await Promise.all([start(), start(), start()]);
    const stream = orderStream(consumer.place, PER_SECOND);
    await sleep(500);
    // As a rolling update does: the next new provider starts while the old one it replaced drains.
    const exits = [];
    for (const victim of old) {
      await start();
      const signalled = Date.now();
      exits.push(victim.stop('SIGTERM').then(() => Date.now() - signalled));
    }
    const lastExitMs = (await Promise.all(exits)).at(-1);
    await sleep(500); // the last orders answered
    const audit = auditOrders(await stream.stop(), logs);
    return {
      orders: audit.sent,
      failed: audit.failed.length,
      processedButFailed: audit.processedButFailed.length,
      duplicated: audit.duplicated.length,
      lost: audit.lost.length,
      lastExitMs,
    };
  } finally {
    await Promise.all(started.map((p) => p.stop('SIGTERM'))); // deregistered: the next run starts clean
    rmSync(dir, { recursive: true, force: true });
  }
}

// 14. Orders per rolling deploy ------------------------------------------------------------------
export async function deployOrders(server, client) {
  log(`\n[14] orders per rolling deploy of 3 providers, ${PER_SECOND}/s on POST /orders (HTTP) and orders.create (TCP), not idempotent`);
  const runs = smoke ? 1 : 3;
  const ours = [];
  const reference = [];
  const withoutDrain = []; // ours, with the providers' drain off (DRAIN_MS=0): what the drain wait buys
  const oursClient = await oursConsumer(server.url);
  const referenceClient = referenceConsumer(client);
  try {
    for (let i = 0; i < runs; i++) {
      ours.push(await rollingDeploy(server, oursClient));
      reference.push(await rollingDeploy(server, referenceClient));
      if (!smoke && i === 0) withoutDrain.push(await rollingDeploy(server, oursClient, { DRAIN_MS: '0' })); // context: one run
    }
  } finally {
    await oursClient.close();
    await referenceClient.close();
  }
  const sum = (list, field) => list.map((r) => r[field]);
  const worstExit = (list) => Math.max(...sum(list, 'lastExitMs'));
  const met = ours.every((r) => r.failed + r.duplicated + r.lost === 0) && worstExit(ours) <= 1.2 * worstExit(reference);
  log(
    `  context: ours with the providers' drainDelay 0: failed ${JSON.stringify(sum(withoutDrain, 'failed'))}, last exit ${JSON.stringify(sum(withoutDrain, 'lastExitMs'))} ms`,
  );
  record(
    'orders per rolling deploy (HTTP + TCP)',
    { failed: sum(ours, 'failed'), processedButFailed: sum(ours, 'processedButFailed'), lastExitMs: sum(ours, 'lastExitMs') },
    {
      failed: sum(reference, 'failed'),
      processedButFailed: sum(reference, 'processedButFailed'),
      lastExitMs: sum(reference, 'lastExitMs'),
    },
    '0 failed, duplicated or lost orders in every run; last SIGTERM -> old process gone ≤ 1.2× the reference',
    met,
    'orders per deploy, ms',
    { runs: { ours, reference, withoutDrain } },
  );
}
