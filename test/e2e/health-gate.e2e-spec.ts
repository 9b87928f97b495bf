import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { HealthCheckService, MemoryHealthIndicator, TerminusModule } from '@nestjs/terminus';
import { DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { eventually } from 'nest-service-registry/testing';
import { RecordingLogger, startConsumer, testOptions, TrackedApps, UsersFixture, testApp } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';

// Issue 12, item 5: the instances' status follows the app's own terminus check, with damping.
const apps = new TrackedApps();
const suite = useEtcdSuite(apps);

describe('healthGate: instances follow the app’s own health check', () => {
  it('a failing heap indicator publishes the instance DOWN after 2 failures, and UP after 2 passes', async () => {
    let heapLimit = 64 * 1024 * 1024 * 1024; // a real terminus indicator, passing until the limit drops
    @Module({
      imports: [
        ScheduleModule.forRoot(),
        RegistryModule.forRootAsync({
          imports: [TerminusModule],
          inject: [HealthCheckService, MemoryHealthIndicator],
          useFactory: (health: HealthCheckService, memory: MemoryHealthIndicator) => ({
            backend: etcd({ hosts: suite.server.url }),
            host: '127.0.0.1',
            ttl: 2,
            healthGate: { check: () => health.check([() => memory.checkHeap('heap', heapLimit)]), threshold: 2, interval: 150 },
          }),
        }),
      ],
      controllers: [UsersFixture],
    })
    class GatedProvider {}
    const logger = new RecordingLogger();
    const provider = await apps.track(testApp(GatedProvider, logger));
    await provider.listen(0, '127.0.0.1');
    expect(provider.get(SchedulerRegistry).getIntervals()).toContain('registry:health-gate'); // beside the lease renewal
    const discovery = (await apps.track(startConsumer(testOptions(suite.server.url), logger))).get(DiscoveryClient); // one logger: Nest's is process-wide
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 600)); // passing checks change nothing
    expect(logger.lines.filter((l) => l.message.startsWith('Health gate'))).toEqual([]);

    heapLimit = 1;
    await eventually(() => {
      expect(discovery.getInstancesSync('user-service')).toEqual([]);
      expect(discovery.getInstancesSync('user-service', { includeUnavailable: true }).map((i) => i.status)).toEqual(['DOWN']);
    });
    expect(logger.warnings('Health gate: 2 failed check(s) in a row')).toHaveLength(1);

    heapLimit = 64 * 1024 * 1024 * 1024;
    await eventually(() => expect(discovery.getInstancesSync('user-service').map((i) => i.status)).toEqual(['UP']));
    expect(logger.lines.filter((l) => l.message.startsWith('Health gate: 2 passed'))).toHaveLength(1);
    await provider.close();
    expect(provider.get(SchedulerRegistry).getIntervals()).not.toContain('registry:health-gate');
  }, 30_000);

  it('fails bootstrap saying to import ScheduleModule when the app has none', async () => {
    @Module({
      imports: [
        RegistryModule.forRoot({ backend: etcd({ hosts: suite.server.url }), host: '127.0.0.1', healthGate: { check: () => true } }),
      ],
    })
    class NoSchedule {}
    const app = await apps.track(testApp(NoSchedule));
    await expect(app.init()).rejects.toThrow('import ScheduleModule.forRoot() in your root module');
  });
});
