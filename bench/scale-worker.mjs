// The other process of the cost-curve figures (bench/figures/scale.mjs, fleet.mjs), forked with IPC.
// First message { cmd: 'start', mode, side, etcdUrl, ... }; side 'ours' (the library) or 'raw'
// (plain etcd3, measured the same way). Modes:
//   consumer - follows `services` (names; `expected` instances in all): reports the first read's
//              time and heap per instance; then { cmd: 'changes', count } arms a count of `count`
//              added instances and answers { changes, cpuMicros } once all were seen
//   fleet    - holds `count` leases (one key each, `ttl` s), each renewed every `intervalMs` by its
//              own timer; { cmd: 'measure' } starts a window, { cmd: 'report' } ends it with the
//              renewals done, their lateness (p50/p99 ms) and the process's CPU
import { Etcd3 } from 'etcd3';
import { createDiscoveryClient } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { percentile, round } from './lib/stats.mjs';

const closers = [];
let onChange = () => undefined;

/** Heap in use after a full collection (run with --expose-gc). */
const heap = () => {
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const cpuMicros = (since) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

/** Keys per page of the hand-written read: the library's page size (a 100 000-key prefix is ~37 MB, past gRPC's 4 MiB default). */
const PAGE = 10_000;

/** Every key under `prefix`, page by page (each page starts after the last key of the previous one). */
async function readAll(client, prefix) {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const cache = new Map();
  for (let start = prefix; ;) {
    const page = Object.entries(await client.getAll().inRange({ start, end }).limit(PAGE).strings());
    for (const [key, value] of page) cache.set(key, value);
    if (page.length < PAGE) return cache;
    start = `${page[page.length - 1][0]}\0`;
  }
}

async function consumer({ side, etcdUrl, services, expected }) {
  const before = heap();
  const started = performance.now();
  let seen;
  if (side === 'ours') {
    const client = await createDiscoveryClient({ backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1' });
    closers.push(() => client.close());
    const lists = await Promise.all(services.map((name) => client.getInstances(name)));
    seen = lists.reduce((sum, list) => sum + list.length, 0);
    client.events$.subscribe((event) => event.type === 'added' && onChange());
  } else {
    // What a hand-written consumer keeps: each service's values by key (read in pages), and one watcher per service.
    const client = new Etcd3({ hosts: etcdUrl });
    closers.push(async () => client.close());
    const caches = await Promise.all(
      services.map(async (name) => {
        const prefix = `/rpc/${name}:1.0/`;
        const cache = await readAll(client, prefix);
        const watcher = await client.watch().prefix(prefix).create();
        watcher.on('put', (kv) => {
          cache.set(kv.key.toString(), kv.value.toString());
          onChange();
        });
        watcher.on('delete', (kv) => cache.delete(kv.key.toString()));
        closers.push(() => watcher.cancel());
        return cache;
      }),
    );
    seen = caches.reduce((sum, cache) => sum + cache.size, 0);
  }
  const firstReadMs = performance.now() - started;
  if (seen !== expected) throw new Error(`${side} consumer saw ${seen} of ${expected} instances`);
  return { firstReadMs: round(firstReadMs), bytesPerInstance: round((heap() - before) / expected, 0) };
}

/** Arms a count of `count` changes; resolves with the CPU this process used until the last one. */
function changes(count) {
  const since = process.cpuUsage();
  let left = count;
  return new Promise((resolve) => {
    onChange = () => {
      if (--left === 0) resolve({ changes: count, cpuMicros: cpuMicros(since) });
    };
  });
}

const fleet = { renewals: [], windowStart: 0, cpuSince: undefined };

/** Records one renewal of a lease; its lateness is how far past `intervalMs` after the previous one it came. */
function renewed(last, intervalMs) {
  const at = performance.now();
  if (last.at !== undefined && fleet.cpuSince !== undefined) fleet.renewals.push(at - last.at - intervalMs);
  last.at = at;
}

async function holdLeases({ side, etcdUrl, count, ttl, intervalMs, prefix, value }) {
  if (side === 'ours') {
    // The library's etcd backend and lease, renewed as its lease keeper does: one keep-alive per tick.
    const backend = etcd({ hosts: etcdUrl }).create({ requestTimeout: 5_000 });
    closers.push(() => backend.close());
    for (let i = 0; i < count; i++) {
      const lease = await backend.grantLease(ttl);
      await lease.put(`${prefix}${i}`, value);
      const last = {};
      const timer = setInterval(
        () =>
          void lease.renew().then(
            () => renewed(last, intervalMs),
            () => undefined,
          ),
        intervalMs,
      );
      closers.push(async () => clearInterval(timer));
    }
  } else {
    // etcd3's own keep-alive: one stream per lease, a keep-alive every ttl/3.
    const client = new Etcd3({ hosts: etcdUrl });
    closers.push(async () => client.close());
    for (let i = 0; i < count; i++) {
      const lease = client.lease(ttl);
      await lease.put(`${prefix}${i}`).value(value);
      const last = {};
      lease.on('keepaliveSucceeded', () => renewed(last, intervalMs));
      closers.push(async () => lease.release());
    }
  }
  return {};
}

function report() {
  const lateness = fleet.renewals;
  const result = {
    renewals: lateness.length,
    seconds: (performance.now() - fleet.windowStart) / 1000,
    lateness: { p50: round(percentile(lateness, 50)), p99: round(percentile(lateness, 99)) },
    cpuMicros: cpuMicros(fleet.cpuSince),
  };
  fleet.renewals = [];
  fleet.cpuSince = undefined;
  return result;
}

const MODES = { consumer, fleet: holdLeases };

process.on('message', (message) => {
  const reply = (work) =>
    Promise.resolve()
      .then(work)
      .then(
        (result) => process.send({ ready: true, ...result }),
        (error) => process.send({ error: String(error?.stack ?? error) }),
      );
  if (message.cmd === 'start') void reply(() => MODES[message.mode](message));
  else if (message.cmd === 'changes') {
    void changes(message.count).then((changed) => process.send({ changed }));
    process.send({ armed: true });
  } else if (message.cmd === 'measure') {
    fleet.windowStart = performance.now();
    fleet.cpuSince = process.cpuUsage();
    process.send({ measuring: true });
  } else if (message.cmd === 'report') process.send({ report: report() });
  else if (message.cmd === 'stop') Promise.all(closers.map((close) => close())).finally(() => process.disconnect());
});
