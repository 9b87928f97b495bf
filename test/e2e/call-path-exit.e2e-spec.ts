import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { existsSync } from 'node:fs';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';

let etcd: EtcdServer;
let provider: DemoProvider;

beforeAll(async () => {
  etcd = await EtcdServer.start();
  provider = await DemoProvider.start(etcd.url, 2, { grpcPort: await freePort() });
});

afterAll(async () => {
  await provider?.stop();
  await etcd.stop();
});

describe('the call path at shutdown', () => {
  it('app.close() leaves no socket, timer or stream: a consumer that called the TCP, HTTP and gRPC clients exits by itself', async () => {
    if (!existsSync('node_modules/nest-service-registry/index.js'))
      throw new Error('Run `npm run build` first (npm test does it in pretest).');
    const child = spawnTracked(process.execPath, ['test/fixtures/consumer-exit.mjs'], {
      env: { ...process.env, ETCD_HOSTS: etcd.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let closedAt = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the fixture did not close within 20 s:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        if (output.includes('"closed":true')) {
          closedAt = Date.now();
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    let grace: NodeJS.Timeout | undefined;
    const exitedInTime = await Promise.race([
      exited.then(() => true),
      new Promise((resolve) => (grace = setTimeout(() => resolve(false), 5_000))),
    ]);
    clearTimeout(grace);
    if (!exitedInTime) child.kill('SIGKILL');
    await exited;
    const report = JSON.parse(output.split('\n').find((l) => l.includes('"closed"')) ?? '{}') as { served?: string[] };
    expect(report.served).toEqual([provider.grpcAddress, provider.httpAddress, provider.rpcAddress].sort()); // every client really called
    expect({ exitedInTime, code: child.exitCode, afterClose: closedAt > 0 }).toEqual({ exitedInTime: true, code: 0, afterClose: true });
  }, 60_000);
});
