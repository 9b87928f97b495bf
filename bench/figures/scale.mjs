// Cost curve [15]: a consumer following S services of N instances in all, beside a hand-written
// etcd3 consumer measured the same way (each point in fresh processes): the first read's time,
// heap per instance, and CPU per change.
import { createServiceInstance, encodeInstance } from 'nest-service-registry/backend-kit';
import { CURVES, log, record, scale, until, worker } from '../lib/harness.mjs';
import { median, round } from '../lib/stats.mjs';

/** Instance `i` of a point: a host per 50 000, so 100 000 instances of one service have distinct addresses. */
const address = (i) => ({ host: `10.0.${Math.floor(i / 50_000)}.1`, port: 1_000 + (i % 50_000) });
const keyOf = (service, i) => {
  const { host, port } = address(i);
  return [
    `/rpc/${service}:1.0/${host}:${port}`,
    encodeInstance(createServiceInstance({ serviceName: service, serviceHost: host, servicePort: port })),
  ];
};

/** Writes instances `from`..`to` (instance i to service i mod S) in transactions of 100 puts, 8 at a time. */
async function putInstances(client, services, from, to) {
  let next = from;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < to) {
        const batch = [];
        for (; batch.length < 100 && next < to; next++) batch.push(keyOf(services[next % services.length], next));
        await client
          .if(batch[0][0], 'Version', '>', -1) // always true: a plain batch of puts
          .then(...batch.map(([key, value]) => client.put(key).value(value)))
          .commit();
      }
    }),
  );
}

/** One side's read, memory and CPU per change at one point, in a fresh process; `expected` grows by the changes made. */
async function measureSide(server, client, side, services, state, withChanges) {
  let armed;
  let changed;
  const onMessage = (message) => {
    if (message.armed) armed?.();
    if (message.changed) changed = message.changed;
  };
  const args = { mode: 'consumer', side, etcdUrl: server.url, services, expected: state.expected };
  const w = await worker(args, onMessage, ['--expose-gc'], 'bench/scale-worker.mjs');
  /** Arms the worker's count of `count` changes, makes them with `put`, and resolves its CPU once it has seen all. */
  const seen = async (count, put) => {
    changed = undefined;
    await new Promise((resolve) => {
      armed = resolve;
      w.send({ cmd: 'changes', count });
    });
    await put();
    state.expected += count;
    await until(() => changed !== undefined, 60_000).catch(() => {
      throw new Error(`${side}: ${count} changes not all seen within 60 s`);
    });
    return changed.cpuMicros;
  };
  const result = { ...w.result };
  if (withChanges) {
    // Warm-up: one change in every service, seen, so every watch is live (ours sets them up after
    // the first read returns) before the measured changes.
    await seen(services.length, () => putInstances(client, services, state.expected, state.expected + services.length));
    const cpu = await seen(CURVES.changes, async () => {
      for (let i = 0; i < CURVES.changes; i++) {
        const [key, value] = keyOf(services[i % services.length], state.expected + i);
        await client.put(key).value(value);
      }
    });
    result.cpuPerChangeMicros = round(cpu / CURVES.changes, 1);
  }
  await w.stop();
  return result;
}

export async function consumerCurve(server, client) {
  log(`\n[15] consumer cost curve: S services, N instances in all (fresh processes), beside a plain etcd3 consumer`);
  for (const [count, instances] of CURVES.consumer) {
    const services = Array.from({ length: count }, (_, k) => `bench-scale-${count}-${instances}-${k}`);
    await putInstances(client, services, 0, instances);
    const state = { expected: instances };
    const reps = instances > 10_000 ? 1 : scale ? 3 : 2;
    const runs = { ours: [], raw: [] };
    for (let rep = 0; rep < reps; rep++) {
      for (const side of rep % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw'])
        runs[side].push(await measureSide(server, client, side, services, state, rep === 0));
    }
    const summary = (list) => ({
      firstReadMs: round(median(list.map((r) => r.firstReadMs))),
      bytesPerInstance: median(list.map((r) => r.bytesPerInstance)),
      cpuPerChangeMicros: list[0].cpuPerChangeMicros,
    });
    const [ours, raw] = [summary(runs.ours), summary(runs.raw)];
    record(`consumer of S=${count} services, N=${instances}`, ours, raw, 'a cost curve: no goal', null, 'ms, bytes, µs', {
      curve: 'consumer',
      services: count,
      instances,
      reps,
    });
    await client.delete().prefix('/rpc/bench-scale-');
  }
}
