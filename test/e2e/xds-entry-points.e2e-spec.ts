import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from 'nest-service-registry/testing';
import { writeXdsBootstrap } from 'nest-service-registry/xds';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { requireInstalled } from '../../scripts/lib/binaries.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { tally, XdsClientProcess } from '../support/xds-client.js';

// Issue 31: the two ways to run the xDS server without writing an app, each dialled by a real
// xDS client: `nest-registry xds --port N` (grpc-js-xds) and the demo consumer with XDS_PORT
// (Python's grpcio, as in DESIGN §7).
const CLI = join(import.meta.dirname, '../../dist/libs/registry/cli.js');
let etcd: EtcdServer;
let provider: DemoProvider;
let dir: string;
const clients: XdsClientProcess[] = [];
const servers: ServerProcess[] = [];

/** A client that reaches the provider through the xDS server on `port`. */
async function reachesProvider(kind: 'node' | 'python', port: number): Promise<void> {
  const client = XdsClientProcess.start(kind, writeXdsBootstrap(join(dir, `${kind}-${port}.json`), { server: `127.0.0.1:${port}` }));
  clients.push(client);
  await eventually(async () => expect(tally(await client.calls(3))).toEqual({ [provider.grpcAddress]: 3 }), { timeout: 30_000 }).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n${kind} client:\n${client.log}\nserver:\n${servers.at(-1)?.output ?? ''}`);
    },
  );
}

beforeAll(async () => {
  requireInstalled('grpcio');
  etcd = await EtcdServer.start();
  provider = await DemoProvider.start(etcd.url, 3, { grpcPort: await freePort() });
  dir = mkdtempSync(join(tmpdir(), 'xds-entry-'));
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const server of servers) await server.stop();
  await provider?.stop('SIGKILL');
  await etcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('xDS without writing an app', () => {
  it('nest-registry xds --port N serves grpc-js-xds clients until interrupted', async () => {
    const port = await freePort();
    const server = new ServerProcess('nest-registry xds');
    servers.push(server);
    const registry = `etcd://${etcd.url.replace('http://', '')}`;
    await server.start(
      process.execPath,
      [CLI, '--registry', registry, 'xds', '--port', String(port)],
      async () => server.output.includes(`127.0.0.1:${port}`),
      15_000,
    );
    expect(server.output).toContain(`xDS (ADS) server on 127.0.0.1:${port}`);
    await reachesProvider('node', port);
    server.signal('SIGINT');
    await server.exited;
    expect(server.running).toBe(false);
  }, 60_000);

  it('nest-registry xds refuses plaintext off loopback (exit 2, naming the option)', async () => {
    const server = new ServerProcess('nest-registry xds (refused)');
    const registry = `etcd://${etcd.url.replace('http://', '')}`;
    await expect(
      server.start(process.execPath, [CLI, '--registry', registry, 'xds', '--port', '0', '--host', '0.0.0.0'], async () => false, 10_000),
    ).rejects.toThrow(/xds\.host[\s\S]*loopback/);
  }, 30_000);

  it("the demo consumer with XDS_PORT serves Python's grpcio", async () => {
    const port = await freePort();
    const consumer = new ServerProcess('demo consumer');
    servers.push(consumer);
    await startDemoConsumer(consumer, etcd.url, 3, { XDS_PORT: String(port) });
    await reachesProvider('python', port);
  }, 60_000);
});
