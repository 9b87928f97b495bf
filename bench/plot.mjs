#!/usr/bin/env node
// `npm run bench:plot -- FILE [--dir DIR]`: draws the cost curves ([15] consumer, [16] fleet,
// [17] fan-out) of a bench result JSON as SVG files in DIR (default docs/images), ours solid and
// the same-run etcd3 reference dashed. Prints what it wrote.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart } from './lib/svg-chart.mjs';

const [file] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--dir');
if (!file) throw new Error('usage: node bench/plot.mjs RESULT.json [--dir DIR]');
const dirArg = process.argv.indexOf('--dir');
const dir = dirArg > 0 ? process.argv[dirArg + 1] : 'docs/images';
const report = JSON.parse(readFileSync(file, 'utf8'));
const curve = (name) => report.results.filter((r) => r.curve === name);
const note = `${report.date.slice(0, 10)}, ${report.machine.cpus} CPUs, Node ${report.machine.node}${report.smoke ? ', SMOKE: meaningless' : ''}`;

/** One series per S (ours solid, reference dashed) of a consumer measure, against N. */
function consumerSeries(pick) {
  const rows = curve('consumer');
  const counts = [...new Set(rows.map((r) => r.services))].sort((a, b) => a - b);
  return counts.flatMap((count, colour) => {
    const of = (side) =>
      rows
        .filter((r) => r.services === count)
        .map((r) => [r.instances, pick(r[side])])
        .sort((a, b) => a[0] - b[0]);
    return [
      { name: `ours, S=${count}`, points: of('ours'), colour },
      { name: `etcd3, S=${count}`, points: of('reference'), dashed: true, colour },
    ];
  });
}

/** Ours and the reference of a fleet or fan-out measure, against the curve's x. */
function pairSeries(name, x, measures) {
  const rows = curve(name).sort((a, b) => a[x] - b[x]);
  return measures.flatMap(([label, pick], colour) => [
    { name: `ours, ${label}`, points: rows.map((r) => [r[x], pick(r.ours)]), colour },
    { name: `etcd3, ${label}`, points: rows.map((r) => [r[x], pick(r.reference)]), dashed: true, colour },
  ]);
}

const CHARTS = {
  'scale-first-read.svg': () => ({
    title: 'First read of S services, N instances in all',
    subtitle: note,
    xLabel: 'N, instances in all',
    yLabel: 'ms',
    logY: true,
    series: consumerSeries((side) => side.firstReadMs),
  }),
  'scale-memory.svg': () => ({
    title: 'Consumer heap per instance',
    subtitle: note,
    xLabel: 'N, instances in all',
    yLabel: 'bytes per instance',
    logY: true,
    series: consumerSeries((side) => side.bytesPerInstance),
  }),
  'scale-cpu-per-change.svg': () => ({
    title: 'Consumer CPU per change seen',
    subtitle: note,
    xLabel: 'N, instances in all',
    yLabel: 'µs of CPU per change',
    logY: true,
    series: consumerSeries((side) => side.cpuPerChangeMicros),
  }),
  'scale-fleet.svg': () => ({
    title: 'Provider fleet: L leases, one renewal/s each',
    subtitle: note,
    xLabel: 'L, leases',
    yLabel: 'etcd requests/s; µs CPU per renewal',
    logY: true,
    series: pairSeries('fleet', 'leases', [
      ['etcd req/s', (s) => s.etcdRequestsPerSecond],
      ['µs CPU/renewal', (s) => s.cpuPerRenewalMicros],
      ['p99 late ms', (s) => s.lateMs.p99],
      ['etcd CPU %', (s) => s.etcdCpuPercent],
    ]),
  }),
  'scale-fanout.svg': () => ({
    title: 'One change seen by C consumers',
    subtitle: note,
    xLabel: 'C, consumer connections',
    yLabel: 'ms',
    series: pairSeries('fanout', 'consumers', [
      ['p50', (s) => s.p50],
      ['p99', (s) => s.p99],
    ]),
  }),
};

mkdirSync(dir, { recursive: true });
for (const [name, make] of Object.entries(CHARTS)) {
  const chart = make();
  if (chart.series.every((s) => s.points.length === 0)) {
    process.stdout.write(`skipped ${name}: the result has no points for it (run the figure)\n`);
    continue;
  }
  writeFileSync(join(dir, name), lineChart(chart));
  process.stdout.write(`wrote ${join(dir, name)}\n`);
}
