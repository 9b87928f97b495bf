// Cost curve [17]: one change seen by C consumers (each its own etcd connection, in several
// processes), ours beside raw etcd3 watchers, as C grows; and the range reads our changes caused.
import { CURVES, log, record, S } from '../lib/harness.mjs';
import { median, percentile, round } from '../lib/stats.mjs';
import { watchingSide } from '../lib/watching-side.mjs';

export async function fanOutCurve(server, client) {
  log(`\n[17] fan-out curve: one change seen by C consumers in ${CURVES.fanProcesses} processes; range reads caused`);
  const ranges = () => server.counter('grpc_server_handled_total', 'grpc_method="Range"');
  let port = 30_000;
  for (const watchers of CURVES.watchers) {
    const perProcess = Math.ceil(watchers / CURVES.fanProcesses);
    const consumers = perProcess * CURVES.fanProcesses;
    const sides = {
      ours: await watchingSide(server, client, 'ours', `bench-fancurve-${watchers}`, CURVES.fanProcesses, perProcess),
      raw: await watchingSide(server, client, 'raw', `bench-fancurveraw-${watchers}`, CURVES.fanProcesses, perProcess),
    };
    const p99s = { ours: [], raw: [] };
    const all = { ours: [], raw: [] };
    let reads = 0;
    for (let r = 0; r < CURVES.fanRounds; r++) {
      for (const name of r % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours']) {
        const before = name === 'ours' ? await ranges() : 0;
        const latencies = [];
        for (let i = 0; i < S.changes; i++) latencies.push(...(await sides[name].change(port++)));
        if (name === 'ours') reads += (await ranges()) - before;
        p99s[name].push(percentile(latencies, 99));
        all[name].push(...latencies);
      }
    }
    await sides.ours.stop();
    await sides.raw.stop();
    const summary = (name) => ({ p50: round(median(all[name])), p99: round(median(p99s[name])) });
    const goal = 'a cost curve; range reads caused by our changes: 0';
    record(`fan-out to C=${consumers} consumers, ms`, { ...summary('ours'), rangeReads: reads }, summary('raw'), goal, reads === 0, 'ms', {
      curve: 'fanout',
      consumers,
    });
  }
}
