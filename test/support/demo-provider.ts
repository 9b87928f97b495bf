import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The built demo provider (`dist/apps/provider/main.js`) as a child process on loopback: HTTP and
 * TCP on ports it picks, registered in the etcd at `etcdUrl`. {@link start} resolves once it logged
 * both ports; {@link stop} kills it (SIGKILL unless asked otherwise) and reaps it.
 */
export class DemoProvider {
  private output = '';
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    readonly httpPort: number,
    readonly rpcPort: number,
  ) {
    this.exited = new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  }

  /** `127.0.0.1:<rpcPort>`, as the provider answers in `servedBy`. */
  get rpcAddress(): string {
    return `127.0.0.1:${this.rpcPort}`;
  }

  static async start(etcdUrl: string, ttlSeconds = 2): Promise<DemoProvider> {
    if (!existsSync('dist/apps/provider/main.js') || !existsSync('node_modules/nest-service-registry/index.js')) {
      throw new Error('The demo provider is not built: run `npm run build` (npm test does it in pretest).');
    }
    const child = spawn(process.execPath, ['dist/apps/provider/main.js'], {
      env: { ...process.env, ETCD_HOSTS: etcdUrl, HOST: '127.0.0.1', PORT: '0', RPC_PORT: '0', REGISTRY_TTL_SECONDS: String(ttlSeconds) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ports = await new Promise<{ http: number; rpc: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the provider did not start within 20 s:\n${output}`)), 20_000);
      const onData = (chunk: Buffer): void => {
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
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    const provider = new DemoProvider(child, ports.http, ports.rpc);
    provider.output = output;
    child.stdout.on('data', (chunk: Buffer) => (provider.output += chunk.toString()));
    return provider;
  }

  /** Sends `signal` and waits until the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}
