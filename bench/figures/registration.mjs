// Registration figures: registration and listening to visible in another process, and graceful
// deregistration to gone, each beside the raw etcd3 operation it wraps.
import { Controller, Get } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcService, ServiceRegistry } from 'nest-service-registry';
import { log, record, registryApp, registryModule, S, sleep, until, value, worker } from '../lib/harness.mjs';
import { latencySummary, now } from '../lib/stats.mjs';

// 2. Registration -> visible in another process ---------------------------------------------
export async function registrationLatency(server, client) {
  log('\n[2] registration → visible in another process');
  const seen = [];
  const ours = await worker({ mode: 'ours', etcdUrl: server.url, service: 'bench-reg', consumers: 1 }, (m) => seen.push(m));
  const app = await registryApp(server.url, { ttl: 10 });
  const registry = app.get(ServiceRegistry);
  const oursLatency = [];
  for (let i = 0; i < S.samples + 5; i++) {
    const port = 21_000 + i;
    globalThis.gc?.(); // the previous sample's garbage is collected outside the timing (both sides)
    const started = now();
    await registry.register({ serviceName: 'bench-reg', servicePort: port });
    const event = await until(() => seen.find((m) => m.type === 'added' && m.port === port));
    if (i >= 5) oursLatency.push(event.at - started);
  }
  await app.close();
  await ours.stop();

  const rawSeen = [];
  const raw = await worker({ mode: 'raw', etcdUrl: server.url, prefix: '/rpc/bench-raw:1.0/', consumers: 1 }, (m) => rawSeen.push(m));
  const rawLatency = [];
  for (let i = 0; i < S.samples + 5; i++) {
    const port = 22_000 + i;
    globalThis.gc?.();
    const started = now();
    await client.put(`/rpc/bench-raw:1.0/127.0.0.1:${port}`).value(value('bench-raw', port));
    const event = await until(() => rawSeen.find((m) => m.type === 'added' && m.port === port));
    if (i >= 5) rawLatency.push(event.at - started);
  }
  await raw.stop();
  const o = latencySummary(oursLatency);
  const r = latencySummary(rawLatency);
  record('registration → visible, ms', o, r, 'within 2× of raw put → watch event', o.p50 <= 2 * r.p50 && o.p99 <= 2 * r.p99, 'ms');
}

// 2b. HTTP server listening -> visible in another process -----------------------------------------
/** A controller the listening figure's apps host as `bench-listen:1.0`. */
class ListenFixture {
  ping() {
    return 'ok';
  }
}
Get()(ListenFixture.prototype, 'ping', Object.getOwnPropertyDescriptor(ListenFixture.prototype, 'ping'));
Controller('ping')(ListenFixture);
RpcService({ name: 'bench-listen', version: '1.0' })(ListenFixture);

export async function listeningToVisible(server, client) {
  log('\n[2b] HTTP server listening → visible in another process (app created and initialised beforehand)');
  const seen = [];
  const watcher = await worker({ mode: 'ours', etcdUrl: server.url, service: 'bench-listen', consumers: 1 }, (m) => seen.push(m));
  const ours = [];
  for (let i = 0; i < S.listens + 2; i++) {
    // drainDelay 0: only makes the untimed close() at the end of the loop shorter.
    const app = await NestFactory.create(registryModule(server.url, { ttl: 10, drainDelay: 0 }, [ListenFixture]), { logger: ['error'] });
    await app.init();
    await sleep(50); // the connection opened at bootstrap is ready; what is timed is what listening costs
    globalThis.gc?.();
    let listening = 0;
    app.getHttpServer().once('listening', () => (listening = now()));
    await app.listen(0, '127.0.0.1');
    const port = app.getHttpServer().address().port;
    const added = await until(() => seen.find((m) => m.type === 'added' && m.port === port));
    if (i >= 2) ours.push(added.at - listening);
    await app.close();
  }
  await watcher.stop();

  const rawSeen = [];
  const raw = await worker({ mode: 'raw', etcdUrl: server.url, prefix: '/rpc/bench-rawlisten:1.0/', consumers: 1 }, (m) => rawSeen.push(m));
  const reference = [];
  for (let i = 0; i < S.listens + 2; i++) {
    const port = 28_000 + i;
    globalThis.gc?.();
    const started = now();
    const lease = client.lease(10, { autoKeepAlive: false });
    await lease.put(`/rpc/bench-rawlisten:1.0/127.0.0.1:${port}`).value(value('bench-rawlisten', port));
    const added = await until(() => rawSeen.find((m) => m.type === 'added' && m.port === port));
    if (i >= 2) reference.push(added.at - started);
    await lease.revoke();
  }
  await raw.stop();
  const o = latencySummary(ours);
  const r = latencySummary(reference);
  record('listening → visible, ms', o, r, 'p50 ≤ 10 ms (reference: raw lease grant + put → watch event)', o.p50 <= 10, 'ms');
}

// 3. Graceful deregistration -> gone --------------------------------------------------------
export async function deregistrationLatency(server, client) {
  log('\n[3] graceful deregistration (app.close() revokes the lease) → gone in another process');
  const leasesBefore = (await client.leaseClient.leaseLeases({})).leases.length;
  const seen = [];
  const ours = await worker({ mode: 'ours', etcdUrl: server.url, service: 'bench-dereg', consumers: 1 }, (m) => seen.push(m));
  const oursLatency = [];
  for (let i = 0; i < S.deregs + 2; i++) {
    const port = 23_000 + i;
    // drainDelay 0: close() still removes the instance first; the drain wait after that (1 s by default) only lengthens the loop.
    const app = await registryApp(server.url, { ttl: 10, drainDelay: 0 });
    await app.get(ServiceRegistry).register({ serviceName: 'bench-dereg', servicePort: port });
    await until(() => seen.find((m) => m.type === 'added' && m.port === port));
    globalThis.gc?.(); // creating the app made garbage: collect it outside the timing (both sides)
    const started = now();
    await app.close();
    const event = await until(() => seen.find((m) => m.type === 'removed' && m.port === port));
    if (i >= 2) oursLatency.push(event.at - started);
  }
  await ours.stop();
  const leasesLeft = (await client.leaseClient.leaseLeases({})).leases.length - leasesBefore;

  const rawSeen = [];
  const raw = await worker({ mode: 'raw', etcdUrl: server.url, prefix: '/rpc/bench-rawdereg:1.0/', consumers: 1 }, (m) => rawSeen.push(m));
  const rawLatency = [];
  for (let i = 0; i < S.deregs + 2; i++) {
    const port = 24_000 + i;
    const lease = client.lease(10, { autoKeepAlive: false });
    await lease.put(`/rpc/bench-rawdereg:1.0/127.0.0.1:${port}`).value(value('bench-rawdereg', port));
    await until(() => rawSeen.find((m) => m.type === 'added' && m.port === port));
    globalThis.gc?.();
    const started = now();
    await lease.revoke();
    const event = await until(() => rawSeen.find((m) => m.type === 'removed' && m.port === port));
    if (i >= 2) rawLatency.push(event.at - started);
  }
  await raw.stop();
  const o = { ...latencySummary(oursLatency), leasesLeft };
  const r = latencySummary(rawLatency);
  record(
    'graceful deregistration → gone, ms',
    o,
    r,
    'within 2× of raw revoke → delete event; zero leases left',
    o.p50 <= 2 * r.p50 && o.p99 <= 2 * r.p99 && leasesLeft === 0,
    'ms',
  );
}
