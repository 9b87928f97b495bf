// @ts-check
import { spawnTracked } from './pid-ledger.mjs';
import { waitPortFree } from './ports.mjs';

/**
 * One server process a harness starts and stops by PID: spawn, keep the tail of its output, wait
 * until a readiness probe answers (killing it when it misses its deadline), kill (and wait until
 * its ports are free), stop (SIGTERM, SIGKILL after 5 s). A restart spawns a new process through
 * the same object. Used by the tests, the demo and the bench alike.
 */
export class ServerProcess {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  #child;
  /** @type {Promise<void>} */
  #exited = Promise.resolve();
  #tail = '';

  constructor(/** @type {string} */ name) {
    this.name = name;
  }

  /** PID of the running process, if any. */
  get pid() {
    return this.#child?.pid;
  }

  get running() {
    return this.#child !== undefined;
  }

  /** Resolves once the current process (if any) has exited and been reaped. */
  get exited() {
    return this.#exited;
  }

  /** The last 4 000 characters the process printed. */
  get output() {
    return this.#tail;
  }

  /**
   * Starts `command`, then polls `ready` every 25 ms until it resolves true; kills the process
   * and rejects (with its output) when it exits first or misses `timeout`.
   * @param {string} command @param {string[]} args @param {() => Promise<boolean>} ready @param {number} timeout
   * @param {{ env?: NodeJS.ProcessEnv, cwd?: string }} [options]
   */
  async start(command, args, ready, timeout, options = {}) {
    const child = spawnTracked(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd });
    this.#child = child;
    this.#tail = '';
    const keep = (/** @type {Buffer} */ chunk) => (this.#tail = (this.#tail + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.#child === child) this.#child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + timeout;
    while (!(await ready().catch(() => false))) {
      if (this.#child !== child) throw new Error(`${this.name} exited during startup:\n${this.#tail}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`${this.name} was not ready within ${timeout} ms:\n${this.#tail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  signal(/** @type {NodeJS.Signals} */ signal) {
    this.#child?.kill(signal);
  }

  /** SIGKILL, then wait until the process is reaped and `ports` are free again. */
  async kill(/** @type {number[]} */ ...ports) {
    this.signal('SIGKILL');
    await this.#exited;
    for (const port of ports) await waitPortFree(port);
  }

  /** SIGTERM (after SIGCONT, in case it is frozen), SIGKILL after 5 s; resolves once it exited. */
  async stop() {
    if (!this.#child) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), 5_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
