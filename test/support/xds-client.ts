import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { USERS_PROTO } from '@app/demo-config';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';

/** One call of an xDS client: who answered, or the error, and when it started (`Date.now()` in the client). */
export interface XdsAnswer {
  readonly started: number;
  readonly by?: string;
  readonly error?: string;
}

/** The clients, each written by others: grpc-js with @grpc/grpc-js-xds, and Debian's Python grpcio. */
const COMMANDS = {
  node: [process.execPath, 'test/fixtures/xds-client.mjs'],
  python: ['/usr/bin/python3', 'test/fixtures/xds_client.py'],
} as const;

/**
 * A gRPC client process dialling `xds:///<target>` through the bootstrap file `bootstrap`, driven
 * over JSON lines on its stdin (test/fixtures/xds-client.mjs and xds_client.py).
 */
export class XdsClientProcess {
  private readonly lines: Interface;
  private readonly pending: Array<(answers: XdsAnswer[]) => void> = [];
  private output = '';
  private readonly exited: Promise<unknown>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => {
      try {
        this.pending.shift()?.((JSON.parse(line) as { answers: XdsAnswer[] }).answers);
      } catch {
        this.output += `${line}\n`;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4_000)));
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  static start(kind: keyof typeof COMMANDS, bootstrap: string, target = 'user-grpc'): XdsClientProcess {
    const [command, ...args] = COMMANDS[kind];
    const child = spawnTracked(command, args, {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap, XDS_TARGET: target, USERS_PROTO },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new XdsClientProcess(child);
  }

  /** What the client wrote to stderr (its last 4 KB), for failure messages. */
  get log(): string {
    return this.output;
  }

  /** `n` sequential calls. */
  calls(n: number): Promise<XdsAnswer[]> {
    return this.ask({ op: 'call', n });
  }

  /** Starts four call loops (5 ms apart); {@link stop} ends them and returns every answer. */
  steady(): void {
    this.child.stdin.write(`${JSON.stringify({ op: 'steady' })}\n`);
  }

  stop(): Promise<XdsAnswer[]> {
    return this.ask({ op: 'stop' });
  }

  /** Ends the client (SIGKILL after 5 s) and reaps it. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end(`${JSON.stringify({ op: 'exit' })}\n`);
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(killer);
    }
    this.lines.close();
  }

  /** SIGKILLs the client at once (a client that vanishes). */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private ask(command: object): Promise<XdsAnswer[]> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null) return reject(new Error(`the xDS client exited:\n${this.output}`));
      this.pending.push(resolve);
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }
}

/** How many answers each responder gave (errors under their message). */
export function tally(answers: readonly XdsAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { by, error } of answers) counts[by ?? `error: ${error}`] = (counts[by ?? `error: ${error}`] ?? 0) + 1;
  return counts;
}
