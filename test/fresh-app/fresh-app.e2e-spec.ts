import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Etcd3 } from 'etcd3';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceInstance, encodeInstance, instanceKey } from 'nest-service-registry/backend-kit';
import { eventually } from 'nest-service-registry/testing';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { appEnv, buildApp, installStarter, packLibrary, pasteReadme, sh } from './fresh-app.js';

// The way a user meets the package: `npm pack`, a new NestJS 12 starter app (test/fresh-app/fixture,
// generated once by the CLI: GENERATED.md), the README's install lines, its TypeScript blocks
// pasted into src/, built with the starter's tsconfig, run against a private etcd.
/** An app around the README's dashboard block (`OpsModule`): the part of it the README leaves to the reader. */
const OPS_MAIN = `import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { OpsModule } from './ops.module.js';

@Module({ imports: [RegistryModule.forRoot({ backend: etcd({ hosts: process.env.ETCD_HOSTS }) }), OpsModule] })
class OpsAppModule {}

const app = await NestFactory.create(OpsAppModule);
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT));
`;

/** A main around the README's gRPC consumer module (`GrpcConsumerModule`), which the README leaves to the reader. */
const GRPC_MAIN = `import { NestFactory } from '@nestjs/core';
import { GrpcConsumerModule } from './grpc-consumer.module.js';

const app = await NestFactory.create(GrpcConsumerModule);
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT));
`;

describe('a new NestJS 12 starter app that follows the README', () => {
  let etcd: EtcdServer;
  let client: Etcd3;
  let root: string;
  let app: string;
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    etcd = await EtcdServer.start();
    client = etcd.client();
    root = mkdtempSync(join(tmpdir(), 'nsr-fresh-app-'));
    app = join(root, 'app');
    const tarball = await packLibrary(root);
    await installStarter(app, tarball);
    expect(pasteReadme(app, etcd.url)).toEqual(
      expect.arrayContaining([
        'src/provider.ts',
        'src/consumer.ts',
        'src/health.module.ts',
        'src/ops.module.ts',
        'src/grpc-provider.ts',
        'src/grpc-consumer.module.ts',
        'src/metrics-main.ts',
        'src/users.gateway.spec.ts',
      ]),
    );
    writeFileSync(join(app, 'src/ops-main.ts'), OPS_MAIN);
    writeFileSync(join(app, 'src/grpc-main.ts'), GRPC_MAIN);
    copyFileSync('libs/demo-config/src/users.proto', join(app, 'users.proto')); // the user's own proto, as the README says
    await buildApp(app); // every TypeScript block of the README compiles as written
  }, 300_000);

  afterAll(async () => {
    for (const child of processes) await child.stop();
    client?.close();
    await etcd?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** The instances of `user-service` in etcd, in the yu-rpc layout, by key. */
  async function registered(): Promise<Record<string, { id: string; servicePort: number; protocol: string }>> {
    const values = await client.getAll().prefix('/rpc/user-service:1.0/').strings();
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, JSON.parse(value) as never]));
  }

  /** Starts `dist/<file>` of the app as `nest start` would (source maps on); resolves once `ready` says so. */
  async function start(name: string, file: string, ready: () => Promise<boolean>, env: Record<string, string> = {}) {
    const child = new ServerProcess(name);
    processes.push(child);
    await child.start(process.execPath, ['--enable-source-maps', file], ready, 30_000, { cwd: app, env: appEnv(env) });
    return child;
  }

  it('registers two providers, balances the consumer round-robin over them, reports /health, deregisters at SIGTERM', async () => {
    const first = await start('provider 1', 'dist/provider.js', async () => Object.keys(await registered()).length === 1);
    await start('provider 2', 'dist/provider.js', async () => Object.keys(await registered()).length === 2);
    const instances = Object.values(await registered());
    expect(instances.map((i) => i.protocol)).toEqual(['http', 'http']);
    const ids = instances.map((i) => i.id).sort();

    const port = await freePort();
    const call = async () => {
      const { servedBy, ...user } = (await (await fetch(`http://127.0.0.1:${port}/users/7`)).json()) as { servedBy: string };
      return { servedBy, user };
    };
    await start('consumer', 'dist/consumer.js', async () => (await fetch(`http://127.0.0.1:${port}/users/7`)).ok, { PORT: String(port) });
    await eventually(async () => {
      const answers = [await call(), await call(), await call(), await call()];
      expect(answers[0]?.user).toEqual({ id: '7', name: 'User 7' });
      const servedBy = answers.map((a) => a.servedBy);
      expect([...new Set(servedBy)].sort()).toEqual(ids);
      expect(servedBy[2]).toBe(servedBy[0]);
      expect(servedBy[3]).toBe(servedBy[1]);
    });

    const health = await fetch(`http://127.0.0.1:${instances[0]?.servicePort}/health`);
    const body = (await health.json()) as { status: string; info: { registry: { status: string } } };
    expect({ http: health.status, status: body.status, registry: body.info.registry.status }).toEqual({
      http: 200,
      status: 'ok',
      registry: 'up',
    });

    const before = await registered();
    await first.stop(); // SIGTERM: the key is gone by the time the process has exited, not TTL later
    const after = await registered();
    expect(Object.keys(after)).toHaveLength(1);
    const survivor = Object.values(after)[0]?.id;
    expect(Object.values(before).map((i) => i.id)).toContain(survivor);
    await eventually(async () => expect([(await call()).servedBy, (await call()).servedBy]).toEqual([survivor, survivor]));
    expect(first.output).not.toMatch(/ERROR|WARN/);
  }, 120_000);

  it("serves the README's guarded dashboard: page, assets and state with the token, 403 without, 404 on another process's instance", async () => {
    const other = createServiceInstance({ serviceName: 'dash-check', serviceHost: '127.0.0.1', servicePort: 4200 });
    await client.put(instanceKey('rpc', other)).value(encodeInstance(other));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/ops/registry`;
    const token = { 'x-ops-token': 'fresh-app-token' };
    const get = (path: string, headers: Record<string, string> = token) => fetch(`${base}${path}`, { headers });
    await start('dashboard', 'dist/ops-main.js', async () => (await get('/state')).ok, {
      PORT: String(port),
      ETCD_HOSTS: etcd.url,
      OPS_TOKEN: token['x-ops-token'],
    });

    expect((await get('', {})).status).toBe(403);
    expect((await get('/state', { 'x-ops-token': 'wrong' })).status).toBe(403);
    const page = await get('');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('dashboard.js');
    for (const asset of ['/dashboard.js', '/dashboard.css']) expect((await get(asset)).status).toBe(200);
    await eventually(async () => {
      const state = (await (await get('/state')).json()) as { services: Array<{ serviceName: string; total: number }> };
      expect(state.services).toEqual(expect.arrayContaining([expect.objectContaining({ serviceName: 'dash-check', total: 1 })]));
    });
    const drain = await fetch(`${base}/instances/${encodeURIComponent(other.id)}/drain`, { method: 'POST', headers: token });
    expect(drain.status).toBe(404);
    await client.delete().key(instanceKey('rpc', other));
  }, 60_000);

  it("runs the README's gRPC provider and consumer: a call to registry:///user-grpc:1.0 reaches the provider", async () => {
    const grpcKeys = async () => Object.values(await client.getAll().prefix('/rpc/user-grpc:1.0/').strings());
    const grpcPort = await freePort();
    const provider = await start('gRPC provider', 'dist/grpc-provider.js', async () => (await grpcKeys()).length === 1, {
      GRPC_PORT: String(grpcPort),
      PORT: String(await freePort()),
    });
    expect((await grpcKeys()).map((value) => JSON.parse(value) as unknown)).toEqual([
      expect.objectContaining({ serviceName: 'user-grpc', servicePort: grpcPort, protocol: 'grpc' }),
    ]);
    const port = await freePort();
    const user = `http://127.0.0.1:${port}/grpc/users/7`;
    await start('gRPC consumer', 'dist/grpc-main.js', async () => (await fetch(user)).ok, { PORT: String(port) });
    expect(await (await fetch(user)).json()).toEqual({ id: '7', name: 'Ada' });
    await provider.stop(); // SIGTERM: deregistered before it exits
    expect(await grpcKeys()).toEqual([]);
    expect(provider.output).not.toMatch(/ERROR|WARN/);
  }, 120_000);

  it('runs the metrics block of docs/observability.md: registry_* series on its own GET /metrics', async () => {
    const port = await freePort();
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const registered = /^registry_registered_instances(\{[^}]*\})? 1$/m;
    const provider = await start('metered provider', 'dist/metrics-main.js', async () => registered.test(await scrape()), {
      PORT: String(port),
    });
    expect(await scrape()).toMatch(/^registry_stale_services(\{[^}]*\})? 0$/m);
    await provider.stop();
    expect(provider.output).not.toMatch(/ERROR|WARN/);
  }, 60_000);

  it("answers the README consumer's callers 503 with the error's code, logs an outage once, and prints no stack", async () => {
    const port = await freePort();
    const rpc = `http://127.0.0.1:${port}/rpc/users/7`;
    await start('consumer (no rpc instance)', 'dist/consumer.js', async () => (await fetch(rpc)).status === 503, { PORT: String(port) });
    const answer = await fetch(rpc); // nothing registers user-rpc here
    expect({ status: answer.status, retryAfter: answer.headers.get('retry-after'), body: await answer.json() }).toEqual({
      status: 503,
      retryAfter: '1',
      body: expect.objectContaining({ statusCode: 503, code: 'NO_INSTANCES', service: 'user-rpc' }),
    });
    const blindPort = await freePort();
    const users = `http://127.0.0.1:${blindPort}/users/7`;
    const blind = await start('consumer (etcd unreachable)', 'dist/consumer.js', async () => (await fetch(users)).status === 503, {
      PORT: String(blindPort),
      ETCD_HOSTS: `http://127.0.0.1:${await freePort()}`, // nothing listens there
    });
    for (let i = 0; i < 3; i++) {
      const failed = await fetch(users);
      expect({ status: failed.status, code: ((await failed.json()) as { code: string }).code }).toEqual({
        status: 503,
        code: 'BACKEND_UNAVAILABLE',
      });
    }
    expect(blind.output.match(/is not answering/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(blind.output).not.toMatch(/^\s+at /m); // no stack trace in the log
  }, 90_000);

  it("runs the README's testing example with the starter's own test runner (vitest run), no registry server", async () => {
    const output = await sh(app, process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], { env: { NO_COLOR: '1' } });
    expect(output).toMatch(/Tests\s+1 passed \(1\)/); // NO_COLOR: plain text
  }, 120_000);

  it('gives types of every entry point to a TypeScript project under moduleResolution node10', async () => {
    const dir = join(app, 'node10');
    mkdirSync(dir);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/nest-service-registry/package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const entries = Object.keys(manifest.exports).filter((k) => k !== './package.json');
    const imports = entries.map(
      (k, i) => `import * as entry${i} from 'nest-service-registry${k.slice(1)}';\nexport const keys${i} = Object.keys(entry${i});`,
    );
    const typed = `import type { ServiceInstance } from 'nest-service-registry';\n// @ts-expect-error a port is a number: fails (unused) if the types resolved to any\nexport const port: ServiceInstance['servicePort'] = 'not a number';\n`;
    writeFileSync(join(dir, 'check.ts'), `${imports.join('\n')}\n${typed}`);
    const compilerOptions = { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', strict: true, skipLibCheck: true };
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true, types: ['node'] }, files: ['check.ts'] }),
    );
    await sh(dir, process.execPath, ['../node_modules/typescript/bin/tsc', '-p', '.']);
  }, 60_000);

  it('runs a CommonJS JavaScript app that requires the package', async () => {
    const dir = join(app, 'cjs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true, type: 'commonjs' }));
    copyFileSync('test/fresh-app/commonjs-app.cjs', join(dir, 'main.cjs'));
    const output = await sh(dir, process.execPath, ['main.cjs'], { timeout: 30_000, env: { ETCD_HOSTS: etcd.url } });
    expect(output.trim()).toBe(JSON.stringify({ found: 'billing-cjs:1.0@127.0.0.1:4100' }));
  }, 60_000);

  /** What importing `entry` prints (it must fail) while `node_modules/<missing>` is moved away. */
  async function importWithout(missing: string, entry: string): Promise<string> {
    const installed = join(app, 'node_modules', missing);
    renameSync(installed, `${installed}.away`);
    try {
      const script = `await import('${entry}');`;
      const failed = await sh(app, process.execPath, ['--input-type=module', '-e', script]).then(
        () => 'imported although the package is missing',
        (error: Error) => error.message,
      );
      return failed;
    } finally {
      renameSync(`${installed}.away`, installed);
    }
  }

  it.each([
    { entry: 'nest-service-registry/etcd', missing: 'etcd3' },
    { entry: 'nest-service-registry/redis', missing: 'ioredis' },
    { entry: 'nest-service-registry/zookeeper', missing: 'node-zookeeper-client' },
    { entry: 'nest-service-registry/grpc', missing: '@grpc/grpc-js' },
  ])('says to install $missing when $entry is imported without it', async ({ entry, missing }) => {
    const output = await importWithout(missing, entry);
    expect(output).toContain(`needs the "${missing}" package, which is not installed: run \`npm install ${missing}\`.`);
    expect(output).toContain('MISSING_DEPENDENCY');
  });

  it.each([
    { entry: 'nest-service-registry/health', missing: '@nestjs/terminus' },
    { entry: 'nest-service-registry/microservices', missing: '@nestjs/microservices' },
  ])(
    'leaves $entry without $missing to Node, whose error names the package (ESM: no hook runs before linking)',
    async ({ entry, missing }) => {
      expect(await importWithout(missing, entry)).toContain(`Cannot find package '${missing}'`);
    },
  );
});
