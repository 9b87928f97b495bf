// What every figure shares: the sizes of this run, the result table, the forked worker, a
// polling wait, a Nest app on the library, and instance values built with the library's encoder.
import { execFileSync, fork } from 'node:child_process';
import { cpus } from 'node:os';
import { track } from '../../scripts/lib/pid-ledger.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryModule } from 'nest-service-registry';
import { createServiceInstance, encodeInstance } from 'nest-service-registry/backend-kit';
import { etcd } from 'nest-service-registry/etcd';
import { sleep } from './stats.mjs';

export { sleep };

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const smoke = process.argv.includes('--smoke');
/** `--scale`: the cost curves' large points too (100 000 instances, 5 000 leases, 1 000 watchers); about 3 minutes more. */
export const scale = process.argv.includes('--scale');

const coldRepsArg = process.argv.indexOf('--cold-reps');
/** Timed reads per size in each process of figure [6]: 25, or `--cold-reps N` (issue 8 was measured with 7). */
const coldReps = coldRepsArg > 0 ? Number(process.argv[coldRepsArg + 1]) : 25;
if (!Number.isInteger(coldReps) || coldReps < 1)
  throw new Error(`--cold-reps must be a positive integer, got ${process.argv[coldRepsArg + 1]}`);

/** Sizes of this run: tiny with `--smoke` (checks the harness runs, not the numbers). */
export const S = smoke
  ? { reps: 2, lookupMs: 50, samples: 5, listens: 3, deregs: 3, crashes: 1, counts: [1, 10], windowMs: 2_000, cold: [10, 100], coldReps: 2, coldRuns: 1, workers: 2, perWorker: 2, changes: 2, fanRounds: 2, readChanges: 4, memory: 200 }
  : { reps: 5, lookupMs: 300, samples: 300, listens: 40, deregs: 90, crashes: 5, counts: [1, 100, 1_000], windowMs: 10_000, cold: [10, 1_000, 10_000], coldReps, coldRuns: 5, workers: 5, perWorker: 10, changes: 10, fanRounds: 7, readChanges: 100, memory: 10_000 }; // prettier-ignore

/** Points of the cost curves: consumers following S services of N instances in all, fleets of L leases, C watching consumers. */
export const CURVES = smoke
  ? { consumer: [[1, 100], [10, 100]], changes: 10, leases: [20], fleetProcesses: 2, fleetWindowMs: 2_500, watchers: [4], fanProcesses: 2, fanRounds: 2 }
  : {
      consumer: [[1, 1_000], [1, 10_000], [100, 10_000], [1_000, 10_000], ...(scale ? [[1, 100_000], [100, 100_000], [1_000, 100_000]] : [])],
      changes: 200,
      leases: [100, 1_000, ...(scale ? [5_000] : [])],
      fleetProcesses: 4,
      fleetWindowMs: scale ? 10_000 : 3_000,
      watchers: [50, 200, ...(scale ? [1_000] : [])],
      fanProcesses: 5,
      fanRounds: 3,
    }; // prettier-ignore

export const log = (line = '') => process.stdout.write(`${line}\n`);
export const results = [];
/** Run at the end, last first (servers, clients, workers). */
export const cleanups = [];

/** Records one figure beside its same-run reference, and prints it. */
export function record(figure, ours, reference, goal, met, unit, extra = {}) {
  results.push({ figure, ours, reference, goal, met, unit, ...extra });
  log(
    `  ${met === null ? 'curve ' : met ? 'ok    ' : 'MISSED'} ${figure}: ours ${JSON.stringify(ours)} | reference ${JSON.stringify(reference)} ${unit} | goal: ${goal}`,
  );
}

/** The value the library writes for instance `127.0.0.1:port` of `service` (its own encoder). */
export const value = (service, port, fields = (_port, init) => init) =>
  encodeInstance(createServiceInstance(fields(port, { serviceName: service, serviceHost: '127.0.0.1', servicePort: port })));

/** Writes one instance per port with a plain etcd3 client, `concurrency` at a time; `fields` may add to each one's fields. */
export async function putMany(client, service, ports, concurrency = 32, fields = undefined) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ports.length) {
        const port = ports[next++];
        await client.put(`/rpc/${service}:1.0/127.0.0.1:${port}`).value(value(service, port, fields));
      }
    }),
  );
}

/**
 * Forks `script` (`bench/worker.mjs` by default) and waits until it is ready; its later messages
 * go to `onMessage`, and `send` sends it more commands.
 */
export async function worker(options, onMessage = () => undefined, execArgv = [], script = 'bench/worker.mjs') {
  const child = track(fork(join(root, script), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
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
  let result;
  try {
    result = await ready;
  } catch (error) {
    child.kill('SIGKILL'); // a worker that failed to start may still be retrying: never leave it running
    await exited;
    throw error;
  }
  const stop = async () => {
    if (child.connected) child.send({ cmd: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  return { result, stop, send: (message) => child.send(message) };
}

/** Waits until `find()` returns (or resolves to) something (messages arrive asynchronously). */
export async function until(find, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await find(); // an async condition is a promise, truthy at once: await it
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for an event');
    await sleep(1);
  }
}

/** The root module of a Nest app on the library (etcd at `etcdUrl`), with `controllers`. */
export function registryModule(etcdUrl, extra = {}, controllers = []) {
  class BenchModule {}
  Module({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot({ backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1', ...extra })],
    controllers,
  })(BenchModule);
  return BenchModule;
}

/** An initialised application context on the library. */
export async function registryApp(etcdUrl, extra = {}) {
  const app = await NestFactory.createApplicationContext(registryModule(etcdUrl, extra), { logger: ['error'] });
  await app.init();
  return app;
}

/**
 * Runs `fn(providerCpu)` with this process (every thread) pinned to CPU 0, so providers started
 * with `{ cpu: providerCpu }` (the last CPU) never share a core with the client measuring them;
 * unpinned after. With one CPU or no `taskset`, nothing is pinned and the log says so.
 * @template T @param {(providerCpu: number | undefined) => Promise<T>} fn @returns {Promise<T>}
 */
export async function pinned(fn) {
  const count = cpus().length;
  const taskset = (/** @type {string} */ list) =>
    execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
  try {
    if (count < 2) throw new Error('one CPU');
    taskset('0');
  } catch (error) {
    log(`  (client and provider not pinned: ${error instanceof Error ? error.message : String(error)})`);
    return fn(undefined);
  }
  try {
    return await fn(count - 1);
  } finally {
    taskset(`0-${count - 1}`);
  }
}
