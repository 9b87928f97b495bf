#!/usr/bin/env node
// `npm run bench`: measures nest-service-registry beside the reference or baseline each figure
// replaces, in the same run, against a private etcd. Prints a table and writes
// bench/results/<timestamp>.json. Never asserts timings; a missed goal is reported as MISSED.
// `--smoke`: tiny sizes, for the test suite (checks the harness runs, not the numbers).
// `--only cold,deregistration`: run some figures only. `--out FILE`: where to write the JSON.
import 'reflect-metadata';
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { Etcd3 } from 'etcd3';
import { DiscoveryClient, RegistryModule, resolveRegistryOptions, ServiceRegistry } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { ensureEtcd, startEtcd } from '../scripts/lib/servers.mjs';
import { latencySummary, median, now, percentile, round, sleep } from './lib/stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const smoke = process.argv.includes('--smoke');
const outArg = process.argv.indexOf('--out');
const outFile =
  outArg > 0 ? process.argv[outArg + 1] : join(root, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const S = smoke
  ? {
      reps: 2,
      lookupMs: 50,
      samples: 5,
      deregs: 3,
      crashes: 1,
      counts: [1, 10],
      windowMs: 2_000,
      cold: [10, 100],
      coldReps: 2,
      workers: 2,
      perWorker: 2,
      changes: 4,
      readChanges: 4,
      memory: 200,
    }
  : {
      reps: 5,
      lookupMs: 1_000,
      samples: 300,
      deregs: 90,
      crashes: 5,
      counts: [1, 100, 1_000],
      windowMs: 10_000,
      cold: [10, 1_000, 10_000],
      coldReps: 7,
      workers: 5,
      perWorker: 10,
      changes: 20,
      readChanges: 100,
      memory: 10_000,
    };
const log = (line = '') => process.stdout.write(`${line}\n`);
const results = [];
const cleanups = [];

function record(figure, ours, reference, goal, met, unit, extra = {}) {
  results.push({ figure, ours, reference, goal, met, unit, ...extra });
  log(
    `  ${met ? 'ok    ' : 'MISSED'} ${figure}: ours ${JSON.stringify(ours)} | reference ${JSON.stringify(reference)} ${unit} | goal: ${goal}`,
  );
}

const value = (service, port) =>
  JSON.stringify({
    serviceName: service,
    serviceVersion: '1.0',
    serviceHost: '127.0.0.1',
    servicePort: port,
    serviceGroup: 'default',
    id: `${service}:1.0@127.0.0.1:${port}`,
    protocol: 'http',
    weight: 100,
    zone: null,
    status: 'UP',
    metadata: {},
    registeredAt: new Date().toISOString(),
    schema: 1,
  });

async function putMany(client, service, ports, concurrency = 32) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ports.length) {
        const port = ports[next++];
        await client.put(`/rpc/${service}:1.0/127.0.0.1:${port}`).value(value(service, port));
      }
    }),
  );
}

/** Forks a worker and waits for it to be ready; its messages go to `onMessage`. */
async function worker(options, onMessage = () => undefined, execArgv = []) {
  const child = fork(join(root, 'bench/worker.mjs'), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message.ready) resolve(message);
      else if (message.error) reject(new Error(message.error));
      else onMessage(message);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
  });
  child.send({ cmd: 'start', ...options });
  const result = await ready;
  const stop = async () => {
    if (child.connected) child.send({ cmd: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  return { result, stop };
}

/** Waits until `find()` returns something (messages arrive asynchronously). */
async function until(find, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for an event');
    await sleep(1);
  }
}

async function registryApp(etcdUrl, extra = {}) {
  class BenchModule {}
  Module({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot({ backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1', ...extra })],
  })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  await app.init();
  return app;
}

// 1. Lookup of a loaded service ------------------------------------------------------------
async function lookup(server, client) {
  log('\n[1] lookup of a loaded service (sync read and choose), in process');
  await putMany(
    client,
    'bench-lookup',
    Array.from({ length: 10 }, (_, i) => 20_000 + i),
  );
  const options = resolveRegistryOptions({ backend: etcd({ hosts: server.url }), host: '127.0.0.1' });
  const backend = options.backend.create({ requestTimeout: options.requestTimeout });
  const discovery = new DiscoveryClient(backend, options);
  await discovery.getInstances('bench-lookup');
  const raw = new Map([['bench-lookup:1.0', [...discovery.getInstancesSync('bench-lookup')]]]);
  let cursor = 0;
  const loops = {
    raw: () => {
      const list = raw.get('bench-lookup:1.0');
      return list[cursor++ % list.length];
    },
    read: () => discovery.getInstancesSync('bench-lookup'),
    choose: () => discovery.chooseSync('bench-lookup'),
  };
  const rates = { raw: [], read: [], choose: [] };
  let sink = 0;
  for (let rep = 0; rep < S.reps + 1; rep++) {
    for (const [name, fn] of Object.entries(loops)) {
      let ops = 0;
      const started = performance.now();
      while (performance.now() - started < S.lookupMs) {
        for (let i = 0; i < 10_000; i++) sink ^= fn() ? 1 : 0;
        ops += 10_000;
      }
      if (rep > 0) rates[name].push(ops / ((performance.now() - started) / 1000)); // rep 0 = warm-up
    }
  }
  await discovery.close();
  await backend.close();
  const [rawRate, readRate, chooseRate] = [median(rates.raw), median(rates.read), median(rates.choose)];
  const m = (x) => round(x / 1e6, 1);
  if (sink === 42) log(''); // keeps the loops' results observable
  record(
    'choose (sync), M ops/s',
    m(chooseRate),
    m(rawRate),
    '≥ 20 M ops/s and within 3× of raw Map.get + round-robin',
    chooseRate >= 20e6 && rawRate / chooseRate <= 3,
    'M ops/s',
  );
  record('getInstancesSync, M ops/s', m(readRate), m(rawRate), 'within 3× of raw', rawRate / readRate <= 3, 'M ops/s');
}

// 2. Registration -> visible in another process ---------------------------------------------
async function registrationLatency(server, client) {
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

// 3. Graceful deregistration -> gone --------------------------------------------------------
async function deregistrationLatency(server, client) {
  log('\n[3] graceful deregistration (app.close() revokes the lease) → gone in another process');
  const leasesBefore = (await client.leaseClient.leaseLeases({})).leases.length;
  const seen = [];
  const ours = await worker({ mode: 'ours', etcdUrl: server.url, service: 'bench-dereg', consumers: 1 }, (m) => seen.push(m));
  const oursLatency = [];
  for (let i = 0; i < S.deregs + 2; i++) {
    const port = 23_000 + i;
    const app = await registryApp(server.url, { ttl: 10 });
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

// 4. Crash -> gone ---------------------------------------------------------------------------
async function crashToGone(server) {
  log('\n[4] provider process SIGKILLed → gone in another process (TTL 2 s)');
  const TTL = 2;
  const seen = [];
  const watcher = await worker({ mode: 'ours', etcdUrl: server.url, service: 'user-service', consumers: 1 }, (m) => seen.push(m));
  const durations = [];
  for (let i = 0; i < S.crashes; i++) {
    const child = spawn(process.execPath, [join(root, 'dist/apps/provider/main.js')], {
      env: { ...process.env, ETCD_HOSTS: server.url, HOST: '127.0.0.1', PORT: '0', REGISTRY_TTL_SECONDS: String(TTL) },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const added = await until(() => seen.find((m) => m.type === 'added' && !m.used), 20_000);
    added.used = true;
    await sleep(300 + Math.random() * 700); // kill at a random point of the renewal cycle
    const killedAt = now();
    child.kill('SIGKILL');
    await exited;
    const removed = await until(() => seen.find((m) => m.type === 'removed' && m.port === added.port), 20_000);
    durations.push(removed.at - killedAt);
  }
  await watcher.stop();
  const o = { p50: round(median(durations) / 1000, 2), max: round(Math.max(...durations) / 1000, 2) };
  record('crash (SIGKILL) → gone, s', o, { ttl: TTL }, `≤ TTL + 0.6 s (${TTL + 0.6} s)`, o.max <= TTL + 0.6, 's');
}

// 5. etcd requests per minute to keep N instances registered ----------------------------------
async function requestsPerMinute(server, client) {
  log(
    `\n[5] etcd requests/min to keep N instances of one process registered (TTL 10 s, ${S.windowMs / 1000} s windows, from etcd /metrics)`,
  );
  const requests = () => server.counter('grpc_server_started_total');
  const perMinute = (delta) => round((delta * 60_000) / S.windowMs, 0);
  const ours = {};
  const baseline = {};
  for (const n of S.counts) {
    const app = await registryApp(server.url, { ttl: 10 });
    const registry = app.get(ServiceRegistry);
    await Promise.all(Array.from({ length: n }, (_, i) => registry.register({ serviceName: `bench-rpm-${n}`, servicePort: 30_000 + i })));
    await sleep(500);
    const before = await requests();
    await sleep(S.windowMs);
    ours[n] = perMinute((await requests()) - before); // /metrics is plain HTTP: not counted
    await app.close();

    // Baseline: every 10 s, for every key: get + grant a new lease + put (one round per window).
    const beforeBaseline = await requests();
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          const i = next++;
          const key = `/rpc/bench-perkey-${n}:1.0/127.0.0.1:${31_000 + i}`;
          await client.get(key).string();
          const lease = client.lease(30, { autoKeepAlive: false });
          await lease.put(key).value(value(`bench-perkey-${n}`, 31_000 + i));
          lease.release();
        }
      }),
    );
    await sleep(Math.max(0, S.windowMs - (Date.now() - started)));
    baseline[n] = perMinute((await requests()) - beforeBaseline);
    await client.delete().prefix(`/rpc/bench-perkey-${n}:1.0/`);
  }
  const largest = S.counts.includes(100) ? 100 : S.counts[S.counts.length - 1];
  const independent = Math.max(...Object.values(ours)) <= 2 * Math.min(...Object.values(ours)) + 6;
  record(
    'etcd requests/min by N instances',
    ours,
    baseline,
    `independent of N; ≥ 100× fewer at N = ${largest}`,
    independent && baseline[largest] >= 100 * Math.max(1, ours[largest]),
    'req/min',
  );
}

// 6. Cold first read -----------------------------------------------------------------------------
async function coldRead(server, client) {
  log('\n[6] cold first read of a service (warm connection, empty cache, in a fresh process)');
  const services = {};
  for (const n of S.cold) {
    await putMany(
      client,
      `bench-cold-${n}`,
      Array.from({ length: n }, (_, i) => 1_000 + i),
    );
    services[`bench-cold-${n}`] = n;
  }
  const { result, stop } = await worker({ mode: 'cold', etcdUrl: server.url, services, reps: S.coldReps });
  await stop();
  const { ours, raw } = result;
  const worst = Math.max(...S.cold.map((n) => ours[n] / raw[n]));
  record('cold first read, ms (median)', ours, raw, 'within 1.3× of a raw etcd3 prefix read', worst <= 1.3, 'ms', {
    worstRatio: round(worst),
  });
}

// 7 + 8. Fan-out to 50 consumers, and range reads caused by changes ------------------------------
async function fanOut(server, client) {
  const consumers = S.workers * S.perWorker;
  log(`\n[7] one change seen by ${consumers} consumers (${S.workers} processes × ${S.perWorker}), p99; [8] range reads they cause`);
  const ranges = () => server.counter('grpc_server_handled_total', 'grpc_method="Range"');
  const measure = async (mode, service, prefix) => {
    const seen = [];
    const workers = [];
    for (let w = 0; w < S.workers; w++)
      workers.push(await worker({ mode, etcdUrl: server.url, service, prefix, consumers: S.perWorker }, (m) => seen.push(m)));
    const latencies = [];
    for (let i = 0; i < S.changes; i++) {
      const port = 25_000 + i;
      const started = now();
      await client.put(`${prefix}127.0.0.1:${port}`).value(value(service, port));
      await until(() => seen.filter((m) => m.port === port && m.type === 'added').length === consumers);
      for (const m of seen.filter((x) => x.port === port && x.type === 'added')) latencies.push(m.at - started);
    }
    const rangesBefore = await ranges();
    for (let i = 0; i < S.readChanges; i++) {
      const port = 26_000 + i;
      await client.put(`${prefix}127.0.0.1:${port}`).value(value(service, port));
      await until(() => seen.filter((m) => m.port === port && m.type === 'added').length === consumers);
    }
    await sleep(200);
    const reads = (await ranges()) - rangesBefore;
    for (const w of workers) await w.stop();
    return { latencies, reads };
  };
  const ours = await measure('ours', 'bench-fan', '/rpc/bench-fan:1.0/');
  const raw = await measure('raw', 'bench-fanraw', '/rpc/bench-fanraw:1.0/');
  const o = { p50: round(median(ours.latencies)), p99: round(percentile(ours.latencies, 99)) };
  const r = { p50: round(median(raw.latencies)), p99: round(percentile(raw.latencies, 99)) };
  record(`one change seen by ${consumers} consumers, ms`, o, r, 'p99 within 2× of raw watch fan-out', o.p99 <= 2 * r.p99, 'ms');

  // The naive baseline sees the changes through its watch, then re-reads: count those reads.
  const naiveWorkers = [];
  for (let w = 0; w < S.workers; w++)
    naiveWorkers.push(await worker({ mode: 'naive', etcdUrl: server.url, prefix: '/rpc/bench-naive:1.0/', consumers: S.perWorker }));
  const before = await ranges();
  for (let i = 0; i < S.readChanges; i++)
    await client.put(`/rpc/bench-naive:1.0/127.0.0.1:${27_000 + i}`).value(value('bench-naive', 27_000 + i));
  await sleep(1_000);
  const naiveReads = (await ranges()) - before;
  for (const w of naiveWorkers) await w.stop();
  record(
    `range reads when ${consumers} consumers see ${S.readChanges} changes`,
    ours.reads,
    naiveReads,
    '0 re-reads from us',
    ours.reads === 0,
    'reads',
  );
}

// 9. Memory per cached instance ------------------------------------------------------------------
async function memory(server, client) {
  log(`\n[9] consumer memory per cached instance at ${S.memory} instances`);
  await putMany(
    client,
    'bench-mem',
    Array.from({ length: S.memory }, (_, i) => 1_000 + i),
  );
  const { result, stop } = await worker({ mode: 'memory', etcdUrl: server.url, service: 'bench-mem' }, undefined, ['--expose-gc']);
  await stop();
  const kb = round(result.bytesPerInstance / 1024, 2);
  record('consumer heap per cached instance, KB', kb, '—', '≤ 2 KB', kb <= 2, 'KB', { instances: result.instances });
}

async function main() {
  ensureEtcd();
  const server = await startEtcd({ name: 'bench' });
  cleanups.push(() => server.stop());
  const client = new Etcd3({ hosts: server.url });
  cleanups.push(async () => client.close());
  const started = Date.now();
  log(`nest-service-registry benchmarks${smoke ? ' (smoke: tiny sizes, figures meaningless)' : ''}; etcd at ${server.url}`);
  const steps = {
    lookup,
    registration: registrationLatency,
    deregistration: deregistrationLatency,
    crash: crashToGone,
    requests: requestsPerMinute,
    cold: coldRead,
    fanout: fanOut,
    memory,
  };
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : Object.keys(steps);
  for (const name of only) {
    if (!steps[name]) throw new Error(`--only: unknown figure ${name}; known: ${Object.keys(steps).join(', ')}`);
    await steps[name](server, client);
  }
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    smoke,
    durationSeconds: round((Date.now() - started) / 1000, 1),
    results,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  log('\n| figure | ours | reference (same run) | goal | met |');
  log('| --- | --- | --- | --- | --- |');
  for (const r of results)
    log(`| ${r.figure} | ${JSON.stringify(r.ours)} | ${JSON.stringify(r.reference)} | ${r.goal} | ${r.met ? 'yes' : '**no**'} |`);
  log(`\n${results.filter((r) => !r.met).length} of ${results.length} goals missed; ${report.durationSeconds} s; written to ${outFile}`);
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(failed ? 1 : 0);
