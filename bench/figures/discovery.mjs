// Discovery figures: lookups of a loaded service, cold first reads, fan-out of one change to many
// consumers, the range reads those changes cause, and memory per cached instance.
import { createDiscoveryClient } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { log, putMany, record, S, sleep, value, worker } from '../lib/harness.mjs';
import { watchingSide } from '../lib/watching-side.mjs';
import { median, percentile, round } from '../lib/stats.mjs';

// 1. Lookup of a loaded service, in process ------------------------------------------------------
export async function lookup(server, client) {
  log('\n[1] lookup of a loaded service (sync read and choose), in process');
  await putMany(
    client,
    'bench-lookup',
    Array.from({ length: 10 }, (_, i) => 20_000 + i),
  );
  // The same service's cost with the traffic features on: 30 instances in zones a, b, c (one
  // of zone a registered just now, so slow start is live), chosen with zone a, warmup 60 s and p2c.
  await putMany(
    client,
    'bench-traffic',
    Array.from({ length: 30 }, (_, i) => 21_000 + i),
    32,
    (port, instance) => {
      const age = port === 21_027 ? 0 : 600_000; // one new instance (in zone a), the others registered 10 min ago
      return { ...instance, zone: ['a', 'b', 'c'][port % 3], registeredAt: new Date(Date.now() - age).toISOString() };
    },
  );
  const discovery = await createDiscoveryClient({ backend: etcd({ hosts: server.url }), host: '127.0.0.1' });
  await discovery.getInstances('bench-lookup');
  // p2c as in service: every instance has a latency estimate (one call each, reported).
  for (const instance of await discovery.getInstances('bench-traffic')) discovery.track(instance).succeeded();
  const traffic = { zone: 'a', warmup: 60_000, strategy: 'p2c' };
  const raw = new Map([['bench-lookup:1.0', [...discovery.getInstancesSync('bench-lookup')]]]);
  let cursor = 0;
  const loops = {
    raw: () => {
      const list = raw.get('bench-lookup:1.0');
      return list[cursor++ % list.length];
    },
    read: () => discovery.getInstancesSync('bench-lookup'),
    choose: () => discovery.chooseSync('bench-lookup'),
    roundRobin30: () => discovery.chooseSync('bench-traffic'),
    traffic: () => discovery.chooseSync('bench-traffic', traffic),
  };
  const rates = { raw: [], read: [], choose: [], roundRobin30: [], traffic: [] };
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
  const [rawRate, readRate, chooseRate] = [median(rates.raw), median(rates.read), median(rates.choose)];
  const m = (x) => round(x / 1e6, 1);
  if (sink === 42) log(''); // keeps the loops' results observable
  const goal = '≥ 20 M ops/s and within 3× of raw Map.get + round-robin';
  record('choose (sync), M ops/s', m(chooseRate), m(rawRate), goal, chooseRate >= 20e6 && rawRate / chooseRate <= 3, 'M ops/s');
  record('getInstancesSync, M ops/s', m(readRate), m(rawRate), 'within 3× of raw', rawRate / readRate <= 3, 'M ops/s');
  const [plain, featured] = [median(rates.roundRobin30), median(rates.traffic)];
  const trafficGoal = '≥ 10 M ops/s and within 3× of round-robin on the same service';
  record(
    'choose (sync), zone + warmup + p2c, M ops/s',
    m(featured),
    m(plain),
    trafficGoal,
    featured >= 10e6 && plain / featured <= 3,
    'M ops/s',
  );
}

// 6. Cold first read, each run in a fresh process ----------------------------------------------------
export async function coldRead(server, client) {
  log(`\n[6] cold first read of a service (warm connection, empty cache), ${S.coldRuns} fresh processes`);
  const services = {};
  for (const n of S.cold) {
    await putMany(
      client,
      `bench-cold-${n}`,
      Array.from({ length: n }, (_, i) => 1_000 + i),
    );
    services[`bench-cold-${n}`] = n;
  }
  const runs = [];
  for (let run = 0; run < S.coldRuns; run++) {
    const { result, stop } = await worker({ mode: 'cold', etcdUrl: server.url, services, reps: S.coldReps });
    await stop();
    runs.push(result);
  }
  const ours = Object.fromEntries(S.cold.map((n) => [n, round(median(runs.map((r) => r.ours[n])))]));
  const raw = Object.fromEntries(S.cold.map((n) => [n, round(median(runs.map((r) => r.raw[n])))]));
  const ratios = runs.map((r) => round(Math.max(...S.cold.map((n) => r.ours[n] / r.raw[n]))));
  const perRun = runs.map((r) => Object.fromEntries(S.cold.map((n) => [n, `${r.ours[n]} / ${r.raw[n]}`])));
  const goal = `within 1.3× of a raw etcd3 prefix read at every size, in ${S.coldRuns} of ${S.coldRuns} runs`;
  record(
    'cold first read, ms (median)',
    ours,
    raw,
    goal,
    ratios.every((x) => x <= 1.3),
    'ms',
    { worstRatioPerRun: ratios, oursOverRawPerRun: perRun },
  );
}

// 7 + 8. Fan-out to many consumers, and the range reads changes cause ------------------------------
export async function fanOut(server, client) {
  const consumers = S.workers * S.perWorker;
  log(`\n[7] one change seen by ${consumers} consumers (${S.workers} processes × ${S.perWorker}), p99; [8] range reads they cause`);
  const ranges = () => server.counter('grpc_server_handled_total', 'grpc_method="Range"');
  // Both sides run at once and take turns, round after round (which goes first alternates), so a
  // busy moment of the machine lands on both; the figure is the median of the per-round p99s.
  const ours = await watchingSide(server, client, 'ours', 'bench-fan', S.workers, S.perWorker);
  const raw = await watchingSide(server, client, 'raw', 'bench-fanraw', S.workers, S.perWorker);
  const rounds = { ours: [], raw: [] };
  const all = { ours: [], raw: [] };
  let port = 25_000;
  for (let round = 0; round < S.fanRounds; round++) {
    const order = round % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours'];
    for (const name of order) {
      const latencies = [];
      for (let i = 0; i < S.changes; i++) latencies.push(...(await (name === 'ours' ? ours : raw).change(port++)));
      rounds[name].push(percentile(latencies, 99));
      all[name].push(...latencies);
    }
  }
  const rangesBefore = await ranges();
  for (let i = 0; i < S.readChanges; i++) await ours.change(26_000 + i);
  await sleep(200);
  const reads = (await ranges()) - rangesBefore;
  await ours.stop();
  await raw.stop();
  const o = { p50: round(median(all.ours)), p99: round(median(rounds.ours)) };
  const r = { p50: round(median(all.raw)), p99: round(median(rounds.raw)) };
  const spread = (values) => `${round(Math.min(...values))}–${round(Math.max(...values))}`;
  record(
    `one change seen by ${consumers} consumers, ms`,
    o,
    r,
    'p99 (median of per-round p99s) within 2× of raw watch fan-out',
    o.p99 <= 2 * r.p99,
    'ms',
    {
      rounds: S.fanRounds,
      perRoundP99: { ours: spread(rounds.ours), raw: spread(rounds.raw) },
    },
  );
  // The naive baseline sees the changes through its watch, then re-reads: count those reads.
  const naiveWorkers = [];
  for (let w = 0; w < S.workers; w++) {
    naiveWorkers.push(await worker({ mode: 'naive', etcdUrl: server.url, prefix: '/rpc/bench-naive:1.0/', consumers: S.perWorker }));
  }
  const before = await ranges();
  for (let i = 0; i < S.readChanges; i++) {
    await client.put(`/rpc/bench-naive:1.0/127.0.0.1:${27_000 + i}`).value(value('bench-naive', 27_000 + i));
  }
  await sleep(1_000);
  const naiveReads = (await ranges()) - before;
  for (const w of naiveWorkers) await w.stop();
  const figure = `range reads when ${consumers} consumers see ${S.readChanges} changes`;
  record(figure, reads, naiveReads, '0 re-reads from us', reads === 0, 'reads');
}

// 9. Memory per cached instance ---------------------------------------------------------------------
export async function memory(server, client) {
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
