// The other process of the cross-process benchmarks, forked by bench/run.mjs with IPC.
// Modes (first message): { mode, etcdUrl, prefix, service, consumers }
//   ours   - `consumers` DiscoveryClients (each with its own etcd connection) on `service`;
//            reports every added/removed instance as { type, port, at, consumer }
//   raw    - `consumers` plain etcd3 prefix watchers (the reference); same reports
//   naive  - `consumers` clear-the-cache-and-re-read consumers (the baseline it replaces)
//   memory - loads `service` once and reports heap bytes per cached instance (run with --expose-gc)
//   cold   - cold first reads of each of `services` (name → size), ours and raw alternately, in
//            this fresh process so earlier figures' garbage does not land in either timing
import { Etcd3 } from 'etcd3';
import { createDiscoveryClient } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { median, now, round } from './lib/stats.mjs';

const closers = [];

async function ourClient(etcdUrl) {
  const client = await createDiscoveryClient({ backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1' });
  closers.push(() => client.close());
  return client;
}

const portOf = (key) => Number(key.slice(key.lastIndexOf(':') + 1));

async function coldReads(etcdUrl, services, reps) {
  // One backend shared by every cold client: the connection is warm, the cache is not.
  const factory = etcd({ hosts: etcdUrl });
  const backend = factory.create({ requestTimeout: 30_000 });
  const options = { backend: factory, host: '127.0.0.1' };
  const client = new Etcd3({ hosts: etcdUrl });
  const ours = {};
  const raw = {};
  for (const [service, size] of Object.entries(services)) {
    const rawRead = async () => {
      const started = performance.now();
      await client.getAll().prefix(`/rpc/${service}:1.0/`).exec();
      return performance.now() - started;
    };
    const ourRead = async () => {
      const discovery = await createDiscoveryClient(options, backend);
      const started = performance.now();
      const instances = await discovery.getInstances(service);
      const took = performance.now() - started;
      if (instances.length !== size) throw new Error(`cold read saw ${instances.length} of ${size}`);
      await discovery.close();
      return took;
    };
    const oursTimes = [];
    const rawTimes = [];
    for (let rep = 0; rep < reps + 1; rep++) {
      // Alternate which goes first, so neither always pays the other's garbage collection.
      const rawFirst = rep % 2 === 0;
      const a = await (rawFirst ? rawRead : ourRead)();
      const b = await (rawFirst ? ourRead : rawRead)();
      if (rep === 0) continue; // warm-up
      rawTimes.push(rawFirst ? a : b);
      oursTimes.push(rawFirst ? b : a);
    }
    ours[size] = round(median(oursTimes));
    raw[size] = round(median(rawTimes));
  }
  await backend.close();
  client.close();
  return { ours, raw };
}

async function start({ mode, etcdUrl, prefix, service, services, reps, consumers = 1 }) {
  switch (mode) {
    case 'ours':
      await Promise.all(
        Array.from({ length: consumers }, async (_, consumer) => {
          const client = await ourClient(etcdUrl);
          client.events$.subscribe((event) => {
            if (event.type === 'added' || event.type === 'removed') {
              process.send({ type: event.type, port: event.instance.servicePort, at: now(), consumer });
            }
          });
          await client.getInstances(service);
        }),
      );
      return {};
    case 'raw':
      await Promise.all(
        Array.from({ length: consumers }, async (_, consumer) => {
          const client = new Etcd3({ hosts: etcdUrl });
          const watcher = await client.watch().prefix(prefix).create();
          watcher.on('put', (kv) => process.send({ type: 'added', port: portOf(kv.key.toString()), at: now(), consumer }));
          watcher.on('delete', (kv) => process.send({ type: 'removed', port: portOf(kv.key.toString()), at: now(), consumer }));
          closers.push(async () => {
            await watcher.cancel();
            client.close();
          });
        }),
      );
      return {};
    case 'naive':
      await Promise.all(
        Array.from({ length: consumers }, async () => {
          const client = new Etcd3({ hosts: etcdUrl });
          let cache = await client.getAll().prefix(prefix).strings();
          const watcher = await client.watch().prefix(prefix).create();
          watcher.on('data', () => {
            cache = undefined; // what the replaced design did: drop everything, read it all again
            client
              .getAll()
              .prefix(prefix)
              .strings()
              .then(
                (fresh) => (cache = fresh),
                () => undefined,
              );
          });
          closers.push(async () => {
            await watcher.cancel();
            client.close();
            return cache;
          });
        }),
      );
      return {};
    case 'cold':
      return coldReads(etcdUrl, services, reps);
    case 'memory': {
      const client = await ourClient(etcdUrl);
      globalThis.gc();
      const before = process.memoryUsage().heapUsed;
      const instances = await client.getInstances(service);
      globalThis.gc();
      const after = process.memoryUsage().heapUsed;
      return { instances: instances.length, bytesPerInstance: (after - before) / instances.length };
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

process.on('message', (message) => {
  if (message.cmd === 'start') {
    start(message).then(
      (result) => process.send({ ready: true, ...result }),
      (error) => process.send({ error: String(error?.stack ?? error) }),
    );
  } else if (message.cmd === 'stop') {
    Promise.all(closers.map((close) => close())).finally(() => process.disconnect());
  }
});
