import { spawn, type ChildProcess } from 'node:child_process';
import { waitPortFree } from './ports.js';

/**
 * One server process a test harness starts and stops by PID: spawn, keep the tail of its output,
 * wait until a readiness probe answers, kill (and wait until its ports are free), stop (SIGTERM,
 * SIGKILL after 5 s). A restart spawns a new process through the same object.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private tail = '';

  constructor(private readonly name: string) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process, then polls `ready` every 25 ms until it resolves true (or fails after `timeout`). */
  async start(command: string, args: string[], ready: () => Promise<boolean>, timeout: number): Promise<void> {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.tail = '';
    const keep = (chunk: Buffer) => (this.tail = (this.tail + chunk.toString()).slice(-4_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + timeout;
    while (!(await ready().catch(() => false))) {
      if (this.child !== child) throw new Error(`${this.name} exited during startup:\n${this.tail}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`${this.name} was not ready within ${timeout} ms:\n${this.tail}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** SIGKILL, then wait until the process is reaped and `ports` are free again. */
  async kill(...ports: number[]): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
    for (const port of ports) await waitPortFree(port);
  }

  /** SIGTERM (after SIGCONT, in case it is frozen), SIGKILL after 5 s; resolves once it exited. */
  async stop(): Promise<void> {
    if (!this.child) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
