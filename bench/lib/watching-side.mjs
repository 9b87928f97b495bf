// One side of a fan-out figure: consumers (ours, or raw etcd3 watchers) in worker processes, and
// a change made in etcd timed until every one of them has seen it.
import { now } from './stats.mjs';
import { until, value, worker } from './harness.mjs';

/**
 * `processes` × `perProcess` consumers of `service` (`mode` 'ours' or 'raw'). `change(port)` puts
 * one instance and resolves each consumer's latency (ms) once all have seen it.
 */
export async function watchingSide(server, client, mode, service, processes, perProcess) {
  const prefix = `/rpc/${service}:1.0/`;
  const consumers = processes * perProcess;
  const seen = new Map(); // port -> arrival times
  const workers = [];
  const onMessage = (m) => {
    if (m.type !== 'added') return;
    const list = seen.get(m.port) ?? [];
    list.push(m.at);
    seen.set(m.port, list);
  };
  for (let w = 0; w < processes; w++) {
    workers.push(await worker({ mode, etcdUrl: server.url, service, prefix, consumers: perProcess }, onMessage));
  }
  const change = async (port) => {
    const started = now();
    await client.put(`${prefix}127.0.0.1:${port}`).value(value(service, port));
    await until(() => (seen.get(port)?.length ?? 0) === consumers, 30_000);
    const latencies = seen.get(port).map((at) => at - started);
    seen.delete(port);
    return latencies;
  };
  return { change, stop: async () => Promise.all(workers.map((w) => w.stop())) };
}
