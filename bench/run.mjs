#!/usr/bin/env node
// `npm run bench`: measures nest-service-registry beside the reference or baseline each figure
// replaces, in the same run, against a private etcd. Prints a table and writes
// bench/results/<timestamp>.json. Never asserts timings; a missed goal is reported as MISSED.
// `--smoke`: tiny sizes, for the test suite (checks the harness runs, not the numbers).
// `--only cold,listening`: run some figures only. `--out FILE`: where to write the JSON.
// `--cold-reps N`: timed reads per size in each process of figure [6] (default 25).
// `--scale`: the cost curves [15]-[17] up to 100 000 instances, 5 000 leases and 1 000 watchers
// (about 3 minutes more). `npm run bench:plot -- FILE` draws a result's curves as SVG in docs/images.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureInstalled } from '../scripts/lib/binaries.mjs';
import { EtcdServer } from '../scripts/lib/etcd-server.mjs';
import { coldRead, fanOut, lookup, memory } from './figures/discovery.mjs';
import { crashToGone, requestsPerMinute } from './figures/lease.mjs';
import { clientOverhead, clientOverheadSpread, failedDuringCrash } from './figures/calls.mjs';
import { grpcResolver } from './figures/grpc.mjs';
import { xdsPropagation } from './figures/xds.mjs';
import { deployOrders } from './figures/deploy.mjs';
import { consumerCurve } from './figures/scale.mjs';
import { fleetCurve } from './figures/fleet.mjs';
import { fanOutCurve } from './figures/fanout-curve.mjs';
import { deregistrationLatency, listeningToVisible, registrationLatency } from './figures/registration.mjs';
import { cleanups, log, results, root, scale, smoke } from './lib/harness.mjs';
import { round } from './lib/stats.mjs';

const outArg = process.argv.indexOf('--out');
const outFile =
  outArg > 0 ? process.argv[outArg + 1] : join(root, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

/** Every figure, in the order they run and are reported. */
const FIGURES = {
  lookup,
  registration: registrationLatency,
  listening: listeningToVisible,
  deregistration: deregistrationLatency,
  crash: crashToGone,
  requests: requestsPerMinute,
  cold: coldRead,
  fanout: fanOut,
  memory,
  clients: clientOverhead,
  spread: clientOverheadSpread,
  failover: failedDuringCrash,
  grpc: grpcResolver,
  xds: xdsPropagation,
  deploy: deployOrders,
  consumers: consumerCurve,
  fleet: fleetCurve,
  fancurve: fanOutCurve,
};

async function main() {
  ensureInstalled(['etcd']);
  const server = await EtcdServer.start({ name: 'bench' });
  cleanups.push(() => server.stop());
  const client = server.client();
  cleanups.push(async () => client.close());
  const started = Date.now();
  log(`nest-service-registry benchmarks${smoke ? ' (smoke: tiny sizes, figures meaningless)' : ''}; etcd at ${server.url}`);
  const onlyArg = process.argv.indexOf('--only');
  const seconds = {};
  const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : Object.keys(FIGURES);
  for (const name of only) {
    if (!FIGURES[name]) throw new Error(`--only: unknown figure ${name}; known: ${Object.keys(FIGURES).join(', ')}`);
    const figureStarted = Date.now();
    await FIGURES[name](server, client);
    seconds[name] = round((Date.now() - figureStarted) / 1000, 1);
    log(`  (${name}: ${seconds[name]} s)`);
  }
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    smoke,
    scale,
    durationSeconds: round((Date.now() - started) / 1000, 1),
    figureSeconds: seconds,
    results,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(report, null, 2));
  log('\n| figure | ours | reference (same run) | goal | met |');
  log('| --- | --- | --- | --- | --- |');
  for (const r of results)
    log(
      `| ${r.figure} | ${JSON.stringify(r.ours)} | ${JSON.stringify(r.reference)} | ${r.goal} | ${r.met === null ? '—' : r.met ? 'yes' : '**no**'} |`,
    );
  const goals = results.filter((r) => r.met !== null);
  log(`\n${goals.filter((r) => !r.met).length} of ${goals.length} goals missed; ${report.durationSeconds} s; written to ${outFile}`);
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
