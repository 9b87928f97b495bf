// The built demo provider as a child process, shared by the tests and the bench.
import { spawnTracked } from './pid-ledger.mjs';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(root, 'dist/apps/provider/main.js');

/**
 * The built demo provider (`dist/apps/provider/main.js`) as a child process on loopback: HTTP and
 * TCP on ports it picks, registered in the etcd at `etcdUrl`. {@link DemoProvider.start} resolves
 * once it logged both ports; {@link DemoProvider.stop} signals it (SIGKILL by default) and reaps it.
 */
export class DemoProvider {
  #child;
  #exited;

  /** @param {import('node:child_process').ChildProcess} child @param {number} httpPort @param {number} rpcPort */
  constructor(child, httpPort, rpcPort) {
    this.#child = child;
    this.httpPort = httpPort;
    this.rpcPort = rpcPort;
    /** @type {number | undefined} */
    this.grpcPort = undefined;
    this.#exited = new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  }

  /** `127.0.0.1:<rpcPort>`, as the provider answers in `servedBy` over TCP. */
  get rpcAddress() {
    return `127.0.0.1:${this.rpcPort}`;
  }

  /** `127.0.0.1:<httpPort>`, as the provider answers in `servedBy` over HTTP. */
  get httpAddress() {
    return `127.0.0.1:${this.httpPort}`;
  }

  /** `127.0.0.1:<grpcPort>`, as the provider answers in `servedBy` over gRPC (when started with one). */
  get grpcAddress() {
    return `127.0.0.1:${this.grpcPort}`;
  }

  /**
   * @param {string} etcdUrl @param {number} [ttlSeconds]
   * @param {{ grpcPort?: number, env?: Record<string, string>, cpu?: number }} [options] grpcPort: serve user-grpc on that port (GRPC_PORT); env: more variables (ORDERS_LOG, DRAIN_MS...); cpu: pin the process to that CPU (taskset)
   * @returns {Promise<DemoProvider>}
   */
  static async start(etcdUrl, ttlSeconds = 2, options = {}) {
    if (!existsSync(MAIN)) throw new Error('The demo provider is not built: run `npm run build` (npm test does it in pretest).');
    const [command, args] =
      options.cpu === undefined ? [process.execPath, [MAIN]] : ['taskset', ['-c', String(options.cpu), process.execPath, MAIN]];
    const child = spawnTracked(command, args, {
      cwd: root,
      env: {
        ...process.env,
        ETCD_HOSTS: etcdUrl,
        HOST: '127.0.0.1',
        PORT: '0',
        RPC_PORT: '0',
        REGISTRY_TTL_SECONDS: String(ttlSeconds),
        ...(options.grpcPort === undefined ? {} : { GRPC_PORT: String(options.grpcPort) }),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ports = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the provider did not start within 20 s:\n${output}`)), 20_000);
      const onData = (chunk) => {
        output += chunk.toString();
        const rpc = /rpc bound to (\d+)/.exec(output);
        const http = /listening on (\d+)/.exec(output);
        if (rpc && http) {
          clearTimeout(timer);
          resolve({ http: Number(http[1]), rpc: Number(rpc[1]) });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the provider exited (${code}):\n${output}`));
      });
    }).catch((error) => {
      child.kill('SIGKILL');
      throw error;
    });
    child.stdout.resume();
    child.stderr.resume();
    const provider = new DemoProvider(child, ports.http, ports.rpc);
    provider.grpcPort = options.grpcPort;
    return provider;
  }

  /** Sends `signal` (default SIGKILL) and waits until the process is gone. @param {NodeJS.Signals} [signal] */
  async stop(signal = 'SIGKILL') {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
    await this.#exited;
  }
}
