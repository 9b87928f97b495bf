// Cost curve [16]: L leases renewed by a simulated provider fleet (several processes, each holding
// many apps' leases), the library's lease beside etcd3's own keep-alive: etcd requests/s, how late
// renewals come, and CPU per renewal (flat across L: nothing is O(L) per process per tick).
import { CURVES, log, record, sleep, until, value, worker } from '../lib/harness.mjs';
import { readFileSync } from 'node:fs';
import { round } from '../lib/stats.mjs';

/** CPU seconds `pid` has used (utime + stime from /proc, in clock ticks of 10 ms). */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const TTL = 3;
const INTERVAL_MS = 1_000; // ttl / 3, as the library's default and etcd3's keep-alive

/** One side's fleet of `leases` leases: its workers, then a window measured on all of them and on etcd. */
async function fleetSide(server, side, leases) {
  const reports = [];
  const onMessage = (message) => message.report && reports.push(message.report);
  const per = Math.ceil(leases / CURVES.fleetProcesses);
  const start = (p) => {
    const args = {
      mode: 'fleet',
      side,
      etcdUrl: server.url,
      count: Math.min(per, leases - p * per),
      ttl: TTL,
      intervalMs: INTERVAL_MS,
      prefix: `/rpc/bench-fleet-${side}:1.0/10.1.${p}.1:`,
      value: value('bench-fleet', 1_000),
    };
    return worker(args, onMessage, [], 'bench/scale-worker.mjs');
  };
  const workers = await Promise.all(Array.from({ length: CURVES.fleetProcesses }, (_, p) => start(p))); // started together
  await sleep(2 * INTERVAL_MS); // every lease renewed once before the window
  const requests = () => server.counter('grpc_server_msg_received_total');
  const before = await requests();
  const etcdCpuBefore = cpuSeconds(server.pid);
  for (const w of workers) w.send({ cmd: 'measure' });
  await sleep(CURVES.fleetWindowMs);
  for (const w of workers) w.send({ cmd: 'report' });
  const seconds = CURVES.fleetWindowMs / 1000;
  const received = (await requests()) - before;
  const etcdCpu = cpuSeconds(server.pid) - etcdCpuBefore;
  await until(() => reports.length === workers.length, 10_000).catch(() => undefined); // the missing ones are named below
  for (const w of workers) await w.stop();
  if (reports.length < workers.length) throw new Error(`${side} fleet: ${reports.length} of ${workers.length} workers reported`);
  const renewals = reports.reduce((sum, r) => sum + r.renewals, 0);
  const cpu = reports.reduce((sum, r) => sum + r.cpuMicros, 0);
  return {
    etcdRequestsPerSecond: round(received / seconds, 0),
    renewalsPerSecond: round(renewals / seconds, 0),
    // The worst process's p50 and p99 of how late a renewal came past its interval.
    lateMs: { p50: round(Math.max(...reports.map((r) => r.lateness.p50))), p99: round(Math.max(...reports.map((r) => r.lateness.p99))) },
    cpuPerRenewalMicros: round(cpu / Math.max(1, renewals), 1),
    cpuPerProcessPercent: round((cpu / 1e6 / seconds / workers.length) * 100, 1),
    etcdCpuPercent: round((etcdCpu / seconds) * 100, 1),
  };
}

export async function fleetCurve(server) {
  log(`\n[16] provider fleet: L leases in ${CURVES.fleetProcesses} processes, renewed every ${INTERVAL_MS} ms (ttl ${TTL} s)`);
  for (const leases of CURVES.leases) {
    const ours = await fleetSide(server, 'ours', leases);
    const raw = await fleetSide(server, 'raw', leases);
    record(`fleet of L=${leases} leases`, ours, raw, 'a cost curve: no goal', null, 'req/s, ms, µs, %', { curve: 'fleet', leases });
  }
}
