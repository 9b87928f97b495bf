import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { existsSync } from 'node:fs';
import { RegistryModule } from 'nest-service-registry';
import { RegistryHealthIndicator, RegistryHealthModule } from 'nest-service-registry/health';
import { eventually } from 'nest-service-registry/testing';
import { testOptions, UsersFixture, testApp } from '../support/apps.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { expectWithin } from '../support/bounds.js';

let etcd: EtcdServer;

beforeAll(async () => {
  etcd = await EtcdServer.start();
});

afterAll(async () => {
  await etcd.stop();
});

async function healthApp(url: string): Promise<INestApplication> {
  @Module({
    imports: [
      ScheduleModule.forRoot(),
      RegistryModule.forRoot(testOptions(url, { ttl: 2, healthTimeout: 500 })),
      TerminusModule,
      RegistryHealthModule,
    ],
    controllers: [UsersFixture],
  })
  class HealthTestModule {}
  const app = await testApp(HealthTestModule);
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('health', () => {
  it('is up with details while etcd answers, down with details when it is stopped, and never throws', async () => {
    const server = await EtcdServer.start();
    const app = await healthApp(server.url);
    try {
      const indicator = app.get(RegistryHealthIndicator);
      const up = await eventually(async () => {
        const result = await indicator.isHealthy('registry');
        expect(result.registry.status).toBe('up');
        return result;
      });
      expect(up.registry).toMatchObject({
        status: 'up',
        backend: 'etcd',
        endpoints: [server.url],
        lease: {
          id: expect.stringMatching(/^\d+$/),
          state: 'alive',
          ttl: 2,
          ttlLeftMs: expect.any(Number),
          lastRenewal: expect.any(String),
        },
        registrations: 1,
        lostRegistrations: [],
        staleServices: [],
        lastError: null,
      });

      await server.kill();
      const startedAt = Date.now();
      const down = await indicator.isHealthy('registry');
      expectWithin('health: isHealthy() with etcd just killed', Date.now() - startedAt, 1_500);
      expect(down.registry).toMatchObject({ status: 'down', backend: 'etcd', endpoints: [server.url], lastError: expect.any(String) });
      await eventually(
        async () => {
          const result = await indicator.isHealthy('registry');
          expect(result.registry).toMatchObject({ status: 'down', lease: { state: 'degraded' } });
        },
        { timeout: 5_000 },
      );
    } finally {
      await app.close();
      await server.stop();
    }
  });
});

describe('lifecycle', () => {
  it('leaves no timer, socket or stream after app.close(): the process exits by itself', async () => {
    if (!existsSync('node_modules/nest-service-registry/index.js')) {
      throw new Error('The package is not built: run `npm run build` (npm test does it in pretest).');
    }
    const child = spawnTracked(process.execPath, ['test/fixtures/close-cleanly.mjs'], {
      env: { ...process.env, ETCD_HOSTS: etcd.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 20_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'closed health=up' });
  });
});
